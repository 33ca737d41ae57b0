"""Each kilogram counted once: the park counts direct outlets (incl. the plant's effluent), by hand.

Park: A discharges directly to the river; B and C discharge indirectly into the plant P; P's
effluent outlet is direct, its inlet meter is left out of loads. COD masses in 2026 (as of 28 Feb):

    A  10 Jan 100 kg, 1 Feb 50 kg   → 0.15 t  (direct)
    B  10 Jan 400 kg                → 0.40 t  (into P)
    C  10 Jan 600 kg                → 0.60 t  (into P)
    P  effluent 10 Jan 80, 1 Feb 70 → 0.15 t  (direct); inlet 10 Jan 1200 kg → 1.20 t

Park COD to the environment = A + P effluent = 0.30 t (summing everything gave 1.30 t).
Projection: A and P each have 2 days with data from 10 Jan to 28 Feb (50 days: 48 gaps) and 306
days left: 0.15 + 0.15/2 × (48 + 306) = 26.7 t → 53.4 t.
P removed 1.20 − 0.15 = 1.05 t of what came in (87.5 %); its dischargers sent 1.00 t.

Baselines 2024 (t/a): A 10, B 4, C 3, P 20 → counted 30 (B's and C's are inside P's).
Ledger: A's measure −2 (counted), C's closure −3 (frees capacity at the plant: not counted).
Target COD 30 → 27: cap 27, reserved 3, freed 2, available −1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.loads import ledger, totals
from qingyuan.loads.choices import EntryKind
from qingyuan.loads.models import BaselineLoad, ExcludedPoint, LedgerEntry, LoadPolicy
from qingyuan.loads.routes import Routes, routes_of
from qingyuan.loads.tests.helpers import daily, permit
from qingyuan.plans.models import LoadTarget, ParkPlan
from qingyuan.test import make_enterprise, make_point

pytestmark = pytest.mark.django_db
D = Decimal
AS_OF = dt.date(2026, 2, 28)


@pytest.fixture
def park(park_world):
    w = park_world
    plant = make_enterprise(w.park, "园区污水处理厂", 7, industry="N77")
    effluent = make_point(plant, "PPPP0000000000000000000E")
    inlet = MonitoringPoint.objects.create(park=w.park, outlet=effluent.outlet, name="进水口",
                                           mn="PPPP0000000000000000000I", password="1", st="32")
    ExcludedPoint.objects.create(point=inlet, reason="污水处理厂进水口")
    c = make_enterprise(w.park, "丙化工有限公司", 3)
    point_c = make_point(c, "CCCC0000000000000000000C")
    Outlet.objects.filter(pk__in=[w.point_b.outlet_id, point_c.outlet_id]).update(route="indirect",
                                                                                  receiving_plant=plant)
    for point, masses in ((w.point_a, (100.0, 50.0)), (w.point_b, (400.0, None)), (point_c, (600.0, None)),
                          (effluent, (80.0, 70.0)), (inlet, (1200.0, None))):
        daily(point, "w01018", dt.date(2026, 1, 10), kg=masses[0])
        if masses[1] is not None:
            daily(point, "w01018", dt.date(2026, 2, 1), kg=masses[1])
    for enterprise, tonnes in ((w.enterprise_a, "10"), (w.enterprise_b, "4"), (c, "3"), (plant, "20")):
        BaselineLoad.objects.create(enterprise=enterprise, pollutant_code="w01018", year=2024, load_t=D(tonnes))
    permit(w.enterprise_a, {"w01018": "12"}, outlet=w.point_a.outlet)
    permit(w.enterprise_b, {"w01018": "5"}, outlet=w.point_b.outlet)
    permit(plant, {"w01018": "25"}, outlet=effluent.outlet)
    plan = ParkPlan.objects.create(park=w.park, title="实施方案", compiled_by="省环科院", status="approved",
                                   start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31))
    LoadTarget.objects.create(park_plan=plan, pollutant_code="w01018", baseline_t=D("30"), target_t=D("27"))
    LedgerEntry.objects.create(park=w.park, date=dt.date(2025, 9, 1), kind=EntryKind.REDUCTION,
                               enterprise=w.enterprise_a, pollutant_code="w01018", delta_t=D("-2"), reason="措施")
    LedgerEntry.objects.create(park=w.park, date=dt.date(2025, 6, 1), kind=EntryKind.CLOSURE, enterprise=c,
                               pollutant_code="w01018", delta_t=D("-3"), reason="关停")
    w.plant, w.c = plant, c
    return w


def _cod(w):
    rows = totals.enterprise_loads(totals.park_enterprises(w.park.pk), 2026, AS_OF, LoadPolicy(park=w.park))
    return rows, next(r for r in totals.park_totals(rows, w.park.pk, 2026) if r.code == "w01018")


def test_it_counts_the_park_cod_at_direct_outlets_and_the_plant_effluent_only(park):
    rows, cod = _cod(park)

    assert cod.ytd_t == pytest.approx(0.30)  # A 0.15 + plant effluent 0.15; not 1.30
    assert cod.effluent_t == pytest.approx(0.15)
    assert cod.direct_dischargers_t == pytest.approx(0.15)
    assert cod.sent_t == pytest.approx(1.00)  # B + C, shown beside the total, not in it
    assert cod.months_t[:2] == [pytest.approx(0.18), pytest.approx(0.12)]
    assert cod.sent_months_t[:2] == [pytest.approx(1.0), 0.0]
    assert cod.projected_t == pytest.approx(53.4)
    assert cod.baseline_sum_t == 30.0 and cod.ledger_t == -2.0 and cod.accounted_t == 28.0
    assert cod.quota_t == 37.0  # A 12 + P 25; B's 5 is inside the plant's
    [balance] = cod.plants
    assert (balance.plant_name, balance.received_t, balance.inlet_t, balance.effluent_t) == (
        "园区污水处理厂", pytest.approx(1.0), pytest.approx(1.2), pytest.approx(0.15))
    assert balance.removal_t == pytest.approx(1.05) and balance.removal_share == pytest.approx(0.875)


def test_it_still_shows_each_indirect_discharger_its_own_load_and_quota(park):
    rows, _cod_row = _cod(park)
    b = next(r for r in rows if r.enterprise.pk == park.enterprise_b.pk)

    assert b.indirect and b.plants == ("园区污水处理厂",)
    assert b.get("w01018").ytd_t == pytest.approx(0.4) and b.get("w01018").quota_t == 5.0
    assert b.get("w01018").sent_ytd_t == pytest.approx(0.4)
    a = next(r for r in rows if r.enterprise.pk == park.enterprise_a.pk)
    assert not a.indirect and a.get("w01018").sent_ytd_t == 0.0


def test_it_checks_capacity_on_the_same_basis(park):
    row = ledger.capacity(park.park.pk)["w01018"]

    assert (row.baseline, row.cap, row.reserved, row.freed, row.allocated) == (
        D("30"), D("27"), D("3"), D("2"), D("0"))
    assert row.available == D("-1")
    result = ledger.fits_loads(park.park.pk, {"w01018": D("0.5")})
    assert not result.ok and result.rows[0].available == D("-1")


def test_it_counts_a_gas_pollutant_of_an_indirect_discharger(park):
    BaselineLoad.objects.create(enterprise=park.enterprise_b, pollutant_code="a21026", year=2024, load_t=D("7"))

    assert ledger.capacity(park.park.pk)["a21026"].baseline == D("7")


def test_it_splits_the_park_load_page_and_labels_indirect_dischargers(park, as_user, frozen):
    frozen.move_to("2026-02-28 10:00 +0800")
    page = as_user(park.regulator).get("/loads/?year=2026")
    html = page.content.decode()

    assert page.status_code == 200
    assert 'id="route-split"' in html and 'id="plant-balance"' in html
    assert "排入污水处理厂（吨）" in html and "污水处理厂出水（吨）" in html
    assert "0.300" in html and "1.000" in html and "1.050" in html and "88%" in html
    assert "间接排放" in html
    capacity = as_user(park.regulator).get("/loads/capacity/").content.decode()
    assert "排入污水处理厂，不计入" in capacity


def test_it_labels_the_enterprise_page_of_an_indirect_discharger(park, as_user, frozen):
    frozen.move_to("2026-02-28 10:00 +0800")
    html = as_user(park.ent_b).get(f"/loads/enterprises/{park.enterprise_b.pk}/?year=2026").content.decode()

    assert "废水排入园区污水处理厂" in html and "0.400" in html


def test_it_gives_no_routes_for_no_enterprises(world):
    """The rows are read from the cursor: an empty list of ids (which the ORM turns into no query) is no routes."""
    assert routes_of([]) == Routes()
    assert routes_of(iter(())) == Routes()
