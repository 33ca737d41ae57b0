"""``manage.py verify_blocks [--point ID ...]``: decode every reading block and check its checksum.

Prints each damaged block (point, kind, day, what is wrong) and exits 1 when any is damaged, so a
cron job or a monitoring check can alert. A damaged block is never read as empty: the pages and
queries that reach it fail loudly (``codec.CorruptBlock``) until it is restored from a backup.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qingyuan.monitoring import store


class Command(BaseCommand):
    help = "Verify the checksum and payload of every compacted reading block; exit 1 when any is damaged."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--point", type=int, action="append", dest="points", help="only this point (repeatable)")

    def handle(self, *args: Any, points: list[int] | None = None, **options: Any) -> None:
        checked, damaged = store.verify_blocks(points)
        for d in damaged:
            self.stdout.write(f"DAMAGED block {d.block_id}: point {d.point_id} {d.kind} {d.day:%Y-%m-%d}: {d.error}")
        self.stdout.write(f"{checked} reading blocks checked, {len(damaged)} damaged")
        if damaged:
            raise SystemExit(1)
