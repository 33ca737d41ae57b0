"""``loads.park.park_figures`` (the cockpit's) gives the park figures of ``park_totals`` over every enterprise."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from qingyuan.loads import park, totals
from qingyuan.loads.models import BaselineLoad, LoadPolicy
from qingyuan.loads.tests.helpers import permit
from qingyuan.loads.tests.test_masses_equivalence import AS_OF, _random_data
from qingyuan.quality.models import MonthlyValue

pytestmark = pytest.mark.django_db


def _figures(rows):
    return [(r.code, r.data_days, r.plan_baseline_t, r.plan_target_t, len(r.plants)) for r in rows]


def _numbers(rows):
    return [[r.baseline_sum_t, r.quota_t, r.ytd_t, r.projected_t, *r.months_t, *r.sent_months_t,
             *r.effluent_months_t] for r in rows]


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_it_gives_the_figures_of_park_totals(park_world, seed):
    enterprises = _random_data(park_world, seed)
    rng = random.Random(seed)
    for e in enterprises:  # baselines and permits, the indirect dischargers' water figures inside the plant's
        for code in ("w01018", "w21003", "a21026", "a21002"):
            BaselineLoad.objects.create(enterprise=e, pollutant_code=code, year=2024,
                                       load_t=Decimal(f"{rng.uniform(1, 9):.4f}"))
        permit(e, {"w01018": str(round(rng.uniform(5, 50), 3)), "a21026": "12.5"})
    policy = LoadPolicy.for_park(park_world.park.pk)
    everyone = totals.park_enterprises(park_world.park.pk)
    for as_of in [a for _, a in AS_OF] + [dt.date(2026, 11, 30)]:
        expected = totals.park_totals(totals.enterprise_loads(everyone, as_of.year, as_of, policy),
                                      park_world.park.pk, as_of.year)
        got = park.park_figures(park_world.park.pk, as_of.year, as_of)
        assert _figures(got) == _figures(expected), as_of
        for mine, theirs in zip(_numbers(got), _numbers(expected), strict=True):
            assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-12), as_of
        assert any(r.ytd_t > 0 for r in got) or as_of.year == 2025
        tile = park.park_figures(park_world.park.pk, as_of.year, as_of, months=False)  # the cockpit's
        assert [(r.data_days, r.plants, r.months_t) for r in tile] == [(r.data_days, [], [0.0] * 12) for r in got]
        assert [[r.baseline_sum_t, r.quota_t, r.ytd_t, r.projected_t] for r in tile] == [
            [r.baseline_sum_t, r.quota_t, r.ytd_t, r.projected_t] for r in got]


def test_it_adds_up_months_whose_rows_do_not_know_their_days_and_several_direct_points(park_world):
    enterprises = _random_data(park_world, 10)
    MonthlyValue.objects.filter(point__outlet__enterprise=enterprises[1]).update(mass_days=None)
    policy = LoadPolicy.for_park(park_world.park.pk)
    as_of = dt.date(2026, 11, 29)
    expected = totals.park_totals(totals.enterprise_loads(totals.park_enterprises(park_world.park.pk), 2026, as_of,
                                                          policy), park_world.park.pk, 2026)
    got = park.park_figures(park_world.park.pk, 2026, as_of)
    for mine, theirs in zip(_numbers(got), _numbers(expected), strict=True):
        assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    assert [r.data_days for r in got] == [r.data_days for r in expected]
