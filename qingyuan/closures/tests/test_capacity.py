"""What a verified closure frees in the capacity ledger equals the hand-computed load on each basis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from qingyuan.closures.choices import CaseKind
from qingyuan.closures.models import ClosurePolicy, FreedBasis
from qingyuan.closures.tests.helpers import daily, open_case, walk
from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import Permit, PermitLimit
from qingyuan.loads import ledger
from qingyuan.loads.choices import EntryKind
from qingyuan.loads.models import BaselineLoad, LedgerEntry, LoadPolicy


def _setup(w):
    today = timezone.localdate()
    stop = today - dt.timedelta(days=30)
    permit = Permit.objects.create(enterprise=w.enterprise_b, number="P-B-001", issuer="县环保局",
                                   valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2035, 1, 1))
    PermitLimit.objects.create(permit=permit, pollutant_code="w01018", annual_load_t=Decimal("5.0000"))
    PermitLimit.objects.create(permit=permit, pollutant_code="w21003", annual_load_t=Decimal("0.5000"))
    BaselineLoad.objects.create(enterprise=w.enterprise_b, pollutant_code="w01018",
                                year=LoadPolicy.for_park(w.park.pk).baseline_year, load_t=Decimal("4.0"))
    # In the 12 months before the stop: 3 days of 100 kg COD and 2 days of 7.5 kg NH3-N.
    for d in (1, 100, 365):
        daily(w.point_b, stop - dt.timedelta(days=d), "w01018", 40.0, mass_kg=100.0)
    for d in (5, 6):
        daily(w.point_b, stop - dt.timedelta(days=d), "w21003", 3.0, mass_kg=7.5)
    daily(w.point_b, stop - dt.timedelta(days=400), "w01018", 40.0, mass_kg=1000.0)  # more than 12 months before
    return stop


def _entries(w):
    return dict(LedgerEntry.objects.filter(enterprise=w.enterprise_b, kind=EntryKind.CLOSURE)
                .values_list("pollutant_code", "delta_t"))


def test_it_frees_the_actual_load_of_the_last_12_months_less_the_reserve(world):
    stop = _setup(world)
    ClosurePolicy.objects.create(park=world.park, freed_basis=FreedBasis.ACTUAL_12_MONTHS, reserve_percent=20)
    case = open_case(world, days_ago=40)
    walk(world, case, stop)
    # COD: 300 kg = 0.3 t, reserve 20 % = 0.06 t, freed 0.24 t; NH3-N: 15 kg = 0.015 t → 0.003 / 0.012.
    assert _entries(world) == {"w01018": Decimal("-0.2400"), "w21003": Decimal("-0.0120")}
    reason = LedgerEntry.objects.get(enterprise=world.enterprise_b, pollutant_code="w01018").reason
    assert "0.3000" in reason and "20%" in reason and "0.0600" in reason and "0.2400" in reason
    assert AuditEntry.objects.filter(action="closures.capacity_freed").count() == 2
    assert ledger.sync_park(world.park.pk) == 0  # the status is closed: nothing freed twice
    assert ledger.capacity(world.park.pk)["w21003"].freed >= Decimal("0.0120")


def test_it_frees_the_permitted_quota_on_that_basis(world):
    stop = _setup(world)
    ClosurePolicy.objects.create(park=world.park, freed_basis=FreedBasis.PERMITTED, reserve_percent=10)
    case = open_case(world, days_ago=40)
    walk(world, case, stop)
    # COD: 5 t − 10 % = 4.5 t; NH3-N: 0.5 t − 10 % = 0.45 t.
    assert _entries(world) == {"w01018": Decimal("-4.5000"), "w21003": Decimal("-0.4500")}
    assert "许可年排放量" in LedgerEntry.objects.get(pollutant_code="w01018").reason


def test_it_frees_nothing_for_a_relocation_and_says_the_quota_moves(world):
    stop = _setup(world)
    case = open_case(world, kind=CaseKind.RELOCATION, days_ago=40)
    walk(world, case, stop)
    assert _entries(world) == {"w01018": Decimal("0.0000"), "w21003": Decimal("0.0000")}
    assert "排放指标随企业迁出" in LedgerEntry.objects.get(pollutant_code="w01018").reason
    assert ledger.sync_park(world.park.pk) == 0  # the relocated status frees no baseline either


def test_it_shows_the_freed_capacity_on_the_cockpit_tile(world, as_user):
    stop = _setup(world)
    ClosurePolicy.objects.create(park=world.park, freed_basis=FreedBasis.PERMITTED, reserve_percent=10)
    walk(world, open_case(world, days_ago=40), stop)
    page = as_user(world.leader).get("/").content.decode()
    tile = page[page.index('id="tile-capacity"'):]
    tile = tile[:tile.index('id="capacity-note"')]
    row = tile[tile.index('data-code="w01018"'):]
    assert ">4.50<" in row[:row.index("</tr>")]
