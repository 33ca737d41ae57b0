"""A park with something on every tile: statuses, alarms, assignments, complaints, patrols."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from qingyuan.alarms.models import Alarm
from qingyuan.complaints.tests.helpers import register
from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections.tests.helpers import record
from qingyuan.tasks.models import Assignment
from qingyuan.tasks.tests.conftest import issue
from qingyuan.test import make_enterprise, make_point

STATUSES = ["operating", "rectifying", "rectified", "suspended", "closed"]


def alarm(world: Any, enterprise: Enterprise, point: Any, *, kind: str = "exceedance", status: str = "open") -> Alarm:
    now = timezone.now()
    return Alarm.objects.create(park=world.park, enterprise=enterprise, point=point, parameter="w01018", kind=kind,
                                severity="high", status=status, start=now - dt.timedelta(hours=3), end=now,
                                first_detected_at=now - dt.timedelta(hours=2), last_detected_at=now)


def late(world: Any, days: int, **fields: Any) -> Assignment:
    """An assignment whose deadline passed ``days`` days ago (issued on time, then the clock ran on)."""
    a = issue(world, **fields)
    Assignment.objects.filter(pk=a.pk).update(deadline=timezone.localdate() - dt.timedelta(days=days))
    return a


def populate(world: Any, extra: int = 0) -> list[Enterprise]:
    """``extra`` more enterprises, each with a point, an alarm, an assignment, a complaint and a patrol."""
    made = []
    for i in range(extra):
        e = make_enterprise(world.park, f"扩展企业{i:03d}有限公司", 100 + i, status=STATUSES[i % 5],
                            linked_unit=world.township_unit if i % 2 else world.bureau)
        point = make_point(e, f"EXTR{i:020d}")
        alarm(world, e, point, kind="exceedance" if i % 2 else "offline", status="closed" if i % 3 == 0 else "open")
        if i % 2:
            late(world, 3, enterprise=e, unit=e.linked_unit, subject=f"整改{i}")
        else:
            issue(world, enterprise=e, unit=e.linked_unit, days=5, subject=f"整改{i}")
        register(world, enterprise=e, description=f"反映{i}")
        record(world, e)
        made.append(e)
    return made


def story(world: Any) -> None:
    """The fixed part: A exceeding now, B with a closed exceedance; one overdue, one escalated assignment;
    complaints this year and last; a patrol this month."""
    alarm(world, world.enterprise_a, world.point_a)
    alarm(world, world.enterprise_a, world.point_a, kind="offline")
    alarm(world, world.enterprise_b, world.point_b, status="closed")
    late(world, 2)
    urged = late(world, 5, unit=world.township_unit, enterprise=world.enterprise_b)
    Assignment.objects.filter(pk=urged.pk).update(escalation_level=2)
    issue(world, days=7)
    register(world, enterprise=world.enterprise_a)
    with time_machine.travel(timezone.now() - dt.timedelta(days=365), tick=False):
        register(world, description="去年的来电")
        register(world, description="去年的第二个来电")
    record(world, world.enterprise_a)
