"""A small county for the portal tests, with personal data and unpublished items planted.

``build(world)`` adds to the shared personas' world: a permit (COD ≤ 100 mg/L) for enterprise A, 40
days of its daily values (today's, an invalid day and an exceedance among them), exceedance alarms in
every publication state, an approved plan with internal fields, complaints with and without consent
to publish, and notices in every workflow state. ``SECRETS`` must never appear on a public page;
``UNPUBLISHED`` marks items that are not (yet) public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qingyuan.alarms.models import Alarm
from qingyuan.complaints.models import Complaint
from qingyuan.plans.models import EnterprisePlan, Measure, ParkPlan
from qingyuan.portal import actions
from qingyuan.portal.models import Notice
from qingyuan.quality.models import DailyValue
from qingyuan.quality.tests.support import permit

COMPLAINANT = "王秘密"
PHONE = "13912345678"
ID_NUMBER = "360102199001011234"
HOME = "幸福村八组十七号"
SECRETS = [COMPLAINANT, PHONE, ID_NUMBER, HOME, "13800001111", "李工程师", "内部备注甲", "内部说明乙",
           "不应公开的答复丙", "甲企业环保员"]
UNPUBLISHED = ["草稿公告不应公开", "已批准未发布公告"]
TODAY_VALUE = 77.7  # today's mean: never public today
INVALID_VALUE = 55.5  # an invalid day: never public


@dataclass
class County:
    draft: Notice
    approved: Notice
    published: Notice
    withdrawn: Notice
    alarm_closed: Alarm
    alarm_recent: Alarm
    alarm_old: Alarm


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def daily(point: Any, day: dt.date, mean: float, *, valid: bool = True, code: str = "w01018") -> DailyValue:
    return DailyValue.objects.create(point=point, parameter=code, unit="mg/L", start=local_midnight(day),
                                     source="computed", valid=valid, n_expected=24, n_received=24,
                                     n_valid=24 if valid else 3, mean=mean, computed_at=timezone.now(), day=day)


def alarm(world: Any, *, detected: dt.datetime, closed: bool, peak: float = 130.0, note: str = "",
          code: str = "w01018") -> Alarm:
    return Alarm.objects.create(
        park=world.park, enterprise=world.enterprise_a, point=world.point_a, parameter=code,
        kind="exceedance", severity="high", status="closed" if closed else "open",
        start=detected - dt.timedelta(days=1), end=detected, peak=peak, limit=100.0, unit="mg/L",
        first_detected_at=detected, last_detected_at=detected, explanation_kind="process" if closed else "",
        explanation=note, explained_by_name="甲企业环保员" if closed else "", verdict="accepted" if closed else "",
        verdict_note="内部说明乙", closed_at=detected + dt.timedelta(hours=5) if closed else None)


def notice(world: Any, title: str, *, to: str, kind: str = "closure_list", enterprise: Any = None) -> Notice:
    n = actions.do_create_notice(world.park, {"kind": kind, "title": title, "body": f"{title}：正文。",
                                              "issuer": "测试园区整治办", "enterprise": enterprise},
                                 acting_user=world.regulator)
    steps = {"draft": [], "approved": ["approve"], "published": ["approve", "publish"],
             "withdrawn": ["approve", "publish", "withdraw"]}[to]
    for step in steps:
        user = world.leader if step == "approve" else world.regulator
        actions.do_transition_notice(n, step, acting_user=user, reason="名单有误，更正后重新公示" if step == "withdraw" else "")
    return n


def build(world: Any) -> County:
    today = timezone.localdate()
    now = timezone.now()
    world.enterprise_a.contact_phone = "13800001111"
    world.enterprise_a.longitude, world.enterprise_a.latitude = Decimal("115.900000"), Decimal("28.600000")
    world.enterprise_a.save()
    world.enterprise_b.longitude, world.enterprise_b.latitude = Decimal("115.910000"), Decimal("28.610000")
    world.enterprise_b.save()
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    for back in range(1, 41):
        day = today - dt.timedelta(days=back)
        if back == 3:
            daily(world.point_a, day, INVALID_VALUE, valid=False)
        elif back == 5:
            daily(world.point_a, day, 120.0)  # over the limit
        elif back == 6:
            daily(world.point_a, day, 100.0)  # equal to the limit: complies
        else:
            daily(world.point_a, day, 40.0 + back / 10)
    daily(world.point_a, today, TODAY_VALUE)

    park_plan = ParkPlan.objects.create(park=world.park, title="测试园区整治实施方案", compiled_by="省环科院",
                                        status="approved", start_date=today - dt.timedelta(days=300),
                                        deadline=today + dt.timedelta(days=300), approved_on=today)
    plan = EnterprisePlan.objects.create(park_plan=park_plan, enterprise=world.enterprise_a, title="甲化工一厂一策方案",
                                         start_date=today - dt.timedelta(days=200),
                                         deadline=today + dt.timedelta(days=100), status="approved")
    Measure.objects.create(plan=plan, kind="wastewater", title="废水预处理提标", description="内部备注甲",
                           owner_name="李工程师", deadline=today + dt.timedelta(days=30), status="done",
                           done_on=today - dt.timedelta(days=10), investment=Decimal("120.50"))
    Measure.objects.create(plan=plan, kind="voc", title="VOCs收集治理", deadline=today + dt.timedelta(days=60))

    common = dict(park=world.park, category="odour", received_at=now - dt.timedelta(days=20),
                  received_on=today - dt.timedelta(days=20), accept_deadline=today,
                  year=(today - dt.timedelta(days=20)).year, month=(today - dt.timedelta(days=20)).month,
                  name=COMPLAINT_NAME, phone=PHONE, address=HOME, status="closed",
                  replied_at=now - dt.timedelta(days=5), replied_on=today - dt.timedelta(days=5))
    Complaint.objects.create(code="PUBOK0000001", publish_reply=True,
                             description=f"夜间异味，身份证{ID_NUMBER}", internal_note="内部备注甲",
                             reply=f"{COMPLAINANT}您好：经核查甲化工废气处理设施故障已修复。如有疑问请拨打{PHONE}。",
                             **common)
    Complaint.objects.create(code="PUBNO0000002", publish_reply=False, description="白天异味",
                             reply="不应公开的答复丙", **common)

    county = County(
        draft=notice(world, "草稿公告不应公开", to="draft"),
        approved=notice(world, "已批准未发布公告", to="approved"),
        published=notice(world, "第一批关停企业名单公示", to="published", enterprise=world.enterprise_a),
        withdrawn=notice(world, "验收结果公示（已撤回）", to="withdrawn", kind="acceptance"),
        alarm_closed=alarm(world, detected=now - dt.timedelta(days=8), closed=True, note="内部说明乙"),
        alarm_recent=alarm(world, detected=now - dt.timedelta(hours=2), closed=False, peak=999.0, code="w21003"),
        alarm_old=alarm(world, detected=now - dt.timedelta(hours=30), closed=False, peak=150.0),
    )
    return county


COMPLAINT_NAME = COMPLAINANT
