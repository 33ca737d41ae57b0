"""Items that wait on a user, as every app reports them for the "my work" page.

Apps return ``WorkItem``s from a ``work_items(user)`` function; the page merges and
sorts them by urgency. Keeping the shape here lets apps report work without
importing each other.

Order (``WorkItem.sort_key``): overdue first, then the higher escalation level
(催办 → 督办 → 挂牌督办), then the nearer deadline (items without one last), then the
colour and the title. An item is **new** when it was created in the last 24 hours
(``NEW_FOR``): a fixed window rather than "unseen since your last visit", so the mark
is the same on the home page, the my-work page and a second device, and stores nothing.
The home page's counts are taken from the same ``items_for`` list the my-work page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.utils import timezone

NEW_FOR = dt.timedelta(hours=24)


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
    escalation: int = 0  # the assignment ladder's level (0 none ... 4 listed); 0 for other work
    created_at: dt.datetime | None = None  # when the thing waiting became work (issued, raised, submitted)

    def sort_key(self, today: dt.date) -> tuple[int, int, int, int, str]:
        days = (self.deadline - today).days if self.deadline else 10**6
        return (0 if days < 0 else 1, -self.escalation, days, -int(self.colour), self.title)

    def overdue(self, today: dt.date) -> bool:
        return self.deadline is not None and self.deadline < today

    @property
    def is_new(self) -> bool:
        return self.created_at is not None and timezone.now() - self.created_at < NEW_FOR


_PROVIDERS: list[Callable[[Any], list[WorkItem]]] = []


def register_provider(provider: Callable[[Any], list[WorkItem]]) -> None:
    """Apps register their ``work_items(user)`` in ``AppConfig.ready``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def items_for(user: Any, today: dt.date) -> list[WorkItem]:
    items = [item for provider in _PROVIDERS for item in provider(user)]
    return sorted(items, key=lambda item: item.sort_key(today))
