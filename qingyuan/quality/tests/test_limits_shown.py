"""The limits table shows the limits the alarm engine judges by: the permit's, else the standard's, with the source."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from qingyuan.alarms import context
from qingyuan.enterprises.models import Outlet, PermitLimit
from qingyuan.quality.models import DailyValue
from qingyuan.quality.services import limits_of, permit_limits
from qingyuan.test import make_point

from .support import permit

pytestmark = pytest.mark.django_db

COD, NH3N, PH, FLOW = "w01018", "w21003", "w01001", "w00000"


def _measured(point, *codes):
    """Daily values of ``codes`` yesterday: the point measures them (no permit row needs to name them)."""
    day = timezone.localdate() - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    for code in codes:
        DailyValue.objects.create(point=point, parameter=code, day=day, start=start, mean=40.0, unit="mg/L",
                                  source="computed", valid=True, n_expected=24, n_received=24, n_valid=24,
                                  computed_at=timezone.now())


def _outlet(world, **fields):
    Outlet.objects.filter(pk=world.point_a.outlet_id).update(**fields)


def _row(world, code):
    found = [r for r in limits_of(world.enterprise_a) if r.code == code and r.outlet_id == world.point_a.outlet_id]
    assert len(found) == 1, found
    return found[0]


def test_it_shows_the_special_column_of_the_standard_where_no_permit_row_limits_cod(world):
    """GB 31571-2015 表2 (水污染物特别排放限值), 直接排放, 化学需氧量 at the enterprise's total outlet: 50 mg/L
    (表1: 60). The outlet is under special limits and discharges directly; no permit row names COD."""
    _outlet(world, standard="GB 31571-2015", special_limits=True, route="direct")
    _measured(world.point_a, COD)

    row = _row(world, COD)

    assert (row.limit, row.unit, row.basis, row.source) == (50.0, "mg/L", "daily_mean", "special")
    assert row.standard == "GB 31571-2015 表2 special-direct" and "石油化学工业" in row.standard_title
    assert str(row.source_label) == "排放标准（特别排放限值）"
    assert context.load([world.point_a.pk])[world.point_a.pk].limit(COD).value == 50.0


def test_it_shows_the_range_of_the_standards_ph_limit(world):
    """GB 31571-2015 表2, 直接排放, pH值: 6.0-9.0 (a range: shown low–high)."""
    _outlet(world, standard="GB 31571-2015", special_limits=True, route="direct")
    _measured(world.point_a, PH)

    row = _row(world, PH)

    assert (row.low, row.limit, row.source) == (6.0, 9.0, "special")


def test_it_says_nothing_limits_a_measured_pollutant_where_the_standard_is_ambiguous(world):
    """Without special limits GB 31571-2015 water has four columns (表1/表2 × route): the engine holds no limit
    for COD (``alarms.context.standard_limit``), and the page says so instead of showing none of it."""
    _outlet(world, standard="GB 31571-2015", special_limits=False)
    _measured(world.point_a, COD, FLOW)

    row = _row(world, COD)

    assert (row.limit, row.source, str(row.source_label)) == (None, "none", "无限值，不判定超标")
    assert context.load([world.point_a.pk])[world.point_a.pk].limit(COD) is None
    assert not [r for r in limits_of(world.enterprise_a) if r.code == FLOW]  # a flow is not a limited pollutant


def test_it_lets_the_permit_row_win_over_the_standard(world):
    """A permit row for COD (80 mg/L) wins over GB 31571-2015 表2's 50 mg/L; NH3-N, which the permit does not
    limit, is shown at 表2's 5.0 mg/L (直接排放)."""
    _outlet(world, standard="GB 31571-2015", special_limits=True, route="direct")
    permit(world.enterprise_a, world.point_a.outlet, {COD: 80.0}, ref="GB 31571-2015 表1 direct", annual_t=12.0)
    _measured(world.point_a, COD, NH3N)

    cod, nh3n = _row(world, COD), _row(world, NH3N)

    assert (cod.limit, cod.source, cod.standard, cod.annual_t) == (80.0, "permit", "GB 31571-2015 表1 direct", 12.0)
    assert str(cod.source_label) == "排污许可证"
    assert (nh3n.limit, nh3n.source) == (5.0, "special")


def test_it_shows_permit_limits_in_the_unit_the_engine_judges_in(world):
    """A permit row written in µg/L (60000 µg/L) is the 60 mg/L the engine converts it to."""
    permit(world.enterprise_a, world.point_a.outlet, {COD: 60000.0}, unit="µg/L")
    row = _row(world, COD)
    assert (row.limit, row.unit) == (60.0, "mg/L")
    assert [(r.limit, r.unit) for r in permit_limits(world.enterprise_a)] == [(60000.0, "µg/L")]


def test_it_still_lists_the_permit_rows_of_an_outlet_without_points(world):
    """An outlet with no monitoring point: nothing is judged there, the permit's row is listed as written."""
    bare = Outlet.objects.create(enterprise=world.enterprise_a, medium="water", code="DW009", name="雨水排口")
    permit(world.enterprise_a, bare, {COD: 100.0})
    found = [r for r in limits_of(world.enterprise_a) if r.outlet_id == bare.pk]
    assert [(r.code, r.limit, r.source) for r in found] == [(COD, 100.0, "permit")]


def test_it_shows_the_source_of_each_limit_on_the_compliance_page(world, as_user):
    """The enterprise's own page: the permit's COD row and GB 31571-2015 表2's NH3-N (直接排放 5.0 mg/L) each say
    where they come from, with the standard's column by name."""
    _outlet(world, standard="GB 31571-2015", special_limits=True, route="direct")
    permit(world.enterprise_a, world.point_a.outlet, {COD: 80.0}, ref="GB 31571-2015 表1 direct")
    _measured(world.point_a, COD, NH3N)

    response = as_user(world.ent_a).get(f"/quality/enterprises/{world.enterprise_a.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    table = re.search(r'<table class="table table-sm mb-0 small" id="limits">(.*?)</table>', body, re.S)[1]
    cod = re.search(r'<tr class="limit-permit">(.*?)</tr>', table, re.S)[1]
    nh3n = re.search(r'<tr class="limit-special">(.*?)</tr>', table, re.S)[1]
    assert "化学需氧量" in cod and "80 mg/L" in cod and "排污许可证" in cod
    assert "氨氮" in nh3n and "5 mg/L" in nh3n and "排放标准（特别排放限值）" in nh3n
    assert "GB 31571-2015 表2" in nh3n and "石油化学工业" in nh3n and "w21003" not in nh3n
    assert "判定限值" in body


def _configure(world, case):
    """Six configurations of the test world: standards, special limits, routes, permit rows for one outlet or
    all, units to convert, a gas point with a reference O2."""
    gas = make_point(world.enterprise_a, "AAAA0000000000000000GAS1", medium="gas")
    second = type(world.point_a).objects.create(park=world.park, outlet=world.point_a.outlet, name="备用点位",
                                                mn="AAAA0000000000000000SEC2", password="123456", st="32")
    if case in ("special", "permit", "all_outlets"):
        _outlet(world, standard="GB 31571-2015", special_limits=True, route="direct")
    if case == "plain":
        _outlet(world, standard="GB 31571-2015")
    if case == "permit":
        permit(world.enterprise_a, world.point_a.outlet, {COD: 80.0, "w21011": 500.0}, unit="µg/L")
    if case == "all_outlets":
        p = permit(world.enterprise_a, world.point_a.outlet, {NH3N: 3.0})
        PermitLimit.objects.create(permit=p, outlet=None, pollutant_code=COD, concentration_limit=Decimal("70"),
                                   unit="mg/L", standard_ref="GB 8978-1996 表4 grade1")
    if case == "gas":
        Outlet.objects.filter(pk=gas.outlet_id).update(standard="GB 13271-2014")
        permit(world.enterprise_a, gas.outlet, {"a21026": 200.0, "a21002": 0.2}, ref="GB 13271-2014 表1 in_use-coal",
               unit="g/m3")
    _measured(world.point_a, COD, NH3N, PH, FLOW)
    _measured(second, COD)
    _measured(gas, "a21026", "a21002", "a34013", "a19001")
    return [world.point_a, second, gas]


@pytest.mark.parametrize("case", ["none", "plain", "special", "permit", "all_outlets", "gas"])
def test_it_shows_for_every_row_the_limit_the_engine_judges_by(world, case):
    """The point of the page: every value shown is ``alarms.context.load([point]).limit(code)`` for every point
    of the row's outlet (its value, or a range's upper end; its unit, basis and reference O2)."""
    points = _configure(world, case)
    rows = [r for r in limits_of(world.enterprise_a) if r.outlet_id is not None]
    assert rows
    checked = 0
    for row in rows:
        for point in [p for p in points if p.outlet_id == row.outlet_id]:
            rule = context.load([point.pk])[point.pk].limit(row.code)
            if rule is None:
                assert row.limit is None and row.source == "none", (case, row)
                continue
            assert (row.limit, row.low, row.unit, row.basis, row.reference_o2) == (
                rule.shown, rule.low, rule.unit, rule.basis, rule.reference_o2), (case, row, rule)
            assert row.source in ("permit", "standard", "special")
            checked += 1
    assert checked or case in ("none", "plain")
