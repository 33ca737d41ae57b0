"""Compaction of readings: a closed day of one point's real-time or minute readings becomes one block.

Rules (docs/storage.md, "Readings"):

* Only real-time (2011) and minute (2051) readings are compacted; hour and day readings stay narrow.
* A day is the local (Asia/Shanghai) day of the data time. It is closed once it ended more than
  ``QINGYUAN_COMPACT_AFTER_HOURS`` ago (default 48). A day an open case holds
  (``holds.held_days(..., for_compaction=True)``) stays narrow until the case closes.
* ``compact_day(point_id, kind, day)`` is ONE transaction: it reads the day's narrow rows and the
  block if one exists, writes the block (the block's copy of a (time, parameter) wins over a late
  narrow row with the same key, as the unique key makes a retransmission a no-op at ingest), and
  deletes exactly the rows it read. Killed at any point, each reading is either narrow or in its
  block. A second compaction of the same unit at the same time fails on the (point, kind, day)
  unique key, on the block's checksum it replaces, or on the number of rows it deletes, and rolls
  back: nothing is doubled. Compacting again changes nothing (idempotent).
* A run (a worker step call, or the ``compact`` command's job) writes one system audit entry with
  its counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qingyuan.core import audit, jobs
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring import codec, holds
from qingyuan.monitoring.codec import ZONE, Row, midnight
from qingyuan.monitoring.models import Reading, ReadingBlock

log = logging.getLogger("qingyuan.monitoring.compaction")

KINDS = ("realtime", "minute")
COLUMNS = ("time", "parameter", *codec.FLOATS, "flag", "eflag")
JOB = "monitoring.compact"
ACTION = "readings.compact"


class Conflict(Exception):
    """Another compaction of the same unit got there first; this one rolled back."""


@dataclass(frozen=True)
class Compacted:
    point_id: int
    kind: str
    day: dt.date
    moved: int  # narrow rows moved into the block
    dropped: int  # narrow rows whose key the block already held (retransmissions): deleted
    count: int  # readings in the block
    size: int  # bytes of the block's data
    block_id: int


def compact_after_hours() -> float:
    return float(getattr(settings, "QINGYUAN_COMPACT_AFTER_HOURS", 48))


def first_open_day(now: dt.datetime | None = None) -> dt.date:
    """Days before this one are closed: they ended more than QINGYUAN_COMPACT_AFTER_HOURS ago."""
    limit = (now or timezone.now()) - dt.timedelta(hours=compact_after_hours())
    return limit.astimezone(ZONE).date()


def day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return midnight(day), midnight(day + dt.timedelta(days=1))


def block_rows(block: ReadingBlock) -> list[Row]:
    """The readings of a block, checksum and count verified (``codec.CorruptBlock`` otherwise)."""
    if block.codec != codec.VERSION:
        raise codec.CorruptBlock(f"unknown codec version {block.codec}")
    return codec.decode(block.day, bytes(block.data), block.checksum, count=block.count)


# -- one unit -------------------------------------------------------------------------------
def compact_day(point_id: int, kind: str, day: dt.date) -> Compacted | None:
    """Compact one (point, kind, day) in one transaction; None when it has no narrow rows.

    Raises ``Conflict`` when a concurrent compaction of the same unit won (nothing changed here),
    ``codec.CorruptBlock`` when the existing block is damaged (nothing changed: it is reported by
    ``store.verify_blocks`` and left for a person to look at).
    """
    if kind not in KINDS:
        raise ValueError(f"{kind} readings are not compacted")
    start, end = day_range(day)
    try:
        with transaction.atomic():
            narrow, times = _narrow(point_id, kind, start, end)
            if not narrow:
                return None
            block = (ReadingBlock.objects.select_for_update()
                     .filter(point_id=point_id, kind=kind, day=day).first())
            if block is None:  # the unique key: the narrow rows are distinct already
                rows: list[tuple[Any, ...]] = narrow
                moved = len(narrow)
                data = codec.encode(day, rows, times=times)
            else:
                narrow = [(times[r[0]], *r[1:]) for r in narrow]
                merged: dict[tuple[Any, ...], tuple[Any, ...]] = {(r.time, r.parameter): r for r in block_rows(block)}
                moved = 0
                for row in narrow:
                    key = (row[0], row[1])
                    if key not in merged:  # the block's copy wins: a retransmission changes nothing
                        merged[key] = row
                        moved += 1
                rows = list(merged.values())
                data = codec.encode(day, rows)
            fields = {"parameters": ",".join(sorted({r[1] for r in rows})), "count": len(rows), "codec": codec.VERSION,
                      "data": data, "checksum": codec.checksum(data), "compacted_at": timezone.now()}
            if block is None:
                block = ReadingBlock.objects.create(point_id=point_id, kind=kind, day=day, **fields)
            elif not ReadingBlock.objects.filter(pk=block.pk, checksum=block.checksum, count=block.count
                                                 ).update(**fields):
                raise Conflict(f"block {block.pk} changed under compaction")
            _delete(point_id, kind, start, end, len(narrow))
    except IntegrityError as exc:  # the unique key: another compaction created the block first
        raise Conflict(str(exc)) from exc
    return Compacted(point_id, kind, day, moved, len(narrow) - moved, len(rows), len(data), block.pk)


def _narrow(point_id: int, kind: str, start: dt.datetime, end: dt.datetime
            ) -> tuple[list[tuple[Any, ...]], dict[Any, dt.datetime]]:
    """The unit's narrow rows as tuples in ``Row``'s column order, with a raw cursor, and their times.

    A row's first item is the database's raw time value, a key of the returned mapping: one aware
    datetime per distinct time, not one per row; no model instances, no ``Row`` objects.
    """
    q = connection.ops.quote_name
    cols = {f.attname: q(str(f.column)) for f in Reading._meta.concrete_fields}
    text = connection.vendor != "postgresql"
    when = f"CAST({cols['time']} AS TEXT)" if text else cols["time"]  # PostgreSQL: an aware datetime
    sql = (f"SELECT {when}, {', '.join(cols[c] for c in COLUMNS[1:])} "  # noqa: S608 - names from _meta
           f"FROM {q(Reading._meta.db_table)} WHERE {cols['point_id']} = %s AND {cols['kind']} = %s "
           f"AND {cols['time']} >= %s AND {cols['time']} < %s")
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [point_id, kind, adapt(start), adapt(end)])
        raw = cursor.fetchall()
    utc = dt.UTC
    times = {t: (dt.datetime.fromisoformat(t).replace(tzinfo=utc) if text else t.astimezone(utc))
             for t in {r[0] for r in raw}}
    return raw, times


def _delete(point_id: int, kind: str, start: dt.datetime, end: dt.datetime, read: int) -> None:
    """Delete the unit's narrow rows: exactly as many as were read, else roll back.

    On SQLite the transaction holds the write lock from its start (immediate transactions), so no
    row can arrive between the read and the delete. On PostgreSQL a late row committed in between
    makes the count differ: the compaction rolls back and the next run takes it in.
    """
    deleted = Reading.objects.filter(point_id=point_id, kind=kind, time__gte=start, time__lt=end
                                     )._raw_delete(Reading.objects.db)
    if deleted != read:
        raise Conflict(f"{deleted} narrow readings to delete, {read} read: rows came or went meanwhile")


# -- what is due ----------------------------------------------------------------------------
def _next_time(point_id: int, kind: str, since: dt.datetime | None, cutoff: dt.datetime) -> dt.datetime | None:
    qs = Reading.objects.filter(point_id=point_id, kind=kind, time__lt=cutoff)
    if since is not None:
        qs = qs.filter(time__gte=since)
    return qs.order_by("time").values_list("time", flat=True).first()


def due_units(point_ids: Iterable[int] | None = None, *, now: dt.datetime | None = None,
              skipped: list[tuple[int, str, dt.date]] | None = None) -> Iterator[tuple[int, str, dt.date]]:
    """(point, kind, day) with narrow real-time/minute readings on a closed day no open case holds.

    Found by index probes (point, kind, time): one per unit, never a scan of the table. Held units
    are appended to ``skipped`` when given.
    """
    first_open = first_open_day(now)
    cutoff = midnight(first_open)
    ids = list(point_ids) if point_ids is not None else list(
        MonitoringPoint.objects.order_by("pk").values_list("pk", flat=True))
    for point_id in ids:
        for kind in KINDS:
            held: set[dt.date] | None = None
            since = None
            while (found := _next_time(point_id, kind, since, cutoff)) is not None:
                day = found.astimezone(ZONE).date()
                if held is None:
                    held = holds.held_days([point_id], day, first_open - dt.timedelta(days=1),
                                           for_compaction=True).get(point_id, set())
                if day in held:
                    if skipped is not None:
                        skipped.append((point_id, kind, day))
                else:
                    yield point_id, kind, day
                since = midnight(day + dt.timedelta(days=1))


# -- runs -----------------------------------------------------------------------------------
@dataclass
class Totals:
    blocks: int = 0
    created: int = 0  # blocks written for the first time; the others merged late rows
    readings: int = 0  # narrow rows moved into blocks
    retransmissions: int = 0  # narrow rows dropped: their key was already in the block
    bytes: int = 0
    held: int = 0  # units skipped because an open case holds their day
    conflicts: int = 0
    corrupt: int = 0
    last_block: int | None = None

    def add(self, done: Compacted | None, *, merged: bool = False) -> None:
        if done is None:
            return
        self.blocks += 1
        self.created += 0 if merged else 1
        self.readings += done.moved
        self.retransmissions += done.dropped
        self.bytes += done.size
        self.last_block = done.block_id


def compact_unit(totals: Totals, point_id: int, kind: str, day: dt.date) -> None:
    existed = ReadingBlock.objects.filter(point_id=point_id, kind=kind, day=day).exists()
    try:
        totals.add(compact_day(point_id, kind, day), merged=existed)
    except Conflict as exc:
        totals.conflicts += 1
        log.info("compaction of %s %s %s left to the other run: %s", point_id, kind, day, exc)
    except codec.CorruptBlock as exc:
        totals.corrupt += 1
        log.error("reading block of point %s, %s, %s is corrupt; late rows stay narrow: %s",
                  point_id, kind, day, exc)


def record_run(totals: Totals, obj: Any = None) -> None:
    """One system audit entry per run that did something (on the job, else on the last block)."""
    if not (totals.blocks or totals.corrupt):
        return
    after = {k: v for k, v in asdict(totals).items() if k != "last_block"}
    if obj is not None:
        audit.record(ACTION, obj, acting_user=None, after=after)
    else:
        ref = audit.Ref(ReadingBlock, totals.last_block or "", f"{totals.blocks} reading blocks")
        audit.record_many(ACTION, [ref], acting_user=None, after=after)


def compact_due(*, limit: int | None = None, seconds: float | None = None, now: dt.datetime | None = None,
                point_ids: Iterable[int] | None = None) -> Totals:
    """Compact due units, oldest first per point, up to ``limit`` units or ``seconds`` of work."""
    totals = Totals()
    skipped: list[tuple[int, str, dt.date]] = []
    began = time.monotonic()
    for n, (point_id, kind, day) in enumerate(due_units(point_ids, now=now, skipped=skipped), 1):
        compact_unit(totals, point_id, kind, day)
        if (limit is not None and n >= limit) or (seconds is not None and time.monotonic() - began >= seconds):
            break
    totals.held = len(skipped)
    return totals


def compact_step() -> bool:
    """Worker step ``monitoring.compact``: up to ~20 s of due units per call (True when it did some)."""
    totals = compact_due(seconds=20)
    record_run(totals)
    return totals.blocks > 0


@jobs.register(JOB)
def compaction_job(job: Any, progress: jobs.Progress) -> None:
    """The backlog (``manage.py compact``): every due unit, with progress; one audit entry of totals."""
    params = job.params or {}
    skipped: list[tuple[int, str, dt.date]] = []
    due = list(due_units(params.get("points"), skipped=skipped))
    if params.get("limit"):
        due = due[:params["limit"]]
    totals = Totals(held=len(skipped))
    progress(0, len(due), "")
    for n, (point_id, kind, day) in enumerate(due, 1):
        compact_unit(totals, point_id, kind, day)
        progress(n, len(due), f"{day:%Y-%m-%d} #{point_id} {kind}")
    after = {k: v for k, v in asdict(totals).items() if k != "last_block"}
    audit.record(ACTION, job, acting_user=None, after={"units": len(due), **after})
