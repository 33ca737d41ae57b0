"""Upstream ranking on a day the outbound section missed its class."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.loads.models import ExcludedPoint
from qingyuan.loads.tests.helpers import daily
from qingyuan.sections import upstream
from qingyuan.sections.actions import do_record_sample
from qingyuan.test import make_enterprise, make_point

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)


def test_it_ranks_upstream_enterprises_by_their_share_of_that_days_load(world, outbound, inbound, as_user):
    do_record_sample(outbound, acting_user=world.regulator, date=DAY, values=[("codcr", "26", ""), ("nh3n", "0.5", "")])
    daily(world.point_a, "w01018", DAY, kg=300.0)
    daily(world.point_b, "w01018", DAY, kg=100.0)
    daily(world.point_b, "w01018", DAY - dt.timedelta(days=1), kg=5000.0)  # another day
    daily(world.point_a, "w21003", DAY, kg=40.0)  # NH3-N met the class: not ranked
    gas = Outlet.objects.create(enterprise=world.enterprise_b, medium="gas", code="DA001", name="排气筒")
    stack = MonitoringPoint.objects.create(park=world.park, outlet=gas, name="排气筒", mn="BBBB0000000000000000000G",
                                           password="1", st="31")
    daily(stack, "w01018", DAY, kg=999.0)  # not a water point
    inlet = MonitoringPoint.objects.create(park=world.park, outlet=world.point_a.outlet, name="进水口",
                                           mn="AAAA0000000000000000000I", password="1")
    ExcludedPoint.objects.create(point=inlet, reason="进水口")
    daily(inlet, "w01018", DAY, kg=5000.0)

    (cod,) = upstream.rank(outbound, DAY, ["codcr"])

    assert (cod.code, cod.total_kg) == ("w01018", 400.0)
    assert [(s.enterprise.name, s.kg, s.share) for s in cod.rows] == [
        ("甲化工有限公司", 300.0, 0.75), ("乙化工有限公司", 100.0, 0.25)]
    assert upstream.rank(inbound, DAY, ["codcr"]) == []
    page = as_user(world.regulator).get(f"/sections/{outbound.pk}/?day={DAY.isoformat()}")
    assert page.status_code == 200
    assert "75%" in page.content.decode() and "甲化工有限公司" in page.content.decode()


def test_it_falls_back_to_cod_and_ammonia_for_items_without_an_effluent_mass(world, outbound):
    daily(world.point_b, "w21003", DAY, kg=10.0)
    rankings = upstream.rank(outbound, DAY, ["do"])
    assert [(r.code, [s.share for s in r.rows]) for r in rankings] == [("w21003", [1.0])]


def test_it_counts_indirect_dischargers_through_their_treatment_plant_once(world, outbound, as_user):
    """Issue 15 rule 2, on the park totals' route rule (loads/routes.py, docs/loads-and-sections.md): an
    indirect discharger's water (间接排放) reaches the river only as the treatment plant's effluent. (No standard
    clause is cited: the definition of indirect discharge was not checked against a standard's text.)

    By hand (COD, kg/d): A direct 10; B indirect 6 into plant P; P's effluent 4.
    Ranked: A 10 (10/14 = 71 %), P 4 (4/14 = 29 %); total 14, not 20 (B's 6 would be counted twice).
    """
    plant = make_enterprise(world.park, "园区污水处理厂", 7, industry="N77")
    effluent = make_point(plant, "PPPP0000000000000000000E")
    Outlet.objects.filter(pk=world.point_b.outlet_id).update(route="indirect", receiving_plant=plant)
    do_record_sample(outbound, acting_user=world.regulator, date=DAY, values=[("codcr", "26", "")])
    daily(world.point_a, "w01018", DAY, kg=10.0)
    daily(world.point_b, "w01018", DAY, kg=6.0)
    daily(effluent, "w01018", DAY, kg=4.0)

    (cod,) = upstream.rank(outbound, DAY, ["codcr"])

    assert cod.total_kg == 14.0
    assert [(s.enterprise.name, s.kg) for s in cod.rows] == [("甲化工有限公司", 10.0), ("园区污水处理厂", 4.0)]
    assert cod.rows[1].share == pytest.approx(4 / 14)
    assert [(t.plant.name, [(e.name, kg) for e, kg in t.senders]) for t in cod.via] == [
        ("园区污水处理厂", [("乙化工有限公司", 6.0)])]
    page = as_user(world.regulator).get(f"/sections/{outbound.pk}/?day={DAY.isoformat()}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "经园区污水处理厂出水计入" in text and "送入该厂 6.0 kg" in text
    assert "29%" in text and "71%" in text
