"""A closure case holds its enterprise's points from a month before the decision."""

from __future__ import annotations

import datetime as dt

import time_machine

from qingyuan.closures import actions
from qingyuan.closures.holds import LOOKBACK_DAYS, closure_holds
from qingyuan.closures.tests.helpers import open_case
from qingyuan.monitoring import holds
from qingyuan.monitoring.tests.retention_data import NOW, at

D = dt.date


def test_it_holds_an_open_case_and_keeps_a_cancelled_ones_range(world):
    with time_machine.travel(NOW, tick=False):
        case = open_case(world, days_ago=10)  # enterprise B, decided 2026-03-10
        first = D(2026, 3, 10) - dt.timedelta(days=LOOKBACK_DAYS)
        pinned = holds.held_days(None, D(2026, 1, 1), D(2026, 3, 20), for_compaction=True)
        assert set(pinned) == {world.point_b.pk}
        assert (min(pinned[world.point_b.pk]), max(pinned[world.point_b.pk])) == (first, D(2026, 3, 20))
        actions.do_cancel_case(case, acting_user=world.regulator, reason="决定撤销")
        assert holds.held_days(None, D(2026, 1, 1), D(2026, 3, 20), for_compaction=True) == {}
        kept = holds.held_days(None, D(2026, 1, 1), D(2026, 3, 20), for_compaction=False)[world.point_b.pk]
        assert min(kept) == first


def test_it_answers_in_two_queries_for_any_number_of_points(world, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        open_case(world, days_ago=10)
        since = at(D(2026, 1, 1))
        with django_assert_max_num_queries(2):
            one = closure_holds([world.point_b.pk], since, NOW)
        with django_assert_max_num_queries(2):
            everyone = closure_holds(None, since, NOW)
        with django_assert_max_num_queries(2):
            many = closure_holds(list(range(100_000, 102_000)) + [world.point_a.pk], since, NOW)
    assert len(one) == 1 and everyone == one and many == []
    assert one[0].pins_compaction and one[0].url.startswith("/closures/") and one[0].end == NOW
