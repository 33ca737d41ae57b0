"""Worker steps of monitoring (registered in apps.py)."""

from __future__ import annotations


def register_steps() -> None:
    pass
