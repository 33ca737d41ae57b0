"""The cockpit's load and capacity figures come from the cache: an edit shows at once, new measurements
within ``QINGYUAN_FIGURES_MAX_LAG`` (the worker recomputes what was served stale)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from qingyuan.cockpit.tests.helpers import story
from qingyuan.loads import cache as loads_cache
from qingyuan.loads import park
from qingyuan.loads.actions import do_record_adjustment
from qingyuan.loads.models import BaselineLoad
from qingyuan.quality.compute import local_midnight, refresh_months
from qingyuan.quality.models import DailyValue

pytestmark = pytest.mark.django_db

COD = "w01018"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False):
        yield


def _ytd(client) -> float:
    return next(r.row.ytd_t for r in client.get("/").context["loads"] if r.row.code == COD)


def _freed(client) -> Decimal:
    return next(c.freed for c in client.get("/").context["capacity"] if c.code == COD)


def test_it_adds_up_the_load_figures_once_for_repeated_views(world, as_user, monkeypatch):
    story(world)
    calls = []
    real = park.park_figures
    monkeypatch.setattr(park, "park_figures", lambda *a, **k: calls.append(a) or real(*a, **k))
    client = as_user(world.regulator)

    first, second = client.get("/"), client.get("/")

    assert first.status_code == second.status_code == 200
    assert len(calls) == 1
    assert [(r.row.code, r.row.ytd_t, r.row.projected_t) for r in first.context["loads"]] == [
        (r.row.code, r.row.ytd_t, r.row.projected_t) for r in second.context["loads"]]


def _store_a_day(world) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    # bulk_create sends no model signal: the measured version is bumped by the computation storing the month
    DailyValue.objects.bulk_create([DailyValue(
        point=world.point_a, parameter=COD, unit="mg/L", start=local_midnight(day), day=day, source="computed",
        valid=True, n_expected=24, n_received=24, n_valid=24, mean=50.0, mass_kg=2500.0,
        computed_at=timezone.now())])
    refresh_months([world.point_a.pk], [day])


def test_it_serves_the_figures_while_the_worker_adds_new_measurements(world, as_user, monkeypatch):
    story(world)
    client = as_user(world.regulator)
    before = _ytd(client)
    _store_a_day(world)
    calls = []
    real = park.park_figures
    monkeypatch.setattr(park, "park_figures", lambda *a, **k: calls.append(a) or real(*a, **k))

    assert _ytd(client) == before  # within QINGYUAN_FIGURES_MAX_LAG: no computation in the request
    assert calls == []
    loads_cache.refresh()  # the worker's step
    assert len(calls) == 1

    assert _ytd(client) == pytest.approx(before + 2.5)
    assert len(calls) == 1
    assert loads_cache.refresh() is False and len(calls) == 1  # nothing was served stale since


def test_it_recomputes_figures_that_lag_the_measurements_too_long(world, as_user, settings):
    settings.QINGYUAN_FIGURES_MAX_LAG = 0
    story(world)
    client = as_user(world.regulator)
    before = _ytd(client)
    _store_a_day(world)

    assert _ytd(client) == pytest.approx(before + 2.5)


def test_it_shows_a_new_ledger_entry_and_baseline_at_once(world, as_user):
    story(world)
    client = as_user(world.regulator)
    before = _freed(client)

    do_record_adjustment(world.enterprise_a, acting_user=world.regulator, pollutant_code=COD, delta_t="-1.5",
                         reason="污水厂提标改造")

    assert _freed(client) == before + Decimal("1.5")
    baseline = next(c.baseline for c in client.get("/").context["capacity"] if c.code == COD)
    BaselineLoad.objects.create(enterprise=world.enterprise_b, pollutant_code=COD, year=2024, load_t=Decimal("7"))
    assert next(c.baseline for c in client.get("/").context["capacity"] if c.code == COD) == baseline + 7
