"""Compressed raw evidence: a closed day of one point's ``RawPacket`` rows becomes one ``PacketBlock``.

Rules (docs/storage.md, "Raw evidence"):

* A day is the local (Asia/Shanghai) day of receipt. Only closed days are compacted: a day is
  closed once it ended more than ``QINGYUAN_COMPACT_AFTER_HOURS`` ago (default 48). A day an open
  case holds (``holds.held_days(..., for_compaction=True)``) stays narrow until the case closes.
  Packets without a point (refused before one was known) are never compacted.
* ``compact_packets(point_id, day)`` is ONE transaction: it reads the day's narrow rows (and the
  block, if one exists: late rows are merged into it), writes the block, and deletes exactly the
  rows it read. Killed at any point, every packet is either narrow or in its block; a second
  compaction running at the same time fails on the (point, day) unique key or on the row count
  it deletes, and rolls back.
* A retransmission of a packet whose day is compacted is not found by ``dedup_key`` at ingest (the
  key is in the block, not in ``RawPacket``): it is stored as a new narrow row. Compaction merges it
  into the block entry with the same key (``duplicates`` + 1 + its own), looking in the blocks from
  the day before its QN / DataTime up to its own day, and drops the row, exactly as ingest would
  have counted it had the original still been narrow. Running compaction again changes nothing.
* Each compacted block writes one audit entry (system action, ``packet_block.compact``) with its
  counts: the chain of custody of the evidence.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qingyuan.core import audit, jobs
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring import evidence_codec as codec
from qingyuan.monitoring import holds
from qingyuan.monitoring.evidence_codec import ZONE, CorruptEvidence, Entry, midnight
from qingyuan.monitoring.models import PacketBlock, RawPacket

log = logging.getLogger("qingyuan.monitoring.evidence")

CODEC = codec.CODEC_LZMA
LOOKBACK_DAYS = 366  # how far back a retransmission's original is looked for

__all__ = ["CorruptEvidence", "Compacted", "compact_packets", "compact_due", "due_days", "entries_of",
           "frames_of", "id_range", "ids_of", "first_open_day"]


@dataclass(frozen=True)
class Compacted:
    point_id: int
    day: dt.date
    packets: int  # narrow rows moved into the block
    retransmissions: int  # narrow rows merged into an entry of a block (duplicates + 1)
    block_id: int
    size: int  # bytes of the block's data + index


class Raced(Exception):
    """Another compaction of the same day deleted rows under us: this one rolls back."""


def compact_after_hours() -> float:
    return float(getattr(settings, "QINGYUAN_COMPACT_AFTER_HOURS", 48))


def first_open_day(now: dt.datetime | None = None) -> dt.date:
    """Days before this one are closed: they ended more than QINGYUAN_COMPACT_AFTER_HOURS ago."""
    limit = (now or timezone.now()) - dt.timedelta(hours=compact_after_hours())
    return limit.astimezone(ZONE).date()


# -- reading ---------------------------------------------------------------------------------
def entries_of(block: PacketBlock) -> list[Entry]:
    """The block's frame metadata (its index, CRC-verified), in (received, id) order."""
    try:
        return codec.decode_index(block.day, block.index, block.codec)
    except CorruptEvidence as exc:
        log.error("packet block %s (point %s, %s) is corrupt: %s", block.pk, block.point_id, block.day, exc)
        raise


def ids_of(block: PacketBlock) -> list[int]:
    """Only the packet ids of the block's index (CRC-verified), without building its entries."""
    try:
        return codec.index_ids(block.index, block.codec)
    except CorruptEvidence as exc:
        log.error("packet block %s (point %s, %s) is corrupt: %s", block.pk, block.point_id, block.day, exc)
        raise


def id_range(entries: list[Entry]) -> dict[str, int | None]:
    """The block's ``first_id`` / ``last_id``: the smallest and largest packet id of its entries."""
    ids = [e.id for e in entries]
    return {"first_id": min(ids, default=None), "last_id": max(ids, default=None)}


def frames_of(block: PacketBlock, entries: list[Entry] | None = None) -> list[Entry]:
    """The entries with their frame text (data CRC-verified, then decompressed once)."""
    entries = entries_of(block) if entries is None else entries
    try:
        codec.decode_frames(block.data, block.checksum, entries, block.codec)
    except CorruptEvidence as exc:
        log.error("packet block %s (point %s, %s) is corrupt: %s", block.pk, block.point_id, block.day, exc)
        raise
    return entries


def verify_block(block: PacketBlock) -> None:
    """Raise CorruptEvidence unless the index and the frames verify and decode."""
    frames_of(block)


# -- compaction ------------------------------------------------------------------------------
_ENTRY_FIELDS = ("id", "received_at", "peer", "connection_id", "mn", "cn", "qn", "pno", "pnum", "data_time",
                 "verdict", "reason", "duplicates", "dedup_key", "result")
_TIMES = ("received_at", "data_time")


def _narrow_entries(point_id: int, start: dt.datetime, end: dt.datetime) -> list[Entry]:
    """The day's narrow packets as entries with their text: one raw query, no model objects.

    Times come as the database gives them (SQLite: UTC text, parsed here; PostgreSQL: aware), the
    parse notes as JSON text: what the ORM's per-row converters cost ~10 µs a packet for.
    """
    q = connection.ops.quote_name
    cols = {f.attname: q(str(f.column)) for f in RawPacket._meta.concrete_fields}
    sqlite = connection.vendor != "postgresql"
    names = [f"CAST({cols[n]} AS TEXT)" if sqlite and n in _TIMES else cols[n] for n in (*_ENTRY_FIELDS, "text")]
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(names)} FROM {q(RawPacket._meta.db_table)} "  # noqa: S608 - names from _meta
                       f"WHERE {cols['point_id']} = %s AND {cols['received_at']} >= %s AND {cols['received_at']} < %s",
                       [point_id, adapt(start), adapt(end)])
        rows = cursor.fetchall()
    utc, parse, loads = dt.UTC, dt.datetime.fromisoformat, json.loads

    def when(v: Any) -> dt.datetime | None:
        if v is None or not sqlite:
            return v
        return parse(v).replace(tzinfo=utc)

    return [Entry(r[0], when(r[1]), *r[2:9], when(r[9]), *r[10:14],  # type: ignore[arg-type]
                  loads(r[14]) if isinstance(r[14], str) else r[14], text=r[15]) for r in rows]


def _qn_day(qn: str) -> dt.date | None:
    try:
        return dt.date(int(qn[0:4]), int(qn[4:6]), int(qn[6:8]))
    except ValueError:
        return None


def _lookback(day: dt.date, rows: list[Entry]) -> dt.date:
    """The first day whose block may hold the original of one of ``rows`` (retransmissions)."""
    first = day
    for r in rows:
        if r.dedup_key is None:
            continue
        for candidate in (_qn_day(r.qn) if r.qn else None,
                          r.data_time.astimezone(ZONE).date() if r.data_time else None):
            if candidate is not None and candidate < first:
                first = candidate
    return max(first - dt.timedelta(days=1), day - dt.timedelta(days=LOOKBACK_DAYS))


def _closed_and_free(point_id: int, day: dt.date, now: dt.datetime | None) -> bool:
    if day >= first_open_day(now):
        return False
    return day not in holds.held_days([point_id], day, day, for_compaction=True).get(point_id, set())


def compact_packets(point_id: int, day: dt.date, *, now: dt.datetime | None = None) -> Compacted | None:
    """Compact the narrow packets of (point, day) into its block; None when there is nothing to do
    (no narrow rows, the day is not closed, or an open case holds it)."""
    if not _closed_and_free(point_id, day, now):
        return None
    try:
        with transaction.atomic():
            return _compact(point_id, day)
    except (IntegrityError, Raced) as exc:  # a concurrent compaction of the same day won
        log.warning("compaction of point %s %s rolled back: %s", point_id, day, exc)
        return None


def _compact(point_id: int, day: dt.date) -> Compacted | None:
    start, end = midnight(day), midnight(day + dt.timedelta(days=1))
    existing = PacketBlock.objects.select_for_update().filter(point_id=point_id, day=day).first()
    rows = _narrow_entries(point_id, start, end)
    if not rows:
        return None
    own = frames_of(existing) if existing is not None else []
    own_keys = {e.dedup_key: e for e in own if e.dedup_key is not None}
    others, other_keys = _other_blocks(point_id, day, rows)
    changed_others: set[int] = set()
    new: list[Entry] = []
    merged = own_merged = 0
    for row in rows:
        original = own_keys.get(row.dedup_key) if row.dedup_key else None
        own_merged += original is not None
        if original is None and row.dedup_key:
            found = other_keys.get(row.dedup_key)
            if found is not None:
                original = found[1]
                changed_others.add(found[0])
        if original is not None:  # a retransmission of a compacted packet: counted, not kept twice
            original.duplicates += 1 + row.duplicates
            merged += 1
        else:
            new.append(row)
    block = _write_own(point_id, day, existing, own, new, own_changed=own_merged > 0)
    for block_id in changed_others:
        other, entries = others[block_id]
        index = codec.encode_index(other.day, entries, other.codec)
        PacketBlock.objects.filter(pk=block_id).update(index=index, stats=codec.stats(entries), **id_range(entries))
    # the day's range in one statement, which must hit exactly the rows read (nothing references a
    # RawPacket row, no signal listens to its deletion): a row that came or went meanwhile rolls back
    deleted = RawPacket.objects.filter(point_id=point_id, received_at__gte=start, received_at__lt=end
                                       )._raw_delete(RawPacket.objects.db)
    if deleted != len(rows):
        raise Raced(f"deleted {deleted} of {len(rows)} rows")
    if block is None:  # only retransmissions of packets compacted on earlier days
        block = others[min(changed_others)][0]
    size = len(block.index) + (len(block.data) if "data" in block.__dict__ else 0)
    point = MonitoringPoint.objects.only("name", "mn").get(pk=point_id)
    audit.record("packet_block.compact", block, acting_user=None, related=point, after={
        "day": day.isoformat(), "packets": len(new), "retransmissions": merged, "block_packets": block.count,
        "bytes": size, "checksum": block.checksum})
    return Compacted(point_id, day, len(new), merged, block.pk, size)


def _other_blocks(point_id: int, day: dt.date, rows: list[Entry]
                  ) -> tuple[dict[int, tuple[PacketBlock, list[Entry]]], dict[str, tuple[int, Entry]]]:
    """Earlier blocks that may hold the originals of retransmitted rows, locked, with their entries."""
    if not any(r.dedup_key for r in rows):
        return {}, {}
    blocks = (PacketBlock.objects.select_for_update().filter(point_id=point_id, day__gte=_lookback(day, rows),
                                                              day__lt=day).defer("data"))
    others: dict[int, tuple[PacketBlock, list[Entry]]] = {}
    keys: dict[str, tuple[int, Entry]] = {}
    wanted = {r.dedup_key for r in rows if r.dedup_key}
    for block in blocks:
        entries = entries_of(block)
        others[block.pk] = (block, entries)
        for e in entries:
            if e.dedup_key in wanted:
                keys[e.dedup_key] = (block.pk, e)
    return others, keys


def _write_own(point_id: int, day: dt.date, existing: PacketBlock | None, own: list[Entry], new: list[Entry],
               *, own_changed: bool) -> PacketBlock | None:
    entries = sorted([*own, *new], key=lambda e: (e.received_at, e.id))
    if not entries:
        return None
    if existing is not None and not new:
        if own_changed:  # only retransmission counters changed: the frames stay as they are
            existing.index = codec.encode_index(day, entries, existing.codec)
            existing.stats = codec.stats(entries)
            for name, value in id_range(entries).items():
                setattr(existing, name, value)
            existing.save(update_fields=["index", "stats", "first_id", "last_id"])
        return existing
    data, checksum = codec.encode_frames(entries, CODEC)
    fields: dict[str, Any] = {
        "count": len(entries), "first_received": entries[0].received_at, "last_received": entries[-1].received_at,
        "stats": codec.stats(entries), "codec": CODEC, "index": codec.encode_index(day, entries, CODEC),
        "data": data, "checksum": checksum, "compacted_at": timezone.now(), **id_range(entries),
    }
    if existing is None:
        return PacketBlock.objects.create(point_id=point_id, day=day, **fields)
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(fields))
    return existing


# -- what is due -----------------------------------------------------------------------------
def due_days(limit: int | None = None, *, now: dt.datetime | None = None) -> list[tuple[int, dt.date]]:
    """(point id, day) pairs with narrow packets on a closed day no open case holds, oldest first.

    Found by index probes on (point, received_at), one per (point, day) taken: never a scan of the
    packets (a backlog of a year is ~100 M rows), and with ``limit`` only as many days as asked.
    """
    first_open = first_open_day(now)
    ids = MonitoringPoint.objects.order_by("pk").values_list("pk", flat=True)
    pairs = heapq.merge(*(_due_of(point_id, first_open) for point_id in ids))
    due = [(p, d) for d, p in pairs] if limit is None else [(p, d) for d, p in itertools.islice(pairs, limit)]
    return due


def _due_of(point_id: int, first_open: dt.date) -> Iterator[tuple[dt.date, int]]:
    """(day, point) of one point's due days, ascending, held days left out (probed lazily)."""
    cutoff = midnight(first_open)
    held: set[dt.date] | None = None
    since: dt.datetime | None = None
    while True:
        qs = RawPacket.objects.filter(point_id=point_id, received_at__lt=cutoff)
        if since is not None:
            qs = qs.filter(received_at__gte=since)
        found = qs.order_by("received_at").values_list("received_at", flat=True).first()
        if found is None:
            return
        day = found.astimezone(ZONE).date()
        if held is None:
            held = holds.held_days([point_id], day, first_open - dt.timedelta(days=1),
                                   for_compaction=True).get(point_id, set())
        if day not in held:
            yield day, point_id
        since = midnight(day + dt.timedelta(days=1))


@dataclass
class Totals:
    blocks: int = 0
    packets: int = 0
    retransmissions: int = 0
    bytes: int = 0

    def add(self, done: Compacted | None) -> None:
        if done is not None:
            self.blocks += 1
            self.packets += done.packets
            self.retransmissions += done.retransmissions
            self.bytes += done.size


def compact_due(limit: int | None = None, *, now: dt.datetime | None = None) -> Totals:
    """Compact up to ``limit`` due (point, day) pairs, oldest first."""
    totals = Totals()
    for point_id, day in due_days(limit, now=now):
        totals.add(compact_packets(point_id, day, now=now))
    return totals


def compact_step() -> bool:
    """Worker step ``monitoring.compact_evidence``: a few due days per call (True when it did some)."""
    return compact_due(limit=5).blocks > 0


@jobs.register("monitoring.compact_evidence")
def compaction_job(job: Any, progress: jobs.Progress) -> None:
    """The backlog (``manage.py compact_evidence``): every due day, with progress; one audit entry of totals."""
    due = due_days(job.params.get("limit"))
    totals = Totals()
    progress(0, len(due), "")
    for n, (point_id, day) in enumerate(due, 1):
        totals.add(compact_packets(point_id, day))
        progress(n, len(due), f"{day:%Y-%m-%d} #{point_id}")
    audit.record("evidence.compact", job, acting_user=None, after={
        "days": len(due), "blocks": totals.blocks, "packets": totals.packets,
        "retransmissions": totals.retransmissions, "bytes": totals.bytes})
