"""The cockpit's load figures in two cached parts (``loads.cache``): the costly part read from the measurements
(``park.measured_part``) is kept across an edit of a target, ledger entry or status and recomputed after an edit
of what it reads (an outlet, a new enterprise); figures built on a part served stale are not kept as fresh;
the worker warms a new day's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from qingyuan.cockpit.tests.helpers import story
from qingyuan.enterprises.models import Outlet
from qingyuan.loads import cache as loads_cache
from qingyuan.loads import park
from qingyuan.loads.actions import do_record_adjustment
from qingyuan.loads.choices import KEY_POLLUTANTS
from qingyuan.plans.models import LoadTarget, ParkPlan
from qingyuan.quality.compute import local_midnight, refresh_months
from qingyuan.quality.models import DailyValue
from qingyuan.test import make_enterprise, make_point

pytestmark = pytest.mark.django_db

COD = "w01018"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False):
        yield


@pytest.fixture
def calls(monkeypatch):
    """The computations of the measured part, counted."""
    made: list[tuple] = []
    real = park.measured_part
    monkeypatch.setattr(park, "measured_part", lambda *a, **k: made.append(a) or real(*a, **k))
    return made


def _store_a_day(point, kg: float = 2500.0, days_ago: int = 1) -> None:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    DailyValue.objects.bulk_create([DailyValue(
        point=point, parameter=COD, unit="mg/L", start=local_midnight(day), day=day, source="computed",
        valid=True, n_expected=24, n_received=24, n_valid=24, mean=50.0, mass_kg=kg, computed_at=timezone.now())])
    refresh_months([point.pk], [day])  # stores the month: bumps the measured version, no model signal


def _row(client, code: str = COD):
    return next(r.row for r in client.get("/").context["loads"] if r.row.code == code)


def _fresh(world, code: str = COD):
    today = timezone.localdate()
    return next(r for r in park.park_figures(world.park.pk, today.year, today, KEY_POLLUTANTS, months=False)
                if r.code == code)


def _same(a, b) -> bool:
    return (a.ytd_t, a.projected_t, a.data_days, a.ledger_t, a.baseline_sum_t, a.quota_t, a.plan_target_t) == (
        b.ytd_t, b.projected_t, b.data_days, b.ledger_t, b.baseline_sum_t, b.quota_t, b.plan_target_t)


def test_it_keeps_the_measured_part_across_an_edit_of_a_ledger_entry_a_target_or_a_status(world, as_user, calls):
    story(world)
    _store_a_day(world.point_a)
    plan = ParkPlan.objects.create(park=world.park, title="实施方案", compiled_by="省环科院", status="approved",
                                   start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31))
    target = LoadTarget.objects.create(park_plan=plan, pollutant_code=COD, baseline_t=10, target_t=9)
    client = as_user(world.regulator)
    before = _row(client)
    assert len(calls) == 1

    do_record_adjustment(world.enterprise_a, acting_user=world.regulator, pollutant_code=COD, delta_t="-1.5",
                         reason="污水厂提标改造")
    after_ledger = _row(client)
    target.target_t = Decimal("8.5")
    target.save()
    after_target = _row(client)
    world.enterprise_b.status = "rectifying"
    world.enterprise_b.save()
    after_status = _row(client)

    assert len(calls) == 1  # each edit added up the rest only
    assert after_ledger.ledger_t == pytest.approx(before.ledger_t - 1.5)
    assert after_target.plan_target_t == 8.5
    assert after_status.ytd_t == before.ytd_t == pytest.approx(2.5)
    assert _same(after_status, _fresh(world))


def test_it_recomputes_the_measured_part_after_an_edit_of_an_outlet_or_a_new_enterprise(world, as_user, calls):
    story(world)
    _store_a_day(world.point_a)
    client = as_user(world.regulator)
    assert _row(client).ytd_t == pytest.approx(2.5)

    outlet = Outlet.objects.get(pk=world.point_a.outlet_id)
    outlet.route, outlet.receiving_plant = "indirect", world.enterprise_b  # to a plant: not what reaches the river
    outlet.save()
    assert _row(client).ytd_t == 0
    assert len(calls) == 2

    outlet.route, outlet.receiving_plant = "direct", None
    outlet.save()
    newcomer = make_enterprise(world.park, "丙化工有限公司", 3)  # a new enterprise with its own point
    _store_a_day(make_point(newcomer, "NEWC00000000000000000001"), kg=1000.0)
    assert _row(client).ytd_t == pytest.approx(3.5)
    assert _same(_row(client), _fresh(world))


def test_it_does_not_keep_figures_built_on_a_part_served_stale_as_fresh(world, as_user, calls):
    story(world)
    client = as_user(world.regulator)
    before = _row(client).ytd_t
    _store_a_day(world.point_a)  # new measurements: the measured part is stale, served within the lag
    do_record_adjustment(world.enterprise_a, acting_user=world.regulator, pollutant_code=COD, delta_t="-1",
                         reason="调整")

    assert _row(client).ytd_t == before  # the edit shows at once, on the part served stale
    assert len(calls) == 1
    loads_cache.refresh()  # the worker recomputes the part and the figures built on it

    assert len(calls) == 2
    assert _row(client).ytd_t == pytest.approx(before + 2.5)
    assert len(calls) == 2


def test_it_warms_the_figures_of_a_new_day_before_the_first_view(world, as_user, calls):
    story(world)
    _store_a_day(world.point_a)
    client = as_user(world.regulator)
    _row(client)
    assert len(calls) == 1

    with time_machine.travel("2026-11-30 00:00:10 +0800", tick=False):
        loads_cache.refresh()  # the worker's step after midnight
        assert len(calls) == 2 and calls[-1][2] == dt.date(2026, 11, 30)
        first_view = _row(client)
        assert len(calls) == 2  # read, not computed
        assert _same(first_view, _fresh(world))
