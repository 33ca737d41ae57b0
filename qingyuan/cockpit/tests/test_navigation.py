"""The way to the map: the menu links the park map (园区地图) for staff next to the home (the cockpit for
managers), and an inspector's map offers 开始巡查 for each enterprise they may patrol."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qingyuan.org.choices import Role
from qingyuan.org.models import Membership
from qingyuan.test import make_user

pytestmark = pytest.mark.django_db

MAP_LINK = '<a class="nav-link" href="/cockpit/map/" id="nav-map">园区地图</a>'
HOME_LINK = '<a class="nav-link" href="/">首页</a>'


@pytest.mark.parametrize("persona", ["regulator", "leader", "officer", "township", "inspector", "supervisor"])
def test_it_links_the_park_map_and_the_home_in_the_menu_for_staff(world, as_user, persona):
    response = as_user(getattr(world, persona)).get("/enterprises/")

    assert response.status_code == 200
    page = response.content.decode()
    assert MAP_LINK in page and HOME_LINK in page
    assert as_user(getattr(world, persona)).get("/cockpit/map/").status_code == 200


def test_it_leaves_the_park_map_out_of_an_enterprise_users_menu(world, as_user):
    page = as_user(world.ent_a).get("/enterprises/").content.decode()

    assert 'id="nav-map"' not in page and HOME_LINK in page


def test_it_offers_inspectors_a_patrol_of_each_enterprise_on_the_map(world, as_user):
    world.enterprise_a.latitude, world.enterprise_a.longitude = Decimal("27.83"), Decimal("116.41")
    world.enterprise_a.save()

    data = as_user(world.inspector).get("/cockpit/map/data.json").json()

    links = {e["name"]: data["urls"]["patrol"].format(e["id"]) for e in data["enterprises"] if e.get("patrol")}
    assert links == {"甲化工有限公司": f"/inspections/new/?enterprise={world.enterprise_a.pk}",
                     "乙化工有限公司": f"/inspections/new/?enterprise={world.enterprise_b.pk}"}
    assert data["urls"]["enterprise"].format(world.enterprise_a.pk) == f"/enterprises/{world.enterprise_a.pk}/"
    form = as_user(world.inspector).get(links["甲化工有限公司"])
    assert form.status_code == 200 and 'id="patrol-form"' in form.content.decode()
    assert as_user(world.inspector).get("/cockpit/map/").context["labels"]["start_patrol"] == "开始巡查"


@pytest.mark.parametrize("persona", ["regulator", "leader", "officer", "supervisor", "ent_a"])
def test_it_offers_no_patrol_link_to_those_who_may_not_record(world, as_user, persona):
    data = as_user(getattr(world, persona)).get("/cockpit/map/data.json").json()

    assert data["enterprises"] and not any(e.get("patrol") for e in data["enterprises"])
    assert as_user(getattr(world, persona)).get(f"/inspections/new/?enterprise={world.enterprise_a.pk}") \
        .status_code in (403, 404)


def test_it_offers_the_patrol_link_only_in_the_park_where_one_inspects(world, as_user):
    both = make_user("inspector2", world.other_park, Role.INSPECTOR, name="邻县巡查员")
    Membership.objects.create(user=both, park=world.park, role=Role.SUPERVISOR)  # reads this park only

    data = as_user(both).get("/cockpit/map/data.json").json()

    assert {e["name"]: e.get("patrol", False) for e in data["enterprises"]} == {"甲化工有限公司": False,
                                                                                "乙化工有限公司": False}
