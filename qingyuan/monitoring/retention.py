"""Retention tiers: real-time and minute readings and raw packets expire after their windows.

Policy (docs/storage.md "Retention and legal hold"; windows in docs/configuration.md):

- real-time readings (CN 2011) are kept ``QINGYUAN_RETAIN_REALTIME_DAYS``, minute readings (CN 2051)
  ``QINGYUAN_RETAIN_MINUTE_DAYS``, raw packets ``QINGYUAN_RETAIN_RAW_DAYS``, counted in local
  (Asia/Shanghai) days: a reading's day is that of its data time, a packet's that of its receipt.
  The data of day D expires once D < today − window.
- Hour and day readings never expire.
- A day a legal hold touches (``holds.held_days(..., for_compaction=False)``: an open case, or what a
  closed one refers to) is never expired, narrow rows and blocks alike.
- Expired means deleted: the narrow rows, the compacted blocks (``ReadingBlock``, ``PacketBlock``)
  and raw packets that never matched a point.

How: one ``ExpiryMark`` per (tier, point) says which days were looked at. A batch picks marks that
have due days, finds each one's next day with data (index seeks), and in ONE transaction claims
each day (``UPDATE ... WHERE next_day = <seen>``: a second worker's claim of the same day updates
nothing, so it deletes nothing), deletes the day unless it is held, and writes an ``ExpiryRun``
with its audit entry (a system action with the counts; never one entry per row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.core import audit, jobs
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring import holds
from qingyuan.monitoring.choices import ReadingKind
from qingyuan.monitoring.models import (
    ExpiryMark,
    ExpiryRun,
    PacketBlock,
    RawPacket,
    Reading,
    ReadingBlock,
    RetentionTier,
)

ZONE = holds.ZONE
EPOCH = dt.date(2000, 1, 1)  # a new mark starts here; its first seek jumps to the first day with data
BATCH_DAYS = 200  # (tier, point, day) units per batch at most
BATCH_ROWS = 50_000  # a batch stops once it has deleted this many rows (one transaction stays short)
READING_KIND: dict[str, str] = {RetentionTier.REALTIME: ReadingKind.REALTIME, RetentionTier.MINUTE: ReadingKind.MINUTE}
COUNT_KEYS = ("realtime", "minute", "raw", "blocks", "held_days_skipped")
JOB_KIND = "monitoring.expire"
# The counts by label, for people (the job's progress line, the storage page).
COUNT_LABELS = {"realtime": RetentionTier.REALTIME.label, "minute": RetentionTier.MINUTE.label,
                "raw": RetentionTier.RAW.label, "blocks": _("blocks"), "held_days_skipped": _("held days kept")}


def windows() -> dict[str, int]:
    """Days kept per tier, from the settings."""
    return {
        RetentionTier.REALTIME: settings.QINGYUAN_RETAIN_REALTIME_DAYS,
        RetentionTier.MINUTE: settings.QINGYUAN_RETAIN_MINUTE_DAYS,
        RetentionTier.RAW: settings.QINGYUAN_RETAIN_RAW_DAYS,
    }


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(ZONE).date()


def first_kept_days(now: dt.datetime | None = None) -> dict[str, dt.date]:
    """Per tier, the oldest local day still kept: every day before it is due to expire."""
    today = local_today(now)
    return {tier: today - dt.timedelta(days=days) for tier, days in windows().items()}


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZONE)


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZONE).date()


# --- the data of one tier -------------------------------------------------------------------------

def _narrow(tier: str, point_id: int | None) -> tuple[Any, str]:
    """The narrow rows of a tier for one point (or the pointless raw packets), and their time field."""
    if tier == RetentionTier.RAW:
        rows = RawPacket.objects.filter(point__isnull=True) if point_id is None else RawPacket.objects.filter(
            point_id=point_id)
        return rows, "received_at"
    return Reading.objects.filter(point_id=point_id, kind=READING_KIND[tier]), "time"


def _blocks(tier: str, point_id: int | None) -> Any:
    if point_id is None:
        return None  # packets without a point are never compacted
    if tier == RetentionTier.RAW:
        return PacketBlock.objects.filter(point_id=point_id)
    return ReadingBlock.objects.filter(point_id=point_id, kind=READING_KIND[tier])


def next_data_day(tier: str, point_id: int | None, first: dt.date, end: dt.date) -> dt.date | None:
    """The first local day in [first, end) with data of the tier (two index seeks), or None."""
    rows, time_field = _narrow(tier, point_id)
    found = []
    moment = (rows.filter(**{f"{time_field}__gte": day_start(first), f"{time_field}__lt": day_start(end)})
              .order_by(time_field).values_list(time_field, flat=True).first())
    if moment is not None:
        found.append(_local_day(moment))
    blocks = _blocks(tier, point_id)
    if blocks is not None:
        day = blocks.filter(day__gte=first, day__lt=end).order_by("day").values_list("day", flat=True).first()
        if day is not None:
            found.append(day)
    return min(found) if found else None


def delete_day(tier: str, point_id: int | None, day: dt.date) -> dict[str, int]:
    """Delete one local day of a tier's data, narrow and compacted; the counts of what went."""
    rows, time_field = _narrow(tier, point_id)
    narrow = rows.filter(**{f"{time_field}__gte": day_start(day),
                            f"{time_field}__lt": day_start(day + dt.timedelta(days=1))}).delete()[0]
    in_blocks = blocks = 0
    block_rows = _blocks(tier, point_id)
    if block_rows is not None:
        found = list(block_rows.filter(day=day).values_list("pk", "count"))
        if found:
            blocks = block_rows.filter(pk__in=[pk for pk, _ in found]).delete()[0]
            in_blocks = sum(count for _, count in found)
    return {tier: narrow + in_blocks, "blocks": blocks}


# --- marks ----------------------------------------------------------------------------------------

def ensure_marks() -> int:
    """Create the missing marks (a new point, or the first run); returns how many were created."""
    created = 0
    for tier in RetentionTier.values:
        have = ExpiryMark.objects.filter(tier=tier, point__isnull=False).values("point_id")
        missing = MonitoringPoint.objects.exclude(pk__in=have).values_list("pk", flat=True)
        marks = [ExpiryMark(tier=tier, point_id=pk, next_day=EPOCH) for pk in missing]
        if tier == RetentionTier.RAW and not ExpiryMark.objects.filter(tier=tier, point__isnull=True).exists():
            marks.append(ExpiryMark(tier=tier, point=None, next_day=EPOCH))
        ExpiryMark.objects.bulk_create(marks, ignore_conflicts=True)
        created += len(marks)
    return created


def due_marks(kept: dict[str, dt.date]) -> Any:
    """Marks with days not yet looked at before their tier's first kept day."""
    due = Q()
    for tier, first_kept in kept.items():
        due |= Q(tier=tier, next_day__lt=first_kept)
    return ExpiryMark.objects.filter(due)


# --- one batch ------------------------------------------------------------------------------------

@dataclass
class Batch:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    days: int = 0  # (tier, point, day) units claimed, data or not
    claimed: int = 0  # marks moved
    run: ExpiryRun | None = None

    def add(self, counts: dict[str, int]) -> None:
        for key, n in counts.items():
            self.counts[key] += n

    @property
    def deleted(self) -> int:
        return self.counts["realtime"] + self.counts["minute"] + self.counts["raw"]


def expire_batch(*, now: dt.datetime | None = None, source: str = "worker", max_days: int = BATCH_DAYS,
                 max_rows: int = BATCH_ROWS) -> Batch:
    """Claim and expire up to ``max_days`` due (tier, point, day) units in one transaction.

    Each due mark is walked from its ``next_day`` to the next day with data (days without data are
    claimed in one step), day by day, until the tier's first kept day or the batch's budget. Returns
    what was done; ``claimed == 0`` means nothing was due (or another worker took it all).
    """
    now = now or timezone.now()
    started = timezone.now()
    kept = first_kept_days(now)
    ensure_marks()
    marks = list(due_marks(kept).order_by("next_day", "id")[:max_days])
    batch = Batch()
    if not marks:
        return batch
    held = holds.held_days({m.point_id for m in marks if m.point_id is not None}, min(m.next_day for m in marks),
                           max(kept.values()), for_compaction=False)
    with transaction.atomic():
        for mark in marks:
            if not _walk(mark, kept[mark.tier], held.get(mark.point_id, set()), batch, now,  # type: ignore[arg-type,unused-ignore]
                         max_days=max_days, max_rows=max_rows):
                break
        if batch.deleted or batch.counts["held_days_skipped"]:
            batch.run = ExpiryRun.objects.create(started_at=started, finished_at=timezone.now(), source=source,
                                                 days=batch.days, counts=dict(batch.counts))
            audit.record("monitoring.expire", batch.run, acting_user=None, after=dict(batch.counts),
                         message=f"{batch.days} days")
    return batch


def _walk(mark: ExpiryMark, first_kept: dt.date, held: set[dt.date], batch: Batch, now: dt.datetime, *,
          max_days: int, max_rows: int) -> bool:
    """Expire one mark's due days into ``batch``; False once the batch's budget is spent."""
    seen = mark.next_day
    while seen < first_kept:
        day = next_data_day(mark.tier, mark.point_id, seen, first_kept)
        target = first_kept if day is None else day + dt.timedelta(days=1)
        if not ExpiryMark.objects.filter(pk=mark.pk, next_day=seen).update(next_day=target, expired_at=now):
            return True  # another worker claimed it first: its days are that worker's
        batch.claimed += 1
        seen = target
        if day is None:
            return True
        batch.days += 1
        if day in held:
            batch.counts["held_days_skipped"] += 1
        else:
            batch.add(delete_day(mark.tier, mark.point_id, day))
        if batch.days >= max_days or batch.deleted >= max_rows:
            return False
    return True


def expire_all(*, now: dt.datetime | None = None, source: str = "command",
               progress: Callable[[int, int, str], None] | None = None) -> dict[str, int]:
    """Expire everything due, batch after batch (``qingyuan expire``); the summed counts."""
    now = now or timezone.now()
    ensure_marks()
    kept = first_kept_days(now)
    total = due_marks(kept).count()
    totals = dict.fromkeys(COUNT_KEYS, 0)
    while True:
        batch = expire_batch(now=now, source=source)
        for key, n in batch.counts.items():
            totals[key] += n
        if progress is not None:
            left = due_marks(kept).count()
            progress(total - left, total, describe(totals))
        if not batch.claimed:
            return totals


def describe(counts: dict[str, int]) -> str:
    """``实时数据 12, 分钟数据 0, …``: counts by label in the active language."""
    return ", ".join(f"{COUNT_LABELS[k]} {n}" for k, n in counts.items() if k in COUNT_LABELS)


def backlog(now: dt.datetime | None = None) -> dict[str, dict[str, Any]]:
    """Per tier: marks still due and the oldest day not yet looked at (for the storage page)."""
    kept = first_kept_days(now)
    out: dict[str, dict[str, Any]] = {}
    for tier, first_kept in kept.items():
        due = ExpiryMark.objects.filter(tier=tier, next_day__lt=first_kept)
        figures = due.aggregate(oldest=Min("next_day"))
        out[tier] = {"due": due.count(), "oldest": figures["oldest"], "first_kept": first_kept}
    return out


def rescan() -> int:
    """Look again at every day (data that arrived for a day already looked at); held days stay held."""
    return ExpiryMark.objects.update(next_day=EPOCH)


def expire_step() -> bool:
    """Worker step ``monitoring.expire``: one batch; True while days were due (the worker runs it again)."""
    return expire_batch().claimed > 0


@jobs.register(JOB_KIND)
def expire_job(job: Any, progress: Callable[[int, int, str], None]) -> None:
    """The ``qingyuan expire`` / storage page job: the whole backlog, with its progress bar."""
    if job.params.get("rescan"):
        rescan()
    expire_all(source=job.params.get("source", "command"), progress=progress)
