"""The demo county's public disclosure portal (seeded after the year of history)."""

from __future__ import annotations

from typing import Any


def seed(seeder: Any) -> None:
    """Called by the demo Seeder after the history; idempotent."""
