"""Compaction of readings: a closed day of one point's real-time or minute readings becomes one block.

Rules (docs/storage.md, "Readings"):

* Only real-time (2011) and minute (2051) readings are compacted; hour and day readings stay narrow.
* A day is the local (Asia/Shanghai) day of the data time. It is closed once it ended more than
  ``QINGYUAN_COMPACT_AFTER_HOURS`` ago (default 48). A day an open case holds
  (``holds.held_days(..., for_compaction=True)``) stays narrow until the case closes.
* A unit is read, merged with its block (the block's copy of a (time, parameter) wins over a late
  narrow row with the same key, as the unique key makes a retransmission a no-op at ingest) and
  encoded OUTSIDE the write transaction (``prepare``); then, in the write transaction, the block is
  written and the day's narrow rows deleted only if they and the block are still exactly the ones
  read (``_apply``), else that unit rolls back (``Conflict``). Several units are written in one
  transaction (``compact_units``: a batch, a savepoint each). Killed at any point, each reading is
  either narrow or in its block. A second compaction of the same unit fails on the (point, kind,
  day) unique key, on the block's checksum it replaces, or on the rows it deletes, and rolls back:
  nothing is doubled. Compacting again changes nothing (idempotent).
* A run (a worker step call, or the ``compact`` command's job) writes one system audit entry with
  its counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from operator import itemgetter
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
# one write transaction takes up to this many narrow rows or units (SQLite holds its write lock for it:
# ~0.2-0.4 s of database work at 100,000 rows, the encoding is done before)
BATCH_READINGS = 100_000
BATCH_UNITS = 16
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
@dataclass
class Prepared:
    """A unit read and encoded outside the write transaction, to be written by ``_apply``."""

    point_id: int
    kind: str
    day: dt.date
    ids: list[int]  # the narrow rows read: ``_apply`` deletes exactly these, else rolls back
    block: tuple[int, int, int] | None  # (pk, checksum, count) of the block read, None when there was none
    fields: dict[str, Any]
    moved: int

    @property
    def readings(self) -> int:
        return len(self.ids)


def compact_day(point_id: int, kind: str, day: dt.date) -> Compacted | None:
    """Compact one (point, kind, day) in one transaction; None when it has no narrow rows.

    Raises ``Conflict`` when a concurrent compaction of the same unit won (nothing changed here),
    ``codec.CorruptBlock`` when the existing block is damaged (nothing changed: it is reported by
    ``store.verify_blocks`` and left for a person to look at).
    """
    prepared = prepare(point_id, kind, day)
    if prepared is None:
        return None
    try:
        with transaction.atomic():
            return _apply(prepared)
    except IntegrityError as exc:  # the unique key: another compaction created the block first
        raise Conflict(str(exc)) from exc


def prepare(point_id: int, kind: str, day: dt.date) -> Prepared | None:
    """Read the unit's narrow rows and block and encode the new block: no write, no write lock.

    On SQLite (immediate transactions) this runs outside any transaction, so the CPU work of
    encoding never holds the write lock: other compaction processes and the gateway write meanwhile.
    ``_apply`` then proves, inside the write transaction, that the narrow rows and the block are
    still the ones read, or rolls back.
    """
    if kind not in KINDS:
        raise ValueError(f"{kind} readings are not compacted")
    start, end = day_range(day)
    narrow, offsets = _narrow(point_id, kind, start, end)
    if not narrow:
        return None
    block = ReadingBlock.objects.filter(point_id=point_id, kind=kind, day=day).first()
    if block is None:  # the unique key: the narrow rows are distinct already
        rows: list[Any] = narrow
        moved = len(narrow)
        data = codec.encode(day, rows, offsets=offsets)
    else:
        utc = start.astimezone(dt.UTC)
        micro = dt.timedelta(microseconds=1)
        when = {t: utc + us * micro for t, us in offsets.items()}
        merged: dict[tuple[Any, ...], tuple[Any, ...]] = {(r.time, r.parameter): r for r in block_rows(block)}
        moved = 0
        for raw in narrow:
            row = (when[raw[0]], *raw[1:13])
            key = (row[0], row[1])
            if key not in merged:  # the block's copy wins: a retransmission changes nothing
                merged[key] = row
                moved += 1
        rows = list(merged.values())
        data = codec.encode(day, rows)
    fields = {"parameters": ",".join(sorted({r[1] for r in rows})), "count": len(rows), "codec": codec.VERSION,
              "data": data, "checksum": codec.checksum(data), "compacted_at": timezone.now()}
    ids = list(map(itemgetter(13), narrow))
    held = None if block is None else (block.pk, block.checksum, block.count)
    return Prepared(point_id, kind, day, ids, held, fields, moved)


def _apply(p: Prepared) -> Compacted:
    """Inside the write transaction: write the block, delete exactly the narrow rows read (else ``Conflict``).

    The block: ``create`` fails on the (point, kind, day) unique key when a block appeared since it
    was read; an existing one is replaced only ``WHERE checksum, count`` are the ones read. The narrow
    rows: ``_delete`` deletes the unit's range only when it holds exactly the rows read. A row that
    came or went since the read (a late reading, another compaction, expiry) makes the unit roll
    back; the next run takes it again.
    """
    if p.block is None:
        pk = ReadingBlock.objects.create(point_id=p.point_id, kind=p.kind, day=p.day, **p.fields).pk
    else:
        pk, crc, count = p.block
        if not ReadingBlock.objects.filter(pk=pk, checksum=crc, count=count).update(**p.fields):
            raise Conflict(f"block {pk} changed under compaction")
    _delete(p)
    f = p.fields
    return Compacted(p.point_id, p.kind, p.day, p.moved, p.readings - p.moved, f["count"], len(f["data"]), pk)


def _narrow(point_id: int, kind: str, start: dt.datetime, end: dt.datetime
            ) -> tuple[list[tuple[Any, ...]], dict[Any, int]]:
    """The unit's narrow rows as tuples in ``Row``'s column order then the id, and their times' offsets.

    A row's first item is the database's raw time value, a key of the returned mapping: its
    microseconds from local midnight, computed once per distinct time; no datetime per row, no
    model instances, no ``Row`` objects.
    """
    sql, params = _select(point_id, kind, start, end)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    keys = set(map(itemgetter(0), raw))
    if connection.vendor == "postgresql":  # the query gives the offset itself
        return raw, {t: t for t in keys}
    base = start.astimezone(dt.UTC).replace(tzinfo=None)
    micro = dt.timedelta(microseconds=1)
    parse = dt.datetime.fromisoformat
    return raw, {t: (parse(t) - base) // micro for t in keys}  # SQLite: UTC text without a zone


def _columns() -> tuple[Callable[[str], str], dict[str, str]]:
    q = connection.ops.quote_name
    return q, {f.attname: q(str(f.column)) for f in Reading._meta.concrete_fields}


def _select(point_id: int, kind: str, start: dt.datetime, end: dt.datetime) -> tuple[str, list[Any]]:
    q, cols = _columns()
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor == "postgresql":  # µs from local midnight as a bigint: exact, no datetime in Python
        when = f"(EXTRACT(EPOCH FROM {cols['time']} - %s) * 1000000)::bigint"
        params: list[Any] = [start]
    else:
        when, params = f"CAST({cols['time']} AS TEXT)", []
    sql = (f"SELECT {when}, {', '.join(cols[c] for c in COLUMNS[1:])}, {cols['id']} "  # noqa: S608 - names from _meta
           f"FROM {q(Reading._meta.db_table)} WHERE {cols['point_id']} = %s AND {cols['kind']} = %s "
           f"AND {cols['time']} >= %s AND {cols['time']} < %s")
    return sql, [*params, point_id, kind, adapt(start), adapt(end)]


def _delete(p: Prepared) -> None:
    """Delete the unit's narrow rows: exactly the ones read, else roll back (``Conflict``).

    SQLite: the transaction holds the write lock from its start (immediate transactions) and
    writers take turns, so ids (AUTOINCREMENT) grow in commit order: a row that arrived since the
    read has an id above every id read. The same number of rows with the same highest id is then
    the same set (a row gone would lower the count unless one arrived, which would raise the
    maximum); one ``SELECT COUNT(*), MAX(id)`` on the key's index proves it, then a plain DELETE
    (``RETURNING`` costs about 1 µs per row more). PostgreSQL: ids from the sequence may commit out
    of order, so the ``DELETE ... RETURNING id`` must give back exactly the ids read; a late row
    committed before the DELETE makes them differ.
    """
    q, cols = _columns()
    start, end = day_range(p.day)
    adapt = connection.ops.adapt_datetimefield_value
    where = (f"FROM {q(Reading._meta.db_table)} WHERE {cols['point_id']} = %s AND {cols['kind']} = %s "
             f"AND {cols['time']} >= %s AND {cols['time']} < %s")
    params = [p.point_id, p.kind, adapt(start), adapt(end)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE {where} RETURNING {cols['id']}", params)  # noqa: S608 - names from _meta
            deleted = [r[0] for r in cursor.fetchall()]
            same = len(deleted) == len(p.ids) and set(deleted) == set(p.ids)
        else:
            cursor.execute(f"SELECT COUNT(*), MAX({cols['id']}) {where}", params)  # noqa: S608
            count, top = cursor.fetchone()
            same = count == len(p.ids) and top == max(p.ids)
            if same:
                cursor.execute(f"DELETE {where}", params)  # noqa: S608
                same = cursor.rowcount == count
    if not same:
        raise Conflict(f"the narrow readings of {p.point_id} {p.kind} {p.day} came or went since they were read "
                       f"({len(p.ids)} read)")


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
    """One unit in its own transaction, counted in ``totals`` (conflicts and damaged blocks too)."""
    compact_units(totals, [(point_id, kind, day)])


def _prepared(totals: Totals, point_id: int, kind: str, day: dt.date) -> Prepared | None:
    try:
        return prepare(point_id, kind, day)
    except codec.CorruptBlock as exc:
        totals.corrupt += 1
        log.error("reading block of point %s, %s, %s is corrupt; late rows stay narrow: %s",
                  point_id, kind, day, exc)
        return None


def _write(totals: Totals, batch: list[Prepared]) -> None:
    """The batch's units in ONE transaction (one commit), each in its own savepoint.

    Killed before the commit, none of them is compacted; after it, all are: a reading is narrow
    or in its block, never both nor neither. A unit that conflicts rolls back to its savepoint
    alone and is counted; the others are written.
    """
    with transaction.atomic():
        for p in batch:
            try:
                with transaction.atomic():
                    done = _apply(p)
            except (Conflict, IntegrityError) as exc:
                totals.conflicts += 1
                log.info("compaction of %s %s %s left to the other run: %s", p.point_id, p.kind, p.day, exc)
                continue
            totals.add(done, merged=p.block is not None)


def compact_units(totals: Totals, units: Iterable[tuple[int, str, dt.date]], *,
                  stop: Callable[[int], bool] | None = None,
                  progress: Callable[[int, tuple[int, str, dt.date]], None] | None = None) -> int:
    """Compact ``units`` in batches; returns how many units were taken.

    Each unit is read and encoded outside any write transaction (``prepare``); a batch of them,
    up to ``BATCH_READINGS`` narrow rows or ``BATCH_UNITS`` units, is then written in one
    transaction (``_write``): the write lock is held for the database work only, and one commit
    serves many units. ``stop(n)`` is asked after the n-th unit (True: write what is prepared and
    stop); ``progress(n, unit)`` is called after each batch is written.
    """
    batch: list[Prepared] = []
    size = n = 0
    unit: tuple[int, str, dt.date] | None = None
    for n, unit in enumerate(units, 1):
        p = _prepared(totals, *unit)
        if p is not None:
            batch.append(p)
            size += p.readings
        last = stop is not None and stop(n)
        if size >= BATCH_READINGS or len(batch) >= BATCH_UNITS or last:
            if batch:
                _write(totals, batch)
            batch, size = [], 0
            if progress is not None:
                progress(n, unit)
        if last:
            break
    if batch:
        _write(totals, batch)
    if progress is not None and unit is not None:
        progress(n, unit)
    return n


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

    def stop(n: int) -> bool:
        return (limit is not None and n >= limit) or (seconds is not None and time.monotonic() - began >= seconds)

    compact_units(totals, due_units(point_ids, now=now, skipped=skipped), stop=stop)
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
    due.sort(key=lambda unit: (unit[2], unit[1], unit[0]))  # a day's units of all points together
    totals = Totals(held=len(skipped))
    progress(0, len(due), "")
    compact_units(totals, due, progress=lambda n, u: progress(n, len(due), f"{u[2]:%Y-%m-%d} #{u[0]} {u[1]}"))
    after = {k: v for k, v in asdict(totals).items() if k != "last_block"}
    audit.record(ACTION, job, acting_user=None, after={"units": len(due), **after})
