"""The demo county's public disclosure portal (seeded after the year of history).

Notices in every state of their workflow, drafted by the office and approved by the leader: the
first closure list (published), the acceptance results (published), a closure list withdrawn with its
reason, this year's assessment results (approved, not yet published), a plan milestone (draft); and
one confirmed e-mail subscription to the park. Idempotent: a notice whose title exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingyuan.demo.story import backdated, moment
from qingyuan.enterprises.models import Enterprise
from qingyuan.portal import actions
from qingyuan.portal.models import Notice, Subscription

SUBSCRIBER = "villager@example.org"


def _names(park: Any, *statuses: str) -> list[str]:
    return list(Enterprise.objects.filter(park=park, status__in=statuses).order_by("name").values_list("name",
                                                                                                       flat=True))


def _notice(seeder: Any, kind: str, title: str, body: str, steps: list[str], day: dt.date, *,
            reason: str = "", enterprise: Any = None) -> None:
    if Notice.objects.filter(park=seeder.park, title=title).exists():
        return
    office, leader = seeder.users["office"], seeder.users["leader"]
    with backdated(moment(day, 9)):
        n = actions.do_create_notice(seeder.park, {"kind": kind, "title": title, "body": body,
                                                   "issuer": "青溪县化工园区污染整顿工作领导小组办公室",
                                                   "enterprise": enterprise}, acting_user=office)
    for i, step in enumerate(steps, start=1):
        with backdated(moment(day, 9 + 2 * i)):
            actions.do_transition_notice(n, step, acting_user=leader if step == "approve" else office, reason=reason)
    when = moment(day, 11)
    Notice.objects.filter(pk=n.pk).update(
        created_at=moment(day, 9),
        published_at=when if n.published_at else None,
        withdrawn_at=moment(day + dt.timedelta(days=3), 10) if n.withdrawn_at else None)


def seed(seeder: Any) -> None:
    """Called by the demo Seeder after the history; idempotent."""
    park, today = seeder.park, seeder.story.today
    closed = _names(park, "closed", "relocated", "transformed")
    rectified = _names(park, "rectified")
    _notice(seeder, "closure_list", "化工园区第一批关停企业名单公示",
            "根据园区污染整治实施方案，下列企业属于淘汰类落后产能，依法予以关停：\n" + "\n".join(closed)
            + "\n\n公示期七日。如有异议，请向园区整治办书面反映。", ["approve", "publish"], today - dt.timedelta(days=200))
    _notice(seeder, "closure_list", "化工园区关停企业名单公示（第二批）",
            "下列企业拟予关停：\n" + "\n".join(closed[:2]), ["approve", "publish", "withdraw"],
            today - dt.timedelta(days=120), reason="名单中一家企业已完成转产，名单需更正后重新公示。")
    _notice(seeder, "acceptance", "化工园区企业整治验收结果公示",
            "经省生态办组织验收，下列企业按期整治到位，通过验收：\n" + ("\n".join(rectified) or "（无）"),
            ["approve", "publish"], today - dt.timedelta(days=60))
    _notice(seeder, "assessment", f"{today.year - 1}年度成员单位目标责任考核结果公示",
            "考核结果见附表，公示期五个工作日。", ["approve"], today - dt.timedelta(days=10))
    _notice(seeder, "milestone", "园区整治实施方案阶段性目标完成情况", "（草稿）阶段性目标完成情况说明。", [],
            today - dt.timedelta(days=2))
    if not Subscription.objects.filter(park=park, enterprise=None, email=SUBSCRIBER).exists():
        sub, _ = actions.do_subscribe(park, None, SUBSCRIBER)
        actions.do_confirm_subscription(sub)
        Subscription.objects.filter(pk=sub.pk).update(sent_until=timezone.now())
