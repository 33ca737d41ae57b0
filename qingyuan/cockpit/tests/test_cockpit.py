"""The cockpit: every tile's number equals the list it links to; the homes per role; access."""

from __future__ import annotations

import html
import re

import pytest
import time_machine

from qingyuan.cockpit.tests.helpers import populate, story

pytestmark = pytest.mark.django_db

TILE = re.compile(r'<a [^>]*data-tile="([^"]+)"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S)
NUMBER = re.compile(r'tile-n[^"]*">(\d+)<')


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False):
        yield


def tiles(content: bytes) -> dict[str, tuple[str, int]]:
    """data-tile → (drill-down URL, the number shown inside the link)."""
    out = {}
    for name, href, inner in TILE.findall(content.decode()):
        found = NUMBER.search(inner)
        assert found, f"tile {name} shows no number"
        out[name] = (html.unescape(href), int(found.group(1)))
    return out


def test_it_shows_every_tile_number_equal_to_the_rows_of_its_drill_down_list(world, as_user):
    story(world)
    populate(world, 6)
    client = as_user(world.leader)

    response = client.get("/")

    assert response.status_code == 200
    assert "cockpit/cockpit.html" in [t.name for t in response.templates]
    shown = tiles(response.content)
    expected = {"status-operating", "status-rectifying", "status-rectified", "exceeding", "exceedance-alarms",
                "overdue", "overdue-unit-1", "overdue-unit-2", "level-2", "complaints-2026", "complaints-2025",
                "patrols", "rectified"}
    assert expected <= set(shown)
    for name, (url, number) in shown.items():
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["page"].paginator.count == number, f"{name}: {url} lists a different number"
    # and the numbers are the story's, not zero everywhere
    assert shown["exceeding"][1] == 1 + 2       # A, and the open exceedances of the extra enterprises 1, 5
    assert shown["exceedance-alarms"][1] == 3
    assert shown["complaints-2025"][1] == 2
    assert shown["overdue"][1] == 2 + 3         # two of the story, three odd-numbered extras
    assert shown["patrols"][1] == 1 + 6


def test_it_shows_the_load_and_capacity_figures_of_the_loads_pages(world, as_user):
    story(world)
    client = as_user(world.regulator)

    cockpit = client.get("/").context
    loads = client.get("/loads/").context
    capacity = client.get("/loads/capacity/").context

    mine = {r.row.code: (r.row.ytd_t, r.row.projected_t, r.row.target_t, r.row.meets_target) for r in cockpit["loads"]}
    theirs = {r.code: (r.ytd_t, r.projected_t, r.target_t, r.meets_target) for r in loads["park_rows"]}
    assert mine == theirs
    account = {c.code: (c.freed, c.allocated, c.available) for c in capacity["account"]}
    assert {c.code: (c.freed, c.allocated, c.available) for c in cockpit["capacity"]} == {
        code: account[code] for code in ("w01018", "w21003", "a21026", "a21002") if code in account}


def test_it_gives_an_enterprise_user_its_own_home_and_never_the_park_figures(world, as_user):
    story(world)
    populate(world, 2)

    response = as_user(world.ent_a).get("/")

    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "home.html" in names and "cockpit/cockpit.html" not in names
    text = response.content.decode()
    assert "驾驶舱" not in text and "乙化工有限公司" not in text and "扩展企业" not in text
    shown = tiles(response.content)
    assert shown["alarms"][1] == 2 and shown["exceedances"][1] == 1 and shown["tasks"][1] == 3  # two issued, one from the complaint about A
    for name, (url, number) in shown.items():
        assert as_user(world.ent_a).get(url).context["page"].paginator.count == number, name


@pytest.mark.parametrize("persona", ["officer", "inspector", "supervisor", "township"])
def test_it_gives_the_other_roles_their_home(world, as_user, persona):
    story(world)

    response = as_user(getattr(world, persona)).get("/")

    assert response.status_code == 200
    assert "cockpit/cockpit.html" not in [t.name for t in response.templates]
    for name, (url, number) in tiles(response.content).items():
        assert as_user(getattr(world, persona)).get(url).context["page"].paginator.count == number, name
