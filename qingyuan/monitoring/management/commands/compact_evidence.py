"""``manage.py compact_evidence [--limit N]``: compact the backlog of closed days of raw packets.

Runs as a ``core.jobs`` job in this process (progress on the job's page, one audit entry of
totals); the worker step ``monitoring.compact_evidence`` does the same a few days at a time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qingyuan.core import jobs
from qingyuan.core.models import AuditEntry


class Command(BaseCommand):
    help = "Compact the raw packets of closed days into compressed evidence blocks (one per point and day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many (point, day) blocks")

    def handle(self, *args: Any, limit: int | None = None, **options: Any) -> None:
        job = jobs.submit("monitoring.compact_evidence", params={"limit": limit}, user=None,
                          title="Compact raw evidence")
        self.stdout.write(f"job {job.pk}: compacting…")
        jobs.run_now(job)
        if job.status != job.Status.DONE:
            self.stderr.write(f"job {job.pk} {job.status}: {job.error}")
            raise SystemExit(1)
        entry = AuditEntry.objects.filter(action="evidence.compact", object_id=str(job.pk)).order_by("-id").first()
        totals = entry.after if entry is not None else {}
        self.stdout.write(
            f"{totals.get('blocks', 0)} blocks written from {totals.get('days', 0)} due days: "
            f"{totals.get('packets', 0)} packets compacted, {totals.get('retransmissions', 0)} retransmissions "
            f"merged, {totals.get('bytes', 0)} bytes")
