"""Recompute every enterprise's patrol plan now (the worker does it continuously; this is for cron or after an import)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qingyuan.inspections.actions import do_refresh_plans


class Command(BaseCommand):
    help = "Create missing patrol plans and recompute every plan's interval from risk class, status and pressure."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = do_refresh_plans()
        self.stdout.write(f"patrol plans changed: {changed}")
