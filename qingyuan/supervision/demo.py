"""The demo county's democratic supervision group (seeded after the year of history).

Members of each type (江德福, the ``supervisor`` account, is the 县人大代表); his opinions in every state:
one just filed, two answered and rated (satisfied, basically satisfied), one answered and waiting for his
rating, and one left unanswered for weeks that the ladder has lifted to 挂牌督办. He took part in last
month's patrol and signed it, and is invited to the latest one. Dates count back from the seeding day,
like the rest of the story (``qingyuan.demo.story``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from qingyuan.demo import story
from qingyuan.inspections.models import Patrol
from qingyuan.supervision import actions, participation
from qingyuan.supervision.choices import MemberType
from qingyuan.supervision.escalation import handle_one_opinion_escalation
from qingyuan.supervision.models import Member, Participation

OTHERS = [  # members without an account of their own: they file on paper through the office
    ("周明远", MemberType.CPPCC, "县政协"),
    ("李桂兰", MemberType.VILLAGER, "临江镇临江村"),
    ("胡德胜", MemberType.VILLAGER, "临江镇沙洲村"),
    ("陈晓", MemberType.MEDIA, "青溪县融媒体中心"),
]
# (days ago filed, unit, subject, text, answer (days after filing, text) or None, rating or None)
OPINIONS = [
    (62, "县环保局", "园区北侧夜间异味问题", "临江村群众反映园区北侧夜间有刺鼻异味，建议加强夜间巡查和废气治理设施运行检查。",
     (9, "已组织夜间突击检查3次，对两家企业废气收集设施下达整改通知，整改已完成。"), ("satisfied", "")),
    (48, "临江镇", "沙洲村段河道垃圾和排口标识", "沙洲村段河岸有生活垃圾堆放，排口标识牌缺失，建议清理并设置标识。",
     (12, "已清理河岸垃圾，排口标识牌正在制作，月底前安装。"), ("basically", "标识牌请按期安装，届时再看。")),
    (40, "县环保局", "关停企业厂区遗留物料处置", "已关停企业厂区内仍有遗留桶装物料，建议尽快核查并规范处置，防止污染。",
     None, None),
    (20, "县环保局", "在线监测数据公开", "建议将企业在线监测日均值向周边村民公开，接受群众监督。",
     (8, "已将重点企业日均值纳入公开平台建设，预计下月上线。"), None),
    (4, "临江镇", "园区周边村庄饮用水安全", "建议对园区周边村庄饮用水源开展一次全面检测，并向村民公布结果。",
     None, None),
]


def seed(seeder: Any) -> None:
    """Called by the demo Seeder after the history; idempotent."""
    park, office, today = seeder.park, seeder.users["office"], seeder.story.today
    user = seeder.users["supervisor"]
    if Member.objects.filter(park=park, user=user).exists():
        return
    term = {"term_start": dt.date(today.year - 2, 1, 1), "term_end": dt.date(today.year + 2, 12, 31)}
    with story.backdated(story.moment(seeder.story.start)):
        member = actions.do_create_member(park, acting_user=office, user=user, name="江德福", type=MemberType.DEPUTY,
                                          organisation="青溪县人大常委会", **term)
        for name, kind, organisation in OTHERS:
            actions.do_create_member(park, acting_user=office, user=None, name=name, type=kind,
                                     organisation=organisation, **term)
    for days_ago, unit_name, subject, text, answer, rating in OPINIONS:
        _opinion(seeder, member, today - dt.timedelta(days=days_ago), unit_name, subject, text, answer, rating)
    while handle_one_opinion_escalation():  # the unanswered one climbs to 挂牌督办, as the worker would have
        pass
    _patrols(seeder, member)


def _opinion(seeder: Any, member: Member, day: dt.date, unit_name: str, subject: str, text: str,
             answer: tuple[int, str] | None, rating: tuple[str, str] | None) -> None:
    unit = seeder.units[unit_name]
    filed = story.moment(day, 9, 30)
    with story.backdated(filed):
        o = actions.do_file_opinion(member, acting_user=member.user, subject=subject, text=text, unit=unit,
                                    deadline=day + dt.timedelta(days=actions.DEFAULT_DAYS), filed_at=filed)
    if answer is None:
        return
    officer = seeder.users["epb"] if unit_name == "县环保局" else seeder.users["township"]
    answered = story.moment(day + dt.timedelta(days=answer[0]), 15)
    with story.backdated(answered):
        actions.do_answer_opinion(o, acting_user=officer, answer=answer[1], when=answered)
    if rating is None:
        return
    rated = story.moment(day + dt.timedelta(days=answer[0] + 2), 10)
    with story.backdated(rated):
        actions.do_rate_opinion(o, acting_user=member.user, rating=rating[0], comment=rating[1], when=rated)


def _patrols(seeder: Any, member: Member) -> None:
    """The last patrol about a month ago: joined and signed; the latest patrol: an invitation to accept."""
    office, today = seeder.users["office"], seeder.story.today
    patrols = Patrol.objects.filter(park=seeder.park).order_by("-started_at")
    joined = patrols.filter(started_at__date__lte=today - dt.timedelta(days=25)).first()
    if joined is not None:
        with story.backdated(joined.started_at - dt.timedelta(days=3)):
            p = participation.do_invite_member(member, acting_user=office, patrol=joined, note="请参加本次动态巡查")
        with story.backdated(joined.started_at - dt.timedelta(days=2)):
            participation.do_decide_participation(p, "accept", acting_user=member.user)
        with story.backdated(joined.finished_at):
            participation.do_sign_participation(p, acting_user=member.user, signature_name=member.name)
        # The signature's time is the end of the patrol it signs (the seeder dates its history).
        models.QuerySet(Participation).filter(pk=p.pk).update(signed_at=joined.finished_at)
    latest = patrols.exclude(pk=getattr(joined, "pk", None)).first()
    if latest is not None:
        participation.do_invite_member(member, acting_user=office, patrol=latest, note="欢迎参加并在记录上签名")
