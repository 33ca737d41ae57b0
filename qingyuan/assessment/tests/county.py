"""A small county for the assessment tests: three units with known assignment, complaint and patrol outcomes.

The year is 2026, seen on 2026-12-20 (354 days). Expected points, by hand (see test_scoring):

    indicator (weight)           环保局 (bureau)            临江镇 (township)        江口镇 (river)
    assignments on time (30)     3/4 = 75.00%  → 22.50      2/2 → 30.00             0/1 → 0.00
    overdue/escalated (10, 2/pt) late + 挂牌督办 = 4 → 2.00  none → 10.00            overdue + 督办 = 2 → 6.00
    complaint clocks (20)        2/3 = 66.67%  → 13.33      none → 20.00            0/2 → 0.00
    satisfied (10)               2/3 = 66.67%  → 6.67       none → 10.00            0/1 → 0.00
    patrol plan (20)             8/11 = 72.73% → 14.55      5/5 → 20.00             no plan → 20.00
    meetings, manual (10)        90 → 9.00                  100 → 10.00             none → 0.00
    deductions (cap 5)           −2.00                      —                       —
    bonus (cap 3)                —                          4 recorded → +3.00      —
    total                        66.05 合格                 103.00 → vetoed 不合格   26.00 不合格
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from qingyuan.assessment import actions
from qingyuan.assessment.choices import Method, UnitCategory
from qingyuan.assessment.models import Indicator, Scheme
from qingyuan.complaints.models import Complaint
from qingyuan.inspections.models import Patrol, PatrolPlan
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.tasks.models import Assignment, EscalationEvent

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 12, 20)
NOW = dt.datetime(2026, 12, 20, 10, 0, tzinfo=ZONE)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZONE)


@dataclass
class County:
    scheme: Scheme
    bureau: Unit
    township: Unit
    river: Unit
    ind: dict[str, Indicator]
    assignments: dict[str, list[Assignment]]
    complaints: dict[str, list[Complaint]]
    patrols: dict[str, list[Patrol]]


_serial = iter(range(1, 10_000))


def assignment(world: Any, unit: Unit, deadline: dt.date, *, closed: dt.date | None = None,
               status: str = "completed") -> Assignment:
    n = next(_serial)
    return Assignment.objects.create(
        park=world.park, year=2026, serial=n, number=f"交办〔2026〕{n}号", subject=f"整改事项{n}", requirements="整改",
        issuer_unit=world.office, issued_on=deadline - dt.timedelta(days=20), assignee_unit=unit,
        deadline=deadline, original_deadline=deadline, status=status if closed or status != "completed"
        else "in_progress", closed_at=at(closed) if closed else None)


def complaint(world: Any, unit: Unit, received: dt.date, *, on_time: bool | None, rating: str = "",
              status: str = "closed") -> Complaint:
    n = next(_serial)
    return Complaint.objects.create(
        park=world.park, code=f"T{n:011d}", category="odour", description="异味", received_at=at(received),
        received_on=received, year=received.year, month=received.month, accept_deadline=received,
        handle_deadline=received + dt.timedelta(days=15), status=status, handling_unit=unit,
        replied_on_time=on_time, rating=rating)


def patrols(world: Any, enterprise: Any, count: int) -> list[Patrol]:
    out = []
    for i in range(count):
        start = at(dt.date(2026, 1, 10) + dt.timedelta(days=30 * i))
        out.append(Patrol.objects.create(park=world.park, enterprise=enterprise, started_at=start,
                                         finished_at=start + dt.timedelta(hours=1), checklist_key="general"))
    return out


def build(world: Any) -> County:
    bureau, town = world.bureau, world.township_unit
    river = Unit.objects.create(park=world.park, kind=UnitKind.TOWNSHIP, name="江口镇")
    d = dt.date
    a = {
        "bureau": [assignment(world, bureau, d(2026, 3, 1), closed=d(2026, 2, 27)),
                   assignment(world, bureau, d(2026, 5, 1), closed=d(2026, 5, 1)),
                   assignment(world, bureau, d(2026, 8, 1), closed=d(2026, 7, 20)),
                   assignment(world, bureau, d(2026, 9, 1), closed=d(2026, 10, 15))],  # late
        "township": [assignment(world, town, d(2026, 4, 1), closed=d(2026, 3, 30)),
                     assignment(world, town, d(2026, 6, 1), closed=d(2026, 6, 1))],
        "river": [assignment(world, river, d(2026, 11, 1), status="in_progress")],  # open, overdue
    }
    # Not counted: due after the day we look (open), withdrawn, another year.
    assignment(world, bureau, d(2026, 12, 28), status="in_progress")
    assignment(world, bureau, d(2026, 6, 1), status="withdrawn")
    assignment(world, bureau, d(2025, 12, 1), closed=d(2025, 12, 30))
    EscalationEvent.objects.create(assignment=a["bureau"][3], from_level=3, to_level=4, deadline=d(2026, 9, 1))
    EscalationEvent.objects.create(assignment=a["river"][0], from_level=2, to_level=3, deadline=d(2026, 11, 1))
    c = {
        "bureau": [complaint(world, bureau, d(2026, 2, 1), on_time=True, rating="satisfied"),
                   complaint(world, bureau, d(2026, 4, 1), on_time=True, rating="basically_satisfied"),
                   complaint(world, bureau, d(2026, 6, 1), on_time=False, rating="dissatisfied")],
        "township": [],
        "river": [complaint(world, river, d(2026, 7, 1), on_time=False, rating="dissatisfied"),
                  complaint(world, river, d(2026, 10, 1), on_time=None, status="in_handling")],  # open, late
    }
    complaint(world, river, d(2026, 12, 15), on_time=None, status="in_handling")  # still within its clock
    complaint(world, bureau, d(2026, 5, 1), on_time=None, status="merged")  # merged: not counted
    PatrolPlan.objects.create(enterprise=world.enterprise_a, computed_days=30, computed_at=NOW,
                              next_due=d(2027, 1, 1))
    PatrolPlan.objects.create(enterprise=world.enterprise_b, computed_days=60, computed_at=NOW,
                              next_due=d(2027, 1, 1))
    p = {"bureau": patrols(world, world.enterprise_a, 8), "township": patrols(world, world.enterprise_b, 6),
         "river": []}

    user = world.regulator
    scheme = actions.do_create_scheme(world.park, 2026, "2026年度园区整治目标责任考核", acting_user=user)
    actions.do_set_assessed_units(scheme, [(bureau, UnitCategory.LINKED), (town, UnitCategory.TOWNSHIP),
                                           (river, UnitCategory.TOWNSHIP)], acting_user=user)
    g1 = actions.do_add_group(scheme, "交办落实", acting_user=user, order=1)
    g2 = actions.do_add_group(scheme, "信访投诉", acting_user=user, order=2)
    g3 = actions.do_add_group(scheme, "日常监管", acting_user=user, order=3)
    g4 = actions.do_add_group(scheme, "加减分", acting_user=user, order=4)
    add = actions.do_add_indicator
    ind = {
        "on_time": add(g1, name="交办按时办结率", weight=Decimal(30), method=Method.COMPUTED,
                       key="assignments_on_time", acting_user=user, order=1),
        "escalated": add(g1, name="逾期及督办情况", weight=Decimal(10), method=Method.COMPUTED,
                         key="assignments_escalated", parameters={"per_item": 2}, acting_user=user, order=2),
        "clocks": add(g2, name="投诉按时办结率", weight=Decimal(20), method=Method.COMPUTED, key="complaint_clocks",
                      acting_user=user, order=1),
        "satisfied": add(g2, name="投诉人满意率", weight=Decimal(10), method=Method.COMPUTED,
                         key="complaint_satisfaction", acting_user=user, order=2),
        "patrols": add(g3, name="巡查计划完成率", weight=Decimal(20), method=Method.COMPUTED,
                       key="patrol_completion", acting_user=user, order=1),
        "meetings": add(g3, name="会议与宣传", weight=Decimal(10), method=Method.MANUAL, acting_user=user, order=2),
        "deduction": add(g4, name="扣分事项", weight=Decimal(5), method=Method.DEDUCTION, acting_user=user, order=1),
        "bonus": add(g4, name="加分事项", weight=Decimal(3), method=Method.BONUS, acting_user=user, order=2),
    }
    return County(scheme, bureau, town, river, ind, a, c, p)


def to_self_assessment(county: County, world: Any) -> None:
    for name in ("publish", "open_self_assessment"):
        actions.do_fire(county.scheme, name, roles={"office"}, acting_user=world.regulator)


def score_manual_and_adjust(county: County, world: Any) -> None:
    s, user = county.scheme, world.regulator
    actions.do_score_manual(s, county.bureau, county.ind["meetings"], value=Decimal(90), acting_user=user)
    actions.do_score_manual(s, county.township, county.ind["meetings"], value=Decimal(100), acting_user=user)
    actions.do_record_adjustment(s, county.bureau, county.ind["deduction"], points=Decimal(2),
                                 reason="迟报月度台账", occurred_on=dt.date(2026, 6, 10), acting_user=user)
    actions.do_record_adjustment(s, county.township, county.ind["bonus"], points=Decimal(4),
                                 reason="获省级表扬", occurred_on=dt.date(2026, 9, 1), acting_user=user)
