"""The analyser's measuring cycle is entered with the point (enterprise registry form)."""

from qingyuan.enterprises.models import MonitoringPoint, Outlet

FIELDS = {"name": "COD分析仪", "password": "123456", "protocol_version": "2017", "crc_mode": "hj212",
          "rtd_interval_s": 30, "min_interval_min": 10, "sends_hourly": "on", "sends_daily": "on"}


def test_it_stores_the_measuring_cycle_of_a_water_point(world, as_user):
    e = world.enterprise_a
    outlet = e.outlets.get()  # the world's water outlet
    response = as_user(world.officer).post(f"/enterprises/{e.pk}/points/new/", {
        **FIELDS, "outlet": outlet.pk, "mn": "010000A8900016F000169DC1", "st": "32", "measuring_cycle_min": 120})
    assert response.status_code == 302
    assert MonitoringPoint.objects.get(mn="010000A8900016F000169DC1").measuring_cycle_min == 120


def test_it_refuses_a_measuring_cycle_on_a_gas_outlet(world, as_user):
    e = world.enterprise_a
    gas = Outlet.objects.create(enterprise=e, medium="gas", code="DA009", name="排气筒")
    response = as_user(world.officer).post(f"/enterprises/{e.pk}/points/new/", {
        **FIELDS, "outlet": gas.pk, "mn": "010000A8900016F000169DC2", "st": "31", "measuring_cycle_min": 120})
    assert response.status_code == 400
    assert not MonitoringPoint.objects.filter(mn="010000A8900016F000169DC2").exists()
    assert "measuring cycle" in response.content.decode() or "测量周期" in response.content.decode()
