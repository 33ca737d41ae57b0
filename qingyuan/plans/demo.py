"""Demo plans for the Qingxi county park (filled in below)."""

from __future__ import annotations

from typing import Any


def seed(seeder: Any) -> None:
    return None
