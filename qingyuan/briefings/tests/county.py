"""A small month of records for briefing tests: March 2026 in the test park."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from qingyuan.briefings import actions
from qingyuan.briefings.models import Briefing
from qingyuan.complaints.models import Complaint
from qingyuan.inspections.models import Finding, Patrol
from qingyuan.tasks.models import Assignment

ZONE = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
_serial = iter(range(1, 100_000))


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZONE)


def assignment(world: Any, unit: Any, issued: dt.date, deadline: dt.date, *, closed: dt.date | None = None,
               status: str = "in_progress", park: Any = None) -> Assignment:
    n = next(_serial)
    return Assignment.objects.create(
        park=park or world.park, year=2026, serial=n, number=f"交办〔2026〕{n}号", subject=f"整改事项{n}",
        requirements="整改", issuer_unit=world.office, issued_on=issued, assignee_unit=unit, deadline=deadline,
        original_deadline=deadline, status="completed" if closed else status, closed_at=at(closed) if closed else None)


def complaint(world: Any, received: dt.date, status: str = "closed") -> Complaint:
    n = next(_serial)
    return Complaint.objects.create(
        park=world.park, code=f"B{n:011d}", category="odour", description="异味", received_at=at(received),
        received_on=received, year=received.year, month=received.month, accept_deadline=received,
        handle_deadline=received + dt.timedelta(days=15), status=status, handling_unit=world.bureau)


def patrol(world: Any, day: dt.date, findings: int = 0) -> Patrol:
    p = Patrol.objects.create(park=world.park, enterprise=world.enterprise_a, started_at=at(day),
                              finished_at=at(day, 11), checklist_key="general")
    for i in range(findings):
        Finding.objects.create(patrol=p, text=f"问题{i}")
    return p


def month(world: Any) -> dict[str, Any]:
    d = dt.date
    return {
        "issued_closed": assignment(world, world.bureau, d(2026, 3, 2), d(2026, 3, 20), closed=d(2026, 3, 18)),
        "issued_open": assignment(world, world.bureau, d(2026, 3, 5), d(2026, 4, 30)),
        "overdue_town": assignment(world, world.township_unit, d(2026, 2, 1), d(2026, 3, 10)),
        "closed_late_april": assignment(world, world.township_unit, d(2026, 2, 1), d(2026, 3, 15), closed=d(2026, 4, 2)),
        "withdrawn": assignment(world, world.bureau, d(2026, 3, 3), d(2026, 3, 9), status="withdrawn"),
        "other_park": assignment(world, world.bureau, d(2026, 3, 3), d(2026, 3, 9), park=world.other_park),
        "april": assignment(world, world.bureau, d(2026, 4, 1), d(2026, 4, 9)),
        "complaints": [complaint(world, d(2026, 3, 4)), complaint(world, d(2026, 3, 20), "in_handling")],
        "complaint_feb": complaint(world, d(2026, 2, 27)),
        "patrols": [patrol(world, d(2026, 3, 6), findings=2), patrol(world, d(2026, 3, 25))],
        "patrol_april": patrol(world, d(2026, 4, 1)),
    }


def draft(world: Any, title: str = "2026年3月园区整治工作简报") -> Briefing:
    return actions.do_draft_briefing(world.park, kind="monthly", start=START, end=END, title=title,
                                     acting_user=world.regulator)


def issued(world: Any) -> Briefing:
    b = draft(world)
    actions.do_set_recipients(b, units=[world.bureau], acting_user=world.regulator)
    actions.do_fire_briefing(b, "submit", acting_user=world.regulator)
    actions.do_fire_briefing(b, "approve", acting_user=world.leader)
    actions.do_fire_briefing(b, "issue", acting_user=world.regulator)
    b.refresh_from_db()
    return b
