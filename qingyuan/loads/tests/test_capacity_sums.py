"""``ledger.capacity`` adds up the counted baselines per pollutant in the database (one row per pollutant):
the same baselines as one by one, an indirect-only discharger's water baselines left out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qingyuan.loads import ledger
from qingyuan.loads.models import BaselineLoad
from qingyuan.loads.routes import routes_of
from qingyuan.loads.tests.test_routes import park  # noqa: F401 - the fixture: B and C send their water to P

pytestmark = pytest.mark.django_db
D = Decimal
TP = "w21011"  # total phosphorus: a water pollutant outside the key four


def _one_by_one(park_id: int) -> dict[str, Decimal]:
    """The former sum: each enterprise's rounded baseline, when routes.counts it."""
    routes = routes_of(BaselineLoad.objects.filter(enterprise__park_id=park_id).values("enterprise_id"))
    out: dict[str, Decimal] = {}
    for b in BaselineLoad.objects.filter(enterprise__park_id=park_id, year=2024):
        if routes.counts(b.enterprise_id, b.pollutant_code):
            out[b.pollutant_code] = out.get(b.pollutant_code, D(0)) + ledger._t(b.load_t)
    return out


def test_it_adds_up_the_counted_baselines_per_pollutant(park):  # noqa: F811
    for enterprise, code, tonnes in ((park.enterprise_a, "a21026", "1.2345"), (park.enterprise_b, "a21026", "0.0001"),
                                     (park.c, "a21026", "7.5"), (park.enterprise_a, "w21003", "0.3333"),
                                     (park.enterprise_b, "w21003", "9.9999")):
        BaselineLoad.objects.create(enterprise=enterprise, pollutant_code=code, year=2024, load_t=D(tonnes))
    account = ledger.capacity(park.park.pk)

    assert {c: r.baseline for c, r in account.items() if r.baseline} == _one_by_one(park.park.pk) == {
        "w01018": D("30"), "a21026": D("8.7346"), "w21003": D("0.3333")}


def test_it_has_no_row_for_a_pollutant_whose_baselines_are_all_inside_a_plant(park):  # noqa: F811
    BaselineLoad.objects.create(enterprise=park.enterprise_b, pollutant_code=TP, year=2024, load_t=D("0.8"))

    assert TP not in ledger.capacity(park.park.pk)
    BaselineLoad.objects.create(enterprise=park.enterprise_a, pollutant_code=TP, year=2024, load_t=D("0.25"))
    assert ledger.capacity(park.park.pk)[TP].baseline == D("0.25")
