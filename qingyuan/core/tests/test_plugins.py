"""Apps put menu entries and home/cockpit panels on the shared pages through ``core.plugins``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from qingyuan.core import plugins


@pytest.fixture
def registry() -> Iterator[None]:
    """Registrations made by a test are removed afterwards (the apps' own stay)."""
    menu, panels = dict(plugins._menu), dict(plugins._panels)
    yield
    plugins._menu.clear(), plugins._menu.update(menu)
    plugins._panels.clear(), plugins._panels.update(panels)


def test_it_shows_a_governance_entry_only_to_whom_it_is_visible(registry: None, world: Any, as_user: Any) -> None:
    plugins.register_menu("probe", "Probe entry", "core:my_work",
                          visible=lambda actor: actor.is_superuser or bool(actor.park_wide_ids))
    office = as_user(world.regulator).get("/").content.decode()
    enterprise = as_user(world.ent_a).get("/").content.decode()
    assert 'id="nav-probe"' in office and "Probe entry" in office
    assert 'id="nav-probe"' not in enterprise


def test_it_puts_public_entries_in_the_footer(registry: None, world: Any, as_user: Any) -> None:
    plugins.register_menu("probe-public", "Probe portal", "core:my_work", group="public")
    page = as_user(world.ent_a).get("/").content.decode()
    footer = page[page.index("<footer"):]
    assert 'id="nav-probe-public"' in footer


def test_it_renders_registered_panels_with_their_context_and_leaves_out_none(
        registry: None, world: Any, as_user: Any, tmp_path: Any, settings: Any) -> None:
    (tmp_path / "probe.html").write_text('<div id="probe-panel">{{ panel.n }} in {{ panel.park }}</div>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}]
    plugins.register_panel("probe", "cockpit", "probe.html",
                           lambda request, park, today: {"n": 7, "park": park.name})
    plugins.register_panel("probe-none", "cockpit", "missing-template.html", lambda request, park, today: None)
    plugins.register_panel("probe-home", "home", "probe.html", lambda request, park, today: {"n": 3, "park": "-"})
    cockpit = as_user(world.regulator).get("/").content.decode()
    home = as_user(world.ent_a).get("/").content.decode()
    assert f'<div id="probe-panel">7 in {world.park.name}</div>' in cockpit
    assert '<div id="probe-panel">3 in -</div>' in home


def test_it_refuses_an_unknown_group_or_slot() -> None:
    with pytest.raises(ValueError, match="menu group"):
        plugins.register_menu("x", "X", "home", group="nowhere")
    with pytest.raises(ValueError, match="panel slot"):
        plugins.register_panel("x", "sidebar", "x.html", lambda *a: {})
