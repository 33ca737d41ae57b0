"""The indicators the county fixture does not cover: alarms, patrol findings, plan measures and rebounds.
Each counts exactly the records in its period at the unit's linked enterprises, with one query per batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.alarms.models import Alarm
from qingyuan.assessment.indicators import KEYS, Period
from qingyuan.assessment.tests.county import ZONE, assignment
from qingyuan.inspections.models import Finding, Patrol
from qingyuan.loads.models import ReboundFlag
from qingyuan.plans.models import EnterprisePlan, Measure, ParkPlan

PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 12, 20))


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), ZONE)


def compute(key: str, world: Any) -> dict[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        out = KEYS[key].compute([world.bureau.pk, world.township_unit.pk], PERIOD, KEYS[key].defaults)
    assert len(queries) <= 2, key
    return out


@pytest.fixture
def alarms(world: Any) -> list[Alarm]:
    def alarm(point: Any, day: dt.date, *, handled_after: int | None, kind: str) -> Alarm:
        detected = at(day)
        handled = detected + dt.timedelta(days=handled_after) if handled_after is not None else None
        return Alarm.objects.create(
            park=world.park, enterprise=point.outlet.enterprise, point=point, parameter="w01018", kind=kind,
            severity="high", status="verified" if handled else "open", start=detected, end=detected,
            first_detected_at=detected, last_detected_at=detected, verified_at=handled)
    return [alarm(world.point_a, dt.date(2026, 3, 1), handled_after=1, kind="exceedance"),      # in time (3 d)
            alarm(world.point_a, dt.date(2026, 4, 1), handled_after=5, kind="zero"),             # late
            alarm(world.point_a, dt.date(2026, 5, 1), handled_after=None, kind="constant"),      # never
            alarm(world.point_a, dt.date(2026, 12, 19), handled_after=None, kind="offline"),     # still in time
            alarm(world.point_b, dt.date(2025, 12, 1), handled_after=1, kind="exceedance")]      # last year


def test_it_counts_alarms_handled_within_the_policy(world: Any, alarms: list[Alarm]) -> None:
    out = compute("alarms_handled", world)
    assert out[world.bureau.pk].counted == [a.pk for a in alarms[:3]]
    assert out[world.bureau.pk].met == [alarms[0].pk]
    assert out[world.bureau.pk].percent() == Decimal("33.33")
    assert world.township_unit.pk not in out


def test_it_counts_patrol_findings_closed_on_time(world: Any) -> None:
    patrol = Patrol.objects.create(park=world.park, enterprise=world.enterprise_a, started_at=at(dt.date(2026, 3, 1)),
                                   finished_at=at(dt.date(2026, 3, 1)), checklist_key="general")
    on_time = assignment(world, world.bureau, dt.date(2026, 4, 1), closed=dt.date(2026, 3, 20))
    late = assignment(world, world.bureau, dt.date(2026, 4, 1), closed=dt.date(2026, 4, 20))
    pending = assignment(world, world.bureau, dt.date(2027, 1, 10), status="in_progress")
    found = [Finding.objects.create(patrol=patrol, text="a", status="assigned", assignment=on_time),
             Finding.objects.create(patrol=patrol, text="b", status="assigned", assignment=late),
             Finding.objects.create(patrol=patrol, text="c", status="closed"),
             Finding.objects.create(patrol=patrol, text="d", status="assigned", assignment=pending)]
    out = compute("findings_on_time", world)
    assert out[world.bureau.pk].counted == [f.pk for f in found[:3]]
    assert out[world.bureau.pk].met == [found[0].pk, found[2].pk]


def test_it_counts_plan_measures_on_schedule(world: Any) -> None:
    park_plan = ParkPlan.objects.create(park=world.park, title="整治方案", compiled_by="省环科院",
                                        start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31))
    plan = EnterprisePlan.objects.create(park_plan=park_plan, enterprise=world.enterprise_b, title="乙整改",
                                         start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31))

    def measure(deadline: dt.date, status: str, done_on: dt.date | None = None) -> Measure:
        return Measure.objects.create(plan=plan, kind="voc", title="VOCs治理", deadline=deadline, status=status,
                                      done_on=done_on)
    ms = [measure(dt.date(2026, 5, 1), "done", dt.date(2026, 4, 28)), measure(dt.date(2026, 6, 1), "done",
          dt.date(2026, 7, 1)), measure(dt.date(2026, 9, 1), "in_progress"), measure(dt.date(2026, 9, 1), "cancelled"),
          measure(dt.date(2026, 12, 30), "in_progress")]
    out = compute("plan_measures_on_schedule", world)
    assert out[world.township_unit.pk].counted == [m.pk for m in ms[:3]]
    assert out[world.township_unit.pk].met == [ms[0].pk]


def test_it_counts_rebounds_at_linked_enterprises(world: Any) -> None:
    flags = [ReboundFlag.objects.create(park=world.park, enterprise=world.enterprise_a, pollutant_code=code,
                                        detected_at=at(day))
             for code, day in (("w01018", dt.date(2026, 6, 1)), ("w21003", dt.date(2025, 6, 1)))]
    out = compute("rebounds", world)
    assert out[world.bureau.pk].counted == [flags[0].pk] and out[world.bureau.pk].weighted == 1
