"""The park map's JSON is scoped like the lists; the cockpit and the map run a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.cockpit.tests.helpers import populate, story
from qingyuan.loads import cache as loads_cache
from qingyuan.sections.actions import do_create_section

pytestmark = pytest.mark.django_db

MAP = "/cockpit/map/data.json"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False):
        yield


@pytest.fixture
def mapped(world):
    story(world)
    for e, lat in ((world.enterprise_a, "27.83"), (world.enterprise_b, "27.84")):
        e.latitude, e.longitude = Decimal(lat), Decimal("116.41")
        e.save()
    world.park.boundary = {"type": "Polygon", "coordinates": [[[116.4, 27.8], [116.5, 27.8], [116.5, 27.9],
                                                                [116.4, 27.8]]]}
    world.park.save()
    do_create_section(world.park, acting_user=world.regulator, name="青溪河出境断面", kind="outbound", river="青溪河",
                      target_class="III", latitude=Decimal("27.85"), longitude=Decimal("116.45"))
    return world


def test_it_maps_the_park_with_status_alarm_state_and_links(mapped, as_user):
    w = mapped

    data = as_user(w.regulator).get(MAP).json()

    by_name = {e["name"]: e for e in data["enterprises"]}
    assert by_name["甲化工有限公司"]["alarm"] == "exceeding"
    assert by_name["乙化工有限公司"]["alarm"] == ""          # its exceedance is closed
    assert data["urls"]["enterprise"].format(by_name["甲化工有限公司"]["id"]) == f"/enterprises/{w.enterprise_a.pk}/"
    assert data["statuses"][by_name["甲化工有限公司"]["status"]]  # the popup's label, given once
    assert by_name["甲化工有限公司"]["at"] == [27.83, 116.41]
    assert data["parks"][0]["boundary"]["type"] == "Polygon"
    assert [s["name"] for s in data["sections"]] == ["青溪河出境断面"]
    assert data["routes"] and data["routes"][0]["stops"][0]["name"] == "甲化工有限公司"


def test_it_scopes_the_map_to_what_the_user_may_see(mapped, as_user):
    w = mapped

    own = as_user(w.ent_a).get(MAP).json()
    other = as_user(w.outsider).get(MAP).json()

    assert [e["name"] for e in own["enterprises"]] == ["甲化工有限公司"]
    assert all(r["stops"][0]["name"] == "甲化工有限公司" for r in own["routes"])
    assert [p["name"] for p in own["parks"]] == ["测试园区"]
    assert other["enterprises"] == [] and other["routes"] == [] and other["sections"] == []
    assert [p["name"] for p in other["parks"]] == ["另一园区"]
    assert as_user(None).get(MAP).status_code in (302, 401)


def test_it_shows_the_map_page_with_its_script_and_no_inline_code(mapped, as_user):
    response = as_user(mapped.inspector).get("/cockpit/map/")

    text = response.content.decode()
    assert response.status_code == 200
    assert 'src="/static/cockpit/map.js"' in text and 'data-url="/cockpit/map/data.json"' in text
    assert "onclick" not in text and "<script>" not in text


def _queries(client, url: str) -> int:
    loads_cache.bump()  # the load and capacity figures computed, not read from the cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", MAP])
def test_it_runs_as_many_queries_for_20_enterprises_as_for_2(world, as_user, url):
    story(world)
    client = as_user(world.leader)
    client.get(url)  # warm the caches (content types, the session)
    few = _queries(client, url)

    populate(world, 18)
    many = _queries(client, url)

    assert many == few, f"{url}: {few} queries with 2 enterprises, {many} with 20"
