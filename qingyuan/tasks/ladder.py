"""The escalation ladder as pure functions of dates: no database, no clock.

    NONE ──(deadline − reminder_days)──▶ REMINDER ──(deadline)──▶ URGED 催办
         ──(deadline + supervise_after_days)──▶ SUPERVISED 督办
         ──(deadline + list_after_days)──▶ LISTED 挂牌督办

A level never goes down on its own (only an approved extension or a reassignment
resets it), and a late check jumps straight to the level the dates call for, so a
worker that was stopped for a week sends one notice, not four.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

NONE, REMINDER, URGED, SUPERVISED, LISTED = 0, 1, 2, 3, 4
TOP = LISTED


@dataclass(frozen=True, slots=True)
class Ladder:
    reminder_days: int = 3          # remind this many days before the deadline (0: no reminder)
    supervise_after_days: int = 3   # 督办 this many days overdue
    list_after_days: int = 10       # 挂牌督办 this many days overdue

    DEFAULT: ClassVar[Ladder]

    def __post_init__(self) -> None:
        if self.reminder_days < 0 or self.supervise_after_days < 1 or self.list_after_days <= self.supervise_after_days:
            raise ValueError(f"inconsistent ladder {self}")


Ladder.DEFAULT = Ladder()


def level_on(deadline: dt.date, today: dt.date, ladder: Ladder) -> int:
    """The level the dates call for on ``today``."""
    days_left = (deadline - today).days
    if days_left > 0:
        return REMINDER if days_left <= ladder.reminder_days else NONE
    overdue = -days_left
    if overdue >= ladder.list_after_days:
        return LISTED
    if overdue >= ladder.supervise_after_days:
        return SUPERVISED
    return URGED


def next_level(deadline: dt.date, today: dt.date, ladder: Ladder, current: int) -> int:
    """The level to move to now: never lower than ``current``."""
    return max(current, level_on(deadline, today, ladder))


def due_on(deadline: dt.date, ladder: Ladder, level: int) -> dt.date | None:
    """The first day on which an item at ``level`` climbs to a higher one (None at the top)."""
    if level >= TOP:
        return None
    starts = {
        REMINDER: deadline - dt.timedelta(days=ladder.reminder_days),
        URGED: deadline,
        SUPERVISED: deadline + dt.timedelta(days=ladder.supervise_after_days),
        LISTED: deadline + dt.timedelta(days=ladder.list_after_days),
    }
    # The earliest higher level that actually changes something (a 0-day reminder starts with 催办).
    for higher in range(level + 1, TOP + 1):
        day = starts[higher]
        if level_on(deadline, day, ladder) > level:
            return day
    return None  # pragma: no cover - LISTED is always reachable
