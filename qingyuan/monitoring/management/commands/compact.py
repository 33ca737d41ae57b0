"""``manage.py compact [--limit N] [--point ID ...] [--processes N]``: compact the backlog of closed days of readings.

Runs as a ``core.jobs`` job in this process (progress on the job's page, one audit entry of
totals); the worker step ``monitoring.compact`` does the same ~20 s at a time. Safe to kill at any
moment and to run next to the worker: each (point, kind, day) is one transaction.

``--processes N`` splits the points among N child processes (``manage.py compact --point ...``,
each its own job and audit entry): units are independent and a unit claims itself through the
block's unique key, so a year's backlog uses every core. Each unit is read and encoded outside the
write transaction (``compaction.prepare``), so on SQLite, where writers take turns at one lock, a
child encodes while another writes; on PostgreSQL the database work runs in its own processes too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingyuan.core import jobs
from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring import compaction

MANAGE = Path(__file__).resolve().parents[4] / "manage.py"


class Command(BaseCommand):
    help = "Compact the real-time and minute readings of closed days into blocks (one per point, kind and day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many (point, kind, day) units")
        parser.add_argument("--point", type=int, action="append", dest="points", help="only this point (repeatable)")
        parser.add_argument("--processes", type=int, default=1,
                            help="split the points among this many processes (default 1)")

    def handle(self, *args: Any, limit: int | None = None, points: list[int] | None = None, processes: int = 1,
               **options: Any) -> None:
        if processes < 1:
            raise CommandError("--processes must be at least 1")
        if processes > 1:
            if limit is not None:
                raise CommandError("--limit applies to one process: use it without --processes")
            self._fan_out(points, processes)
            return
        job = jobs.submit(compaction.JOB, params={"limit": limit, "points": points}, user=None,
                          title="Compact readings")
        self.stdout.write(f"job {job.pk}: compacting…")
        self.stdout.flush()
        jobs.run_now(job)
        if job.status != job.Status.DONE:
            self.stderr.write(f"job {job.pk} {job.status}: {job.error}")
            raise SystemExit(1)
        entry = AuditEntry.objects.filter(action=compaction.ACTION, object_id=str(job.pk)).order_by("-id").first()
        t = entry.after if entry is not None and entry.after else {}
        self.stdout.write(
            f"{t.get('blocks', 0)} blocks written ({t.get('created', 0)} new) from {t.get('units', 0)} due units: "
            f"{t.get('readings', 0)} readings compacted, {t.get('retransmissions', 0)} retransmissions dropped, "
            f"{t.get('bytes', 0)} bytes; {t.get('held', 0)} held by open cases, {t.get('conflicts', 0)} left to "
            f"another run, {t.get('corrupt', 0)} corrupt blocks")
        if t.get("corrupt"):
            raise SystemExit(2)

    def _fan_out(self, points: list[int] | None, processes: int) -> None:
        """One child per slice of the points (round robin); the worst exit code is this one's."""
        ids = points or list(MonitoringPoint.objects.order_by("pk").values_list("pk", flat=True))
        slices = [s for s in (ids[i::processes] for i in range(processes)) if s]
        children = [subprocess.Popen([sys.executable, str(MANAGE), "compact", *(f"--point={p}" for p in s)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    for s in slices]
        worst = 0
        for n, child in enumerate(children, 1):
            out, err = child.communicate()
            self.stdout.write(f"[{n}/{len(children)}] {out.decode().strip()}")
            if err.strip():
                self.stderr.write(f"[{n}/{len(children)}] {err.decode().strip()}")
            worst = max(worst, child.returncode)
        if worst:
            raise SystemExit(worst)
