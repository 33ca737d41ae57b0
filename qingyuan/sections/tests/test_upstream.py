"""Upstream ranking on a day the outbound section missed its class."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.loads.models import ExcludedPoint
from qingyuan.loads.tests.helpers import daily
from qingyuan.sections import upstream
from qingyuan.sections.actions import do_record_sample

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
