"""``manage.py compact [--limit N] [--point ID ...]``: compact the backlog of closed days of readings.

Runs as a ``core.jobs`` job in this process (progress on the job's page, one audit entry of
totals); the worker step ``monitoring.compact`` does the same ~20 s at a time. Safe to kill at any
moment and to run next to the worker: each (point, kind, day) is one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qingyuan.core import jobs
from qingyuan.core.models import AuditEntry
from qingyuan.monitoring import compaction


class Command(BaseCommand):
    help = "Compact the real-time and minute readings of closed days into blocks (one per point, kind and day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many (point, kind, day) units")
        parser.add_argument("--point", type=int, action="append", dest="points", help="only this point (repeatable)")

    def handle(self, *args: Any, limit: int | None = None, points: list[int] | None = None, **options: Any) -> None:
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
