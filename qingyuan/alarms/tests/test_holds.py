"""An alarm holds its point's evidence: open, against compaction and expiry; closed, against expiry only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qingyuan.alarms import actions
from qingyuan.alarms.holds import alarm_holds
from qingyuan.alarms.models import Alarm
from qingyuan.monitoring import holds, retention
from qingyuan.monitoring.models import Reading
from qingyuan.monitoring.tests.retention_data import NOW, WINDOWS, at, reading

D = dt.date


@pytest.fixture
def windows(settings):
    for name, days in WINDOWS.items():
        setattr(settings, name, days)


def make_alarm(world, point, start: dt.datetime, **fields) -> Alarm:
    values = {"park": world.park, "enterprise": point.outlet.enterprise, "point": point, "parameter": "w01018",
              "kind": "exceedance", "severity": "high", "start": start, "end": start + dt.timedelta(hours=2),
              "first_detected_at": start + dt.timedelta(hours=1), "last_detected_at": start + dt.timedelta(hours=2)}
    return Alarm.objects.create(**(values | fields))


def test_it_keeps_an_open_alarms_range_then_keeps_it_closed_but_lets_compaction_take_it(world, windows):
    """Issue 16: an open alarm pins its range against compaction and deletion; what it refers to is kept."""
    p = world.point_a
    with time_machine.travel(NOW, tick=False):
        alarm = make_alarm(world, p, at(D(2026, 1, 10), 10))  # minute window: days before 2026-02-18 expire
        before = reading(p, "minute", at(D(2026, 1, 8), 12))  # before the day of margin
        margin = reading(p, "minute", at(D(2026, 1, 9), 12))
        later = reading(p, "minute", at(D(2026, 2, 1), 12))  # while the alarm stays open, to now

        retention.expire_all(now=NOW)

        assert set(Reading.objects.values_list("pk", flat=True)) == {margin.pk, later.pk}
        pinned = holds.held_days([p.pk], D(2026, 1, 1), D(2026, 2, 28), for_compaction=True)[p.pk]
        assert min(pinned) == D(2026, 1, 9) and D(2026, 2, 1) in pinned and before.time.date() not in pinned

        actions.do_dismiss(alarm, acting_user=world.regulator, reason="误报：仪表校准")

    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        retention.rescan()
        retention.expire_all()
        assert set(Reading.objects.values_list("pk", flat=True)) == {margin.pk, later.pk}
        assert holds.held_days([p.pk], D(2026, 1, 1), D(2026, 2, 28), for_compaction=True) == {}
        kept = holds.held_days([p.pk], D(2026, 1, 1), D(2026, 4, 30), for_compaction=False)[p.pk]
        assert min(kept) == D(2026, 1, 9) and max(kept) == NOW.date()  # up to its closing


def test_it_holds_an_alarm_while_its_assignment_is_open(world):
    from qingyuan.tasks.tests.conftest import issue

    with time_machine.travel(NOW, tick=False):
        a = issue(world)
        alarm = make_alarm(world, world.point_a, at(D(2026, 1, 10), 10), status="closed",
                           closed_at=at(D(2026, 1, 12)), assignment=a)
        found = [h for h in alarm_holds([world.point_a.pk], at(D(2026, 1, 1)), NOW) if h.reason.endswith(
            alarm.get_kind_display()) and f"#{alarm.pk}" in h.reason]
    assert len(found) == 1 and found[0].pins_compaction and found[0].end == NOW
    assert found[0].url == f"/alarms/{alarm.pk}/"


def test_it_answers_in_one_query_for_any_number_of_points(world, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        for day in range(1, 6):
            make_alarm(world, world.point_a, at(D(2026, 1, day), 8), kind="zero" if day % 2 else "exceedance",
                       parameter=f"p{day}")
            make_alarm(world, world.point_b, at(D(2026, 1, day), 8), parameter=f"p{day}")
        with django_assert_max_num_queries(1):
            some = alarm_holds([world.point_a.pk], at(D(2025, 12, 1)), NOW)
        with django_assert_max_num_queries(1):
            everyone = alarm_holds(None, at(D(2025, 12, 1)), NOW)
        with django_assert_max_num_queries(1):
            many = alarm_holds(list(range(100_000, 102_000)) + [world.point_b.pk], at(D(2025, 12, 1)), NOW)
    assert len(some) == 5 and {h.point_id for h in some} == {world.point_a.pk}
    assert len(everyone) == 10 and len(many) == 5 and {h.point_id for h in many} == {world.point_b.pk}
    assert alarm_holds(None, at(D(2026, 3, 1)), NOW) == everyone  # open: held up to now


def test_compaction_waits_for_the_alarm_to_close_and_expiry_keeps_the_block(world, windows):
    """Issue 16: open, the range stays narrow (pinned); closed, it is compacted, and its block never expires."""
    from qingyuan.monitoring import compaction
    from qingyuan.monitoring.models import ReadingBlock

    p = world.point_a
    with time_machine.travel(NOW, tick=False):
        alarm = make_alarm(world, p, at(D(2026, 3, 10), 10))
        held = [reading(p, "minute", at(D(2026, 3, 10), 10, m)) for m in (0, 10, 20)]
        compaction.compact_due(now=NOW)
        assert Reading.objects.filter(pk__in=[r.pk for r in held]).count() == 3
        assert not ReadingBlock.objects.filter(point=p, day=D(2026, 3, 10)).exists()
        actions.do_dismiss(alarm, acting_user=world.regulator, reason="误报：仪表校准")
        compaction.compact_due(now=NOW)
    block = ReadingBlock.objects.get(point=p, kind="minute", day=D(2026, 3, 10))
    assert block.count == 3 and not Reading.objects.filter(pk__in=[r.pk for r in held]).exists()

    years_later = NOW + dt.timedelta(days=3 * 365)
    with time_machine.travel(years_later, tick=False):
        retention.expire_all()
    assert ReadingBlock.objects.filter(pk=block.pk).exists()
