"""A complaint about an enterprise holds its points' evidence from a week before the event."""

from __future__ import annotations

import datetime as dt

import time_machine

from qingyuan.complaints.holds import LOOKBACK_DAYS, complaint_holds
from qingyuan.complaints.tests.helpers import handled_and_replied, register
from qingyuan.monitoring import holds, retention
from qingyuan.monitoring.models import RawPacket
from qingyuan.monitoring.tests.retention_data import NOW, WINDOWS, at, packet

D = dt.date
LATER = NOW + dt.timedelta(days=60)  # the raw window (20 days) has passed over the complaint's days


def test_it_holds_an_open_complaint_then_keeps_a_replied_ones_range(world, settings):
    for name, days in WINDOWS.items():
        setattr(settings, name, days)
    assert LOOKBACK_DAYS == 7
    with time_machine.travel(NOW, tick=False):
        c = register(world, enterprise=world.enterprise_a, observed_at=at(D(2026, 3, 18), 22))
    too_early = packet(world.point_a, at(D(2026, 3, 10), 23, 59, 59))
    first = packet(world.point_a, at(D(2026, 3, 11), 0, 0, 1))  # the event's day less seven days
    other = packet(world.point_b, at(D(2026, 3, 15)))

    with time_machine.travel(LATER, tick=False):
        pinned = holds.held_days(None, D(2026, 3, 1), D(2026, 5, 31), for_compaction=True)
        assert set(pinned) == {world.point_a.pk} and min(pinned[world.point_a.pk]) == D(2026, 3, 11)
        handled_and_replied(world, c)
        assert holds.held_days(None, D(2026, 3, 1), D(2026, 5, 31), for_compaction=True) == {}
        kept = holds.held_days(None, D(2026, 3, 1), D(2026, 5, 31), for_compaction=False)[world.point_a.pk]
        assert (min(kept), max(kept)) == (D(2026, 3, 11), LATER.date())
        retention.expire_all()
    assert set(RawPacket.objects.values_list("pk", flat=True)) == {first.pk}
    assert not RawPacket.objects.filter(pk__in=[too_early.pk, other.pk]).exists()


def test_it_answers_in_two_queries_for_any_number_of_points(world, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        for n in range(4):
            register(world, enterprise=world.enterprise_a if n % 2 else world.enterprise_b, description=f"异味{n}")
        register(world, description="无企业")
        since = at(D(2026, 1, 1))
        with django_assert_max_num_queries(2):
            one = complaint_holds([world.point_a.pk], since, NOW)
        with django_assert_max_num_queries(2):
            everyone = complaint_holds(None, since, NOW)
        with django_assert_max_num_queries(2):
            many = complaint_holds(list(range(100_000, 102_000)) + [world.point_b.pk], since, NOW)
    assert len(one) == 2 and {h.point_id for h in one} == {world.point_a.pk}
    assert len(everyone) == 4 and {h.point_id for h in many} == {world.point_b.pk} and len(many) == 2
    assert all(h.pins_compaction and h.url.startswith("/complaints/") for h in everyone)
