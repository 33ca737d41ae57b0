"""The park's target check compares like with like (issue 11): a projection of the monitored load
against the enterprises' baselines and the plan's reduction share, and nothing without data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qingyuan.loads import ledger, totals
from qingyuan.loads.models import BaselineLoad, LoadPolicy
from qingyuan.loads.tests.helpers import daily
from qingyuan.plans.models import LoadTarget, ParkPlan

pytestmark = pytest.mark.django_db


def _plan(w, code: str, baseline: str, target: str) -> None:
    plan = ParkPlan.objects.create(park=w.park, title="实施方案", compiled_by="省环科院", status="approved",
                                   start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31))
    LoadTarget.objects.create(park_plan=plan, pollutant_code=code, baseline_t=Decimal(baseline),
                              target_t=Decimal(target))


def _park(w, code: str) -> totals.ParkPollutant:
    rows = totals.enterprise_loads(totals.park_enterprises(w.park.pk), 2026, dt.date(2026, 11, 29),
                                   LoadPolicy(park=w.park))
    return next(r for r in totals.park_totals(rows, w.park.pk, 2026) if r.code == code)


def test_it_does_not_call_a_target_met_without_any_data(park_world):
    w = park_world
    _plan(w, "w01018", "10", "9")
    BaselineLoad.objects.create(enterprise=w.enterprise_a, pollutant_code="w01018", year=2024, load_t=Decimal("10"))

    cod = _park(w, "w01018")

    assert cod.projected_t == 0.0
    assert cod.has_data is False
    assert cod.projected_change is None   # was −100 %
    assert cod.meets_target is None       # was "on track" (可完成)


def test_it_judges_the_projection_against_the_target_on_the_enterprises_basis(park_world):
    """The plan says SO2 980 → 882 t/a (−10 %) but the park's enterprises' baselines sum to 6,000 t:
    a projection of 5,409 t is 9.85 % below 6,000, so above the 5,400 t cap, not "on track"."""
    w = park_world
    _plan(w, "a21026", "980", "882")
    BaselineLoad.objects.create(enterprise=w.enterprise_a, pollutant_code="a21026", year=2024, load_t=Decimal("6000"))
    gas = w.point_a.outlet
    gas.medium = "gas"
    gas.save()
    for n in range(333):  # 1 Jan – 29 Nov 2026, 14.82 t a day → 5,409.3 t over the year
        daily(w.point_a, "a21026", dt.date(2026, 1, 1) + dt.timedelta(days=n), kg=14_820.0)

    so2 = _park(w, "a21026")

    assert so2.projected_t == pytest.approx(365 * 14.82)
    assert so2.reference_t == 6000.0
    assert so2.plan_mismatch is True
    assert so2.target_t == pytest.approx(5400.0)
    assert so2.target_t == pytest.approx(float(ledger.capacity(w.park.pk)["a21026"].cap))  # the capacity cap
    assert so2.projected_change == pytest.approx(5409.3 / 6000 - 1)
    assert so2.meets_target is False


def test_it_uses_the_plan_baseline_when_no_enterprise_has_one(park_world):
    w = park_world
    _plan(w, "w01018", "10", "9")
    for n in range(333):
        daily(w.point_a, "w01018", dt.date(2026, 1, 1) + dt.timedelta(days=n), kg=20.0)

    cod = _park(w, "w01018")

    assert (cod.reference_t, cod.target_t, cod.plan_mismatch) == (10.0, pytest.approx(9.0), False)
    assert cod.projected_change == pytest.approx(365 * 0.02 / 10 - 1)
    assert cod.meets_target is True
