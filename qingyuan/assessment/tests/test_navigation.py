"""The way to the assessment: 目标考核 in the menu for the roles that may read schemes, nobody else."""

from __future__ import annotations

from typing import Any

MENU = 'id="nav-assessment"'


def test_it_shows_the_assessment_menu_entry_to_office_leaders_supervisors_and_unit_officers(
        world: Any, as_user: Any) -> None:
    for user in (world.regulator, world.leader, world.supervisor, world.officer, world.township):
        client = as_user(user)
        page = client.get("/").content.decode()
        assert MENU in page and 'href="/assessment/"' in page and "目标考核" in page, user
        assert client.get("/assessment/").status_code == 200, user


def test_it_hides_the_assessment_menu_entry_from_enterprises_and_inspectors(world: Any, as_user: Any) -> None:
    for user in (world.ent_a, world.ent_b, world.inspector):  # enterprises see nothing; an inspector has no unit
        assert MENU not in as_user(user).get("/").content.decode(), user
