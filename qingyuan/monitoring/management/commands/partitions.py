"""``qingyuan partitions``: the monthly partitions of the readings table (PostgreSQL).

Without options it lists every partition: month, size on disk, estimated rows, and its state:
``open`` (its month still has days that are not closed for compaction), ``compacted`` (closed,
only hour/day rows left, plus rows on days an open case holds), ``not compacted`` (closed, but
real-time/minute rows remain: run ``qingyuan compact``), ``default`` (rows outside the prepared
months). ``--ensure`` creates the partitions of this month and the next two (the worker does it
hourly). ``--compact YYYY-MM`` rewrites a compacted month's partition (VACUUM FULL) to free the disk
of its compacted rows, and refuses a month that is not compacted, exiting 1. docs/storage.md,
"Partitions".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingyuan.monitoring import partitions


def month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError(f"a month is written YYYY-MM, e.g. 2026-03 (got {text!r})") from exc


def size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    raise AssertionError


class Command(BaseCommand):
    help = "List the readings table's monthly partitions; create those ahead; compact one behind (PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--ensure", action="store_true", help="create this month's and the next two partitions")
        parser.add_argument("--compact", type=month, metavar="YYYY-MM",
                            help="VACUUM FULL a compacted month's partition to free its disk")

    def handle(self, *args: Any, ensure: bool = False, compact: dt.date | None = None, **options: Any) -> None:
        if not partitions.is_postgresql():
            self.stdout.write("The readings table is partitioned on PostgreSQL only: nothing to do on this database.")
            return
        if ensure:
            created = partitions.ensure_partitions()
            self.stdout.write(f"created: {', '.join(created)}" if created else "every partition ahead exists")
        if compact is not None:
            try:
                done = partitions.compact_partition(compact)
            except partitions.PartitionNotReady as exc:
                self.stderr.write(f"not compacted: {exc}")
                raise SystemExit(1) from exc
            held = f"; {done.held} real-time/minute rows held by open cases stay" if done.held else ""
            self.stdout.write(f"{done.name}: {size(done.bytes_before)} -> {size(done.bytes_after)}{held}")
            return
        rows = partitions.partition_report()
        self.stdout.write(f"{'partition':<32} {'month':<8} {'size':>10} {'rows (est.)':>12}  state")
        for p in rows:
            when = f"{p.month:%Y-%m}" if p.month else "-"
            self.stdout.write(f"{p.name:<32} {when:<8} {size(p.bytes):>10} {p.estimated_rows:>12,}  {p.state}")
        self.stdout.write(f"{len(rows)} partitions, {size(sum(p.bytes for p in rows))}")
