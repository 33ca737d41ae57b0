"""An assignment about an enterprise holds the evidence of its points from its creation."""

from __future__ import annotations

import datetime as dt

import time_machine

from qingyuan.monitoring import holds, retention
from qingyuan.monitoring.models import Reading
from qingyuan.monitoring.tests.retention_data import NOW, WINDOWS, at, reading
from qingyuan.tasks import actions
from qingyuan.tasks.holds import assignment_holds
from qingyuan.tasks.tests.conftest import issue

D = dt.date
LATER = NOW + dt.timedelta(days=60)  # the minute window (30 days) has passed over the assignment's first days


def test_it_holds_an_open_assignments_points_then_keeps_them_once_withdrawn(world, settings):
    for name, days in WINDOWS.items():
        setattr(settings, name, days)
    with time_machine.travel(NOW, tick=False):
        a = issue(world)  # about enterprise A
    before = reading(world.point_a, "minute", at(D(2026, 3, 19), 12))
    held = reading(world.point_a, "minute", at(D(2026, 3, 20), 12, 30))
    other = reading(world.point_b, "minute", at(D(2026, 3, 20), 12, 30))

    with time_machine.travel(LATER, tick=False):
        pinned = holds.held_days(None, D(2026, 3, 1), D(2026, 5, 31), for_compaction=True)
        assert set(pinned) == {world.point_a.pk} and min(pinned[world.point_a.pk]) == D(2026, 3, 20)
        assert max(pinned[world.point_a.pk]) == D(2026, 5, 31)  # open: up to the end of the window asked about
        retention.expire_all()
        assert set(Reading.objects.values_list("pk", flat=True)) == {held.pk}
        actions.do_withdraw_assignment(a, acting_user=world.regulator, reason="已由其他渠道解决")

    with time_machine.travel(LATER + dt.timedelta(days=60), tick=False):
        retention.rescan()
        retention.expire_all()
        assert set(Reading.objects.values_list("pk", flat=True)) == {held.pk}
        assert holds.held_days(None, D(2026, 3, 1), D(2026, 8, 31), for_compaction=True) == {}
        kept = holds.held_days(None, D(2026, 3, 1), D(2026, 8, 31), for_compaction=False)[world.point_a.pk]
        assert (min(kept), max(kept)) == (D(2026, 3, 20), LATER.date())
    assert not Reading.objects.filter(pk__in=[before.pk, other.pk]).exists()


def test_it_answers_in_two_queries_for_any_number_of_points(world, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        for n in range(4):
            issue(world, enterprise=world.enterprise_a if n % 2 else world.enterprise_b, subject=f"整改{n}")
        since, until = at(D(2026, 1, 1)), NOW + dt.timedelta(hours=1)
        with django_assert_max_num_queries(2):
            one = assignment_holds([world.point_a.pk], since, until)
        with django_assert_max_num_queries(2):
            everyone = assignment_holds(None, since, until)
        with django_assert_max_num_queries(2):
            many = assignment_holds(list(range(100_000, 102_000)) + [world.point_b.pk], since, until)
    assert len(one) == 2 and {h.point_id for h in one} == {world.point_a.pk}
    assert len(everyone) == 4 and {h.point_id for h in many} == {world.point_b.pk} and len(many) == 2
    assert all(h.pins_compaction and h.url.startswith("/tasks/") for h in everyone)
