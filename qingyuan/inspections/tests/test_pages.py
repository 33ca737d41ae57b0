"""The patrol list, detail, history, map and the live monitoring panel."""

import datetime as dt
import json
import re

from django.utils import timezone

from qingyuan.enterprises.models import Permit, PermitLimit
from qingyuan.inspections.tests.helpers import photo, record, second_inspector
from qingyuan.monitoring.models import DeviceState, Reading
from qingyuan.test import make_enterprise


def test_it_keeps_the_list_query_count_flat(world, as_user, django_assert_max_num_queries):
    inspector2 = second_inspector(world)
    client = as_user(world.regulator)
    for i in range(5):
        record(world, make_enterprise(world.park, f"批量{i}", 40 + i), co_inspectors=[inspector2],
               findings=[{"text": "问题", "severity": "minor", "checklist_item": ""}])
    with django_assert_max_num_queries(15) as small:
        client.get("/inspections/")
    for i in range(5, 40):
        record(world, make_enterprise(world.park, f"批量{i}", 40 + i), co_inspectors=[inspector2])
    with django_assert_max_num_queries(15) as large:
        client.get("/inspections/", {"page": 2})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_filters_the_list_and_answers_htmx_with_the_table(world, as_user):
    record(world, world.enterprise_a)
    record(world, world.enterprise_b)
    client = as_user(world.inspector)
    page = client.get("/inspections/", {"q": "乙化工"}).content.decode()
    assert "乙化工有限公司" in page and "甲化工有限公司</td>" not in page
    assert 'id="start-patrol"' in page  # inspectors start a patrol from the list
    partial = client.get("/inspections/", {"kind": "random"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "暂无巡查记录" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    assert 'id="start-patrol"' not in as_user(world.regulator).get("/inspections/").content.decode()


def test_it_shows_the_detail_with_photos_and_findings(world, as_user):
    patrol = record(world, photos=[photo()], findings=[
        {"text": "<b>危废</b>露天堆放", "severity": "severe", "checklist_item": "hazardous_waste"}])
    page = as_user(world.inspector).get(f"/inspections/{patrol.pk}/").content.decode()
    assert "&lt;b&gt;危废&lt;/b&gt;露天堆放" in page and "<b>危废</b>" not in page
    assert "严重" in page and "危废贮存" in page and "生成交办单" in page
    pic = re.search(r'src="(/inspections/\d+/photos/\d+/)"', page).group(1)
    response = as_user(world.inspector).get(pic)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "生成交办单" not in as_user(world.supervisor).get(f"/inspections/{patrol.pk}/").content.decode()


def test_it_shows_an_enterprises_patrol_history(world, as_user):
    earlier = timezone.now() - dt.timedelta(days=3)
    record(world, notes="第一次巡查", started_at=earlier, finished_at=earlier + dt.timedelta(hours=1))
    record(world, notes="第二次巡查", findings=[{"text": "雨排口有浑水", "severity": "serious", "checklist_item": ""}])
    page = as_user(world.officer).get(f"/inspections/enterprise/{world.enterprise_a.pk}/").content.decode()
    assert page.index("第二次巡查") < page.index("第一次巡查") and "雨排口有浑水" in page


def test_it_puts_patrols_on_the_map_without_tiles_unless_configured(world, as_user, settings):
    world.park.boundary = {"type": "Polygon", "coordinates": [[[116.40, 27.82], [116.43, 27.82], [116.43, 27.85],
                                                               [116.40, 27.82]]]}
    world.park.save()
    record(world, latitude="27.8351", longitude="116.4122", findings=[
        {"text": "问题", "severity": "minor", "checklist_item": ""}])
    data = _map(as_user(world.supervisor))
    assert data["tiles"] == "" and data["parks"][0]["boundary"]["type"] == "Polygon"
    assert data["points"][0]["lat"] == 27.8351 and data["points"][0]["open"] == 1 and data["points"][0]["gps"]
    layer = as_user(world.supervisor).get("/inspections/map/patrols.geojson").json()
    assert layer["type"] == "FeatureCollection"
    assert layer["features"][0]["geometry"] == {"type": "Point", "coordinates": [116.4122, 27.8351]}
    assert as_user(world.outsider).get("/inspections/map/patrols.geojson").json()["features"] == []
    settings.QINGYUAN_MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    assert _map(as_user(world.supervisor))["tiles"] == "https://tiles.example/{z}/{x}/{y}.png"


def _map(client):
    page = client.get("/inspections/map/").content.decode()
    found = re.search(r'<script id="patrol-map-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_it_shows_the_live_monitoring_data_with_units_and_device_state(world, as_user):
    now = timezone.now()
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=now)
    for minutes, value in ((5, 48.0), (1, 61.5)):
        Reading.objects.create(point=world.point_a, kind="realtime", time=now - dt.timedelta(minutes=minutes),
                               parameter="w01018", rtd=value, flag="N")
    Reading.objects.create(point=world.point_a, kind="realtime", time=now - dt.timedelta(hours=9),
                           parameter="w21003", rtd=99.0, flag="N")
    permit = Permit.objects.create(enterprise=world.enterprise_a, number="P-1", issuer="县环保局",
                                   valid_from=now.date() - dt.timedelta(days=10), valid_to=now.date() + dt.timedelta(days=300))
    PermitLimit.objects.create(permit=permit, outlet=world.point_a.outlet, pollutant_code="w01018",
                               concentration_limit=60, unit="mg/L")
    page = as_user(world.inspector).get(f"/inspections/enterprise/{world.enterprise_a.pk}/live/").content.decode()
    assert "化学需氧量" in page and "61.5" in page and "mg/L" in page and "在线" in page
    assert "table-danger" in page  # above the permit limit
    assert "44.44" not in page and "氨氮" not in page  # only the newest value, only the last 6 hours
    form = as_user(world.inspector).get(f"/inspections/new/?enterprise={world.enterprise_a.pk}").content.decode()
    assert "61.5" in form and "hx-trigger=\"every 60s\"" in form
