"""Items that wait on a user, as every app reports them for the "my work" page.

Apps return ``WorkItem``s from a ``work_items(user)`` function; the page merges and
sorts them by urgency. Keeping the shape here lets apps report work without
importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class Colour(IntEnum):
    """Escalation colours shown in every list: grey (fine), blue, yellow, red."""

    NONE = 0
    BLUE = 1    # deadline approaching
    YELLOW = 2  # due or overdue: reminded (催办)
    RED = 3     # supervised (督办) or listed (挂牌督办)

    @property
    def css(self) -> str:
        return {0: "secondary", 1: "primary", 2: "warning", 3: "danger"}[self.value]


@dataclass(frozen=True)
class WorkItem:
    kind: str            # e.g. "assignment", "plan_review"
    kind_label: Any      # shown to the user
    title: str
    url: str
    action_label: Any    # what the user is expected to do ("Sign for it", "Review")
    deadline: dt.date | None = None
    colour: Colour = Colour.NONE

    def sort_key(self, today: dt.date) -> tuple[int, int, str]:
        days = (self.deadline - today).days if self.deadline else 10**6
        return (-int(self.colour), days, self.title)


_PROVIDERS: list[Callable[[Any], list[WorkItem]]] = []


def register_provider(provider: Callable[[Any], list[WorkItem]]) -> None:
    """Apps register their ``work_items(user)`` in ``AppConfig.ready``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def items_for(user: Any, today: dt.date) -> list[WorkItem]:
    items = [item for provider in _PROVIDERS for item in provider(user)]
    return sorted(items, key=lambda item: item.sort_key(today))
