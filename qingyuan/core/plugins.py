"""How apps put themselves on the shared pages: menu entries and panels on the homes.

An app registers in its ``AppConfig.ready()``::

    plugins.register_menu("meetings", _("Meetings"), "meetings:list", group="governance",
                          visible=lambda actor: ...)
    plugins.register_panel("cockpit", "meetings/partials/cockpit_panel.html", context=panel_context)

``visible`` takes the request's actor (``qingyuan.org.actor.Actor``) and must not query more than
once; ``context`` takes ``(request, park_or_None, today)`` and returns the template's context, or
``None`` to leave the panel out. Slots: ``cockpit`` (leaders and the office) and ``home``
(everyone else's home). Entries keep their registration order within a group unless ``order`` says
otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

MENU_GROUPS = ("work", "governance", "public")


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: Any
    url_name: str
    group: str
    order: int
    visible: Callable[[Any], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Panel:
    key: str
    slot: str
    template: str
    context: Callable[[Any, Any, dt.date], dict[str, Any] | None]
    order: int


_menu: dict[str, MenuEntry] = {}
_panels: dict[str, Panel] = {}


def register_menu(key: str, label: Any, url_name: str, *, group: str = "governance", order: int = 100,
                  visible: Callable[[Any], bool] = lambda actor: True) -> None:
    if group not in MENU_GROUPS:
        raise ValueError(f"unknown menu group {group!r}; one of {MENU_GROUPS}")
    _menu[key] = MenuEntry(key, label, url_name, group, order, visible)


def register_panel(key: str, slot: str, template: str, context: Callable[[Any, Any, dt.date], Any], *,
                   order: int = 100) -> None:
    if slot not in ("cockpit", "home"):
        raise ValueError(f"unknown panel slot {slot!r}")
    _panels[key] = Panel(key, slot, template, context, order)


def menu_for(actor: Any) -> dict[str, list[MenuEntry]]:
    """The registered entries the actor may see, by group."""
    groups: dict[str, list[MenuEntry]] = {g: [] for g in MENU_GROUPS}
    for entry in sorted(_menu.values(), key=lambda e: e.order):
        if actor is not None and entry.visible(actor):
            groups[entry.group].append(entry)
    return groups


def panels_for(slot: str, request: Any, park: Any, today: dt.date) -> list[dict[str, Any]]:
    """The slot's panels with their context, in order; a panel whose context is ``None`` is left out."""
    shown = []
    for panel in sorted((p for p in _panels.values() if p.slot == slot), key=lambda p: p.order):
        context = panel.context(request, park, today)
        if context is not None:
            shown.append({"key": panel.key, "template": panel.template, "context": context})
    return shown
