"""The demo county's democratic supervision group (seeded after the year of history)."""

from __future__ import annotations

from typing import Any


def seed(seeder: Any) -> None:
    """Called by the demo Seeder after the history; idempotent."""
