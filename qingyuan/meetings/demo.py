"""The demo county's meetings: the mobilisation meeting at the start of the story, the monthly
leading-group meetings, three progress meetings, and next week's leading-group meeting.

Each past meeting is scheduled, noticed, attended, held, minuted, approved and issued through the
actions, back-dated with ``story.backdated``; its decisions opened assignments that were then carried
out (done), or not (overdue, escalated by the ladder). The next meeting carries over every open
decision. Idempotent: a meeting is recognised by its title. Demo-only: the times the actions stamp
with ``now()`` on attendance and on completed assignments are moved to the story's days, like the
audit times ``backdated`` moves, so the assessment reads them as the story has them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingyuan.demo.story import backdated, moment
from qingyuan.meetings import actions, minutes
from qingyuan.meetings.choices import MeetingKind, Response
from qingyuan.meetings.models import Invitation, Meeting
from qingyuan.tasks import actions as task_actions
from qingyuan.tasks import escalation
from qingyuan.tasks.models import Assignment

MOBILISATION = "化工园区污染整治动员大会"
UNITS = ("县环保局", "临江镇", "县住建局", "县财政局", "县国土局")
# (decision, responsible unit, co-unit or None, expected result, days from the meeting to the deadline)
DECISIONS = [
    ("完成园区企业污染源全面排查，建立一企一档", "县环保局", "临江镇", "排查清单和企业档案报整治办", 30),
    ("做好关停企业职工安置和群众宣传工作", "临江镇", None, "关停企业职工全部妥善安置，无群体性上访", 25),
    ("加快园区污水管网和污水处理厂提标改造", "县住建局", "县财政局", "管网全部接通，出水稳定达到一级A标准", 60),
    ("对超标排放企业依法立案查处并限期整改", "县环保局", None, "立案查处到位，整改情况按周报送", 20),
    ("落实整治和补偿资金，按进度拨付", "县财政局", None, "资金拨付台账报领导小组", 30),
    ("组织关停企业停产到位情况核查", "临江镇", "县环保局", "核查报告和现场照片报整治办", 15),
    ("完成关停企业土地回购前期调查", "县国土局", "临江镇", "调查报告和收储方案提交领导小组", 45),
    ("在线监控数据异常企业逐一约谈", "县环保局", None, "约谈记录和整改承诺书", 20),
]
# Fates for decisions whose deadline has passed: the units with demo officers carry theirs out.
DONE_UNITS = ("县环保局", "临江镇")


def seed(seeder: Any) -> None:
    story, park = seeder.story, seeder.park
    plan = _plan(story)
    created = 0
    for n, (day, kind, title) in enumerate(plan):
        if Meeting.objects.filter(park=park, title=title).exists():
            continue
        _past_meeting(seeder, day, kind, title, [DECISIONS[(2 * n + k) % len(DECISIONS)] for k in range(2)], n)
        created += 1
    while escalation.handle_one_escalation():
        pass
    _next_meeting(seeder, story.today)
    seeder.log(f"meetings: {Meeting.objects.filter(park=park).count()} ({created} new)")


def _plan(story: Any) -> list[tuple[dt.date, str, str]]:
    """(day, kind, title) of every past meeting of the story, oldest first."""
    out = [(story.start + dt.timedelta(days=5), MeetingKind.MOBILISATION, MOBILISATION)]
    month = story.start
    n = 1
    while True:
        month = (month.replace(day=28) + dt.timedelta(days=7)).replace(day=1)
        day = month + dt.timedelta(days=9)
        if day >= story.today - dt.timedelta(days=2):
            break
        out.append((day, MeetingKind.LEADING_GROUP, f"领导小组第{n}次全体会议（{day:%Y年%-m月}）"))
        n += 1
    for i, offset in enumerate((100, 200, 300), start=1):
        day = story.start + dt.timedelta(days=offset)
        if day < story.today - dt.timedelta(days=2):
            out.append((day, MeetingKind.PROGRESS, f"化工园区整治工作第{i}次推进会"))
    return sorted(out)


def _people(seeder: Any) -> tuple[Any, Any, Any, Any]:
    u = seeder.users
    return u["office"], u["leader"], u["epb"], u["township"]


def _schedule(seeder: Any, day: dt.date, kind: str, title: str) -> Meeting:
    office, leader, *_rest = _people(seeder)
    units = [seeder.units[n] for n in UNITS] + ([seeder.units[n] for n in ("关停搬迁组", "整治验收组")]
                                               if kind == MeetingKind.MOBILISATION else [])
    return actions.do_schedule_meeting(
        seeder.park, acting_user=office, units=units, people=[leader, office], kind=kind, title=title,
        starts_at=moment(day, 9), ends_at=moment(day, 11, 30), place="化工园区管委会三楼会议室", chair=leader,
        notice=f"定于{day:%-m月%-d日}上午9时召开{title}，请各成员单位主要负责同志准时参加。")


def _past_meeting(seeder: Any, day: dt.date, kind: str, title: str, decisions: list[tuple], n: int) -> None:
    office, leader, epb, township = _people(seeder)
    with backdated(moment(day - dt.timedelta(days=5), 10)):
        m = _schedule(seeder, day, kind, title)
        item = actions.do_add_item(m, title="听取整治工作进展情况汇报", presenter="园区整治办", acting_user=office,
                                   starts_at=dt.time(9, 0))
        actions.do_fire_meeting(m, "send_notice", acting_user=office)
        actions.do_respond(m.invitations.get(user=epb), response=Response.CONFIRMED, acting_user=epb)
        if n % 4 == 3:
            actions.do_respond(m.invitations.get(user=township), response=Response.ABSENT,
                               reason="同日参加市防汛工作会议", acting_user=township)
        else:
            actions.do_respond(m.invitations.get(user=township), response=Response.DEPUTY, deputy_name="临江镇党政办主任",
                               acting_user=township)
    with backdated(moment(day, 9, 5)):
        for inv in m.invitations.exclude(response=Response.ABSENT):
            actions.do_record_presence(inv, acting_user=office)
        Invitation.objects.filter(meeting=m, signed_in_at__isnull=False).update(signed_in_at=moment(day, 8, 50))
        actions.do_fire_meeting(m, "hold", acting_user=office)
        minutes.do_record_minutes(item, acting_user=office, text=(
            "会议听取了园区整治办关于整治工作进展情况的汇报。会议认为，整治工作总体有序推进，"
            "但部分重点项目进度滞后，必须进一步压实责任。"))
        for text, unit, co, expected, days in decisions:
            minutes.do_record_decision(item, text=text, responsible_unit=seeder.units[unit], acting_user=office,
                                       co_units=[seeder.units[co]] if co else [], expected_result=expected,
                                       deadline=day + dt.timedelta(days=days))
        minutes.do_fire_minutes(m, "submit", acting_user=office)
    with backdated(moment(day + dt.timedelta(days=1), 17)):
        opened = minutes.do_approve_minutes(Meeting.objects.get(pk=m.pk), acting_user=leader,
                                            issued_on=day + dt.timedelta(days=1))
    with backdated(moment(day + dt.timedelta(days=2), 10)):
        minutes.do_issue_minutes(Meeting.objects.get(pk=m.pk), acting_user=office,
                                 issued_at=moment(day + dt.timedelta(days=2), 10))
    for a in opened:
        _carry_out(seeder, a, n)


def _carry_out(seeder: Any, a: Assignment, n: int) -> None:
    """Done if its unit has a demo officer and the deadline has passed (every fifth left overdue);
    signed and under way if still before its deadline; otherwise left to the ladder."""
    office, _leader, epb, township = _people(seeder)
    officer = {"县环保局": epb, "临江镇": township}.get(a.assignee_unit.short_name or a.assignee_unit.name)
    today = timezone.localdate()
    if officer is None:
        return
    signed = a.issued_on + dt.timedelta(days=1)
    with backdated(moment(min(signed, today - dt.timedelta(days=1)), 9)):
        task_actions.do_sign_assignment(a, acting_user=officer, note="已签收，明确专人负责。")
    if a.deadline >= today or (n + a.pk) % 5 == 0:
        return
    finished = a.deadline - dt.timedelta(days=2)
    with backdated(moment(finished, 15)):
        task_actions.do_submit_assignment(Assignment.objects.get(pk=a.pk), acting_user=officer,
                                          text="已按会议要求完成，附佐证材料。")
        task_actions.do_verify_assignment(Assignment.objects.get(pk=a.pk), acting_user=office, accept=True,
                                          reason="经核查，已落实到位。")
    Assignment.objects.filter(pk=a.pk).update(signed_at=moment(signed, 9), submitted_at=moment(finished, 15),
                                              closed_at=moment(finished, 17))


def _next_meeting(seeder: Any, today: dt.date) -> None:
    """Next week's leading-group meeting: noticed, replies coming in, last meetings' open decisions carried over."""
    title = "领导小组全体会议（下次）"
    if Meeting.objects.filter(park=seeder.park, title=title).exists():
        return
    office, _leader, epb, _township = _people(seeder)
    day = today + dt.timedelta(days=4)
    m = _schedule(seeder, day, MeetingKind.LEADING_GROUP, title)
    minutes.do_carry_over(m, acting_user=office)
    actions.do_add_item(m, title="研究部署下阶段防止污染反弹工作", presenter="县环保局", acting_user=office,
                        starts_at=dt.time(9, 40))
    actions.do_fire_meeting(m, "send_notice", acting_user=office)
    actions.do_respond(m.invitations.get(user=epb), response=Response.CONFIRMED, acting_user=epb)
