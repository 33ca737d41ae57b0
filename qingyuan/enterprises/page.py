"""What other apps put on an enterprise's page: a registry (issue 15, join 4).

The enterprise page (``views.enterprise_detail``) is the enterprises app's, but most of what it
shows belongs to apps above it: alarms, assignments, complaints, patrols, plans, loads, the
monitoring values, the closure case. Those apps import enterprises; enterprises never imports
them. Instead each registers, from its ``AppConfig.ready()``, a section::

    from qingyuan.enterprises.page import register_section
    register_section("alarms", enterprise_page.section)

``section(enterprise, user, today)`` returns the template context it adds, scoped by its own
``visible_to(user)``, with a fixed number of queries. The page merges the sections in
registration order (keys must not collide: registering a key twice replaces the section).

A link into another app from enterprises' own views (e.g. where a closure is handled) is a named
link: ``register_link("closure", fn)`` with ``fn(enterprise) -> url``; ``link("closure", e)`` is
``None`` when no app registered it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

Section = Callable[[Any, Any, dt.date], dict[str, Any]]

_sections: dict[str, Section] = {}
_links: dict[str, Callable[[Any], str]] = {}


def register_section(key: str, section: Section) -> None:
    _sections[key] = section


def register_link(name: str, fn: Callable[[Any], str]) -> None:
    _links[name] = fn


def sections(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    """Every registered section's context for this enterprise and reader, merged."""
    context: dict[str, Any] = {}
    for section in _sections.values():
        context.update(section(enterprise, user, today))
    return context


def link(name: str, enterprise: Any) -> str | None:
    fn = _links.get(name)
    return fn(enterprise) if fn is not None else None
