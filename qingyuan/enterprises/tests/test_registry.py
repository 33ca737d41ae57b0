"""Outlets, monitoring points and permits registered from the enterprise page."""

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import MonitoringPoint, Outlet, Permit


def test_it_adds_an_outlet_and_a_point(world, as_user):
    e = world.enterprise_a
    client = as_user(world.officer)
    response = client.post(f"/enterprises/{e.pk}/outlets/new/", {
        "medium": "gas", "code": "da002", "name": "RTO排气筒", "receiving": "大气", "standard": "GB 31571-2015"})
    assert response.status_code == 302
    outlet = Outlet.objects.get(enterprise=e, code="DA002")
    response = client.post(f"/enterprises/{e.pk}/points/new/", {
        "outlet": outlet.pk, "name": "RTO出口", "mn": "010000A8900016F000169DC0", "password": "123456",
        "protocol_version": "2017", "st": "31", "crc_mode": "hj212", "rtd_interval_s": 30, "min_interval_min": 10,
        "sends_hourly": "on", "sends_daily": "on"})
    assert response.status_code == 302
    point = MonitoringPoint.objects.get(mn="010000A8900016F000169DC0")
    assert point.outlet == outlet and point.park == world.park
    entry = AuditEntry.objects.get(action="point.create")
    assert "password" not in entry.after and entry.related_repr == str(outlet)


def test_it_refuses_a_duplicate_mn_and_a_bad_interval(world, as_user):
    e = world.enterprise_a
    outlet = e.outlets.get()
    response = as_user(world.regulator).post(f"/enterprises/{e.pk}/points/new/", {
        "outlet": outlet.pk, "name": "重复", "mn": world.point_b.mn, "password": "1", "protocol_version": "2017",
        "st": "32", "crc_mode": "hj212", "rtd_interval_s": 10, "min_interval_min": 7})
    page = response.content.decode()
    assert response.status_code == 400
    assert "具有 MN 号 的 监测点 已存在" in page or "已存在" in page
    assert "确保该值大于或等于30" in page and "1, 2, 3, 4, 5, 6, 10, 12, 15, 20 或 30" in page
    assert MonitoringPoint.objects.count() == 2


def test_it_registers_a_permit_with_limits_and_checks_units(world, as_user):
    e = world.enterprise_a
    outlet = e.outlets.get()
    base = {"number": "91361123TQXT0000110001P", "management_class": "key", "issuer": "测试县环保局",
            "valid_from": "2026-01-01", "valid_to": "2030-12-31",
            "limits-TOTAL_FORMS": "2", "limits-INITIAL_FORMS": "0"}
    bad = {**base, "limits-0-outlet": outlet.pk, "limits-0-pollutant_code": "w01018",
           "limits-0-concentration_limit": "60", "limits-0-unit": "mg/m3", "limits-1-pollutant_code": "x99999"}
    response = as_user(world.regulator).post(f"/enterprises/{e.pk}/permits/new/", bad)
    page = response.content.decode()
    assert response.status_code == 400 and "不是化学需氧量的单位" in page and "不是 HJ 212-2017 污染物编码" in page
    assert not Permit.objects.exists()
    good = {**base, "limits-0-outlet": outlet.pk, "limits-0-pollutant_code": "w01018",
            "limits-0-concentration_limit": "60", "limits-0-unit": "mg/L", "limits-0-annual_load_t": "12.5"}
    response = as_user(world.regulator).post(f"/enterprises/{e.pk}/permits/new/", good)
    assert response.status_code == 302
    permit = Permit.objects.get()
    assert [(x.pollutant_code, str(x.concentration_limit)) for x in permit.limits.all()] == [("w01018", "60.0000")]
    assert AuditEntry.objects.get(action="permit.create").after["limits"][0]["pollutant_code"] == "w01018"


def test_it_refuses_registry_changes_to_read_only_roles(world, as_user):
    e = world.enterprise_a
    for persona in (world.supervisor, world.ent_a, world.township):
        assert as_user(persona).get(f"/enterprises/{e.pk}/outlets/new/").status_code == 403
    assert as_user(world.ent_b).get(f"/enterprises/{e.pk}/permits/new/").status_code == 404
