"""The demo county's compensation and buy-back (seeded after the year of history)."""

from __future__ import annotations

from typing import Any


def seed(seeder: Any) -> None:
    """Called by the demo Seeder after the history; idempotent."""
