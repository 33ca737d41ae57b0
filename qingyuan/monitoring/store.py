"""The read API of real-time and minute readings: blocks ∪ narrow rows, as if nothing were compacted.

Every query of real-time/minute readings that can reach a closed day goes through here
(docs/storage.md, "Reading"). A closed day may be in a ``ReadingBlock`` (compacted) plus narrow rows
that arrived late; an open day is narrow only. A narrow row with the same (time, parameter) as a
block entry is the same reading retransmitted: the block's copy wins, exactly as the unique key
makes a retransmission a no-op at ingest.

Rows come back as ``codec.Row`` (time aware in UTC, every column of ``Reading`` but id, point and
kind), ordered by (time, parameter). Hour and day readings are never compacted: read them with the
ORM. A damaged block raises ``codec.CorruptBlock`` (logged at ERROR): it is never read as empty.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Max

from qingyuan.monitoring import codec
from qingyuan.monitoring.codec import ZONE, CorruptBlock, Row, midnight
from qingyuan.monitoring.models import Reading, ReadingBlock

log = logging.getLogger("qingyuan.monitoring.store")

COMPACTED = ("realtime", "minute")
COLUMNS = ("time", "parameter", *codec.FLOATS, "flag", "eflag")
_CACHE_SIZE = 48
_cache: OrderedDict[tuple[int, int, int], list[Row]] = OrderedDict()
_KEY = itemgetter(0, 1)
_lock = threading.Lock()

__all__ = ["CorruptBlock", "Row", "block_rows", "has_blocks", "in_blocks", "latest", "narrow_values", "newest_in_blocks",
           "newest_time", "rows",
           "rows_many", "verify_blocks"]


def block_rows(block: ReadingBlock) -> list[Row]:
    """A block's readings (verified; cached by id, checksum and count: a rewrite changes the key)."""
    key = (block.pk, block.checksum, block.count)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    try:
        if block.codec != codec.VERSION:
            raise CorruptBlock(f"unknown codec version {block.codec}")
        found = codec.decode(block.day, bytes(block.data), block.checksum, count=block.count)
    except CorruptBlock as exc:
        log.error("reading block %s (point %s, %s, %s) is corrupt: %s", block.pk, block.point_id, block.kind,
                  block.day, exc)
        raise
    with _lock:  # threaded servers share the cache
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def _days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The local days [start, end] touches (end inclusive: callers filter the rows exactly)."""
    return start.astimezone(ZONE).date(), end.astimezone(ZONE).date()


def has_blocks(point_ids: Iterable[int], kind: str, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether any block may hold readings in [start, end] (callers keep a faster narrow-only path)."""
    if kind not in COMPACTED:
        return False
    first, last = _days(start, end)
    return ReadingBlock.objects.filter(point_id__in=list(point_ids), kind=kind, day__gte=first,
                                       day__lte=last).exists()


def rows_many(point_ids: Iterable[int], kind: str, start: dt.datetime, end: dt.datetime, *,
              parameters: Iterable[str] | None = None, include_end: bool = False) -> dict[int, list[Row]]:
    """Each point's readings of ``kind`` with start <= time < end (<= end with ``include_end``)."""
    ids = list(point_ids)
    codes = set(parameters) if parameters is not None else None
    out: dict[int, list[Row]] = defaultdict(list)
    if not ids:
        return out
    narrow = Reading.objects.filter(point_id__in=ids, kind=kind, time__gte=start)
    narrow = narrow.filter(time__lte=end) if include_end else narrow.filter(time__lt=end)
    if codes is not None:
        narrow = narrow.filter(parameter__in=codes)
    for values in narrow.values_list("point_id", *COLUMNS):
        out[values[0]].append(Row._make(values[1:]))
    if kind in COMPACTED:
        first, last = _days(start, end)
        blocks = ReadingBlock.objects.filter(point_id__in=ids, kind=kind, day__gte=first, day__lte=last)
        for block in blocks.order_by("point_id", "day"):
            if codes is not None and not codes & set(block.parameters.split(",")):
                continue
            held = [r for r in block_rows(block)
                    if start <= r.time and (r.time <= end if include_end else r.time < end)
                    and (codes is None or r.parameter in codes)]
            if held:
                _merge(out[block.point_id], held)
    for found in out.values():
        found.sort(key=_KEY)
    return out


def _merge(into: list[Row], block: list[Row]) -> None:
    """Add a block's rows; a narrow row with a key the block holds is the same reading: dropped."""
    keys = {(r.time, r.parameter) for r in block}
    if into:
        into[:] = [r for r in into if (r.time, r.parameter) not in keys]
    into.extend(block)


def rows(point_id: int, kind: str, start: dt.datetime, end: dt.datetime, *,
         parameters: Iterable[str] | None = None, include_end: bool = False) -> list[Row]:
    """One point's readings of ``kind`` in [start, end), ordered by (time, parameter)."""
    return rows_many([point_id], kind, start, end, parameters=parameters, include_end=include_end).get(point_id, [])


def newest_time(point_id: int, kind: str, *, before: dt.datetime | None = None,
                since: dt.datetime | None = None) -> dt.datetime | None:
    """The newest data time of ``kind`` (narrow or in a block), optionally < before / >= since."""
    qs = Reading.objects.filter(point_id=point_id, kind=kind)
    if before is not None:
        qs = qs.filter(time__lt=before)
    if since is not None:
        qs = qs.filter(time__gte=since)
    found = qs.order_by("-time").values_list("time", flat=True).first()
    if kind not in COMPACTED:
        return found
    blocks = ReadingBlock.objects.filter(point_id=point_id, kind=kind)
    if found is not None:  # only a block of the same day or later can hold something newer
        blocks = blocks.filter(day__gte=found.astimezone(ZONE).date())
    if before is not None:
        blocks = blocks.filter(day__lte=before.astimezone(ZONE).date())
    if since is not None:
        blocks = blocks.filter(day__gte=since.astimezone(ZONE).date())
    for block in blocks.order_by("-day"):
        times = [r.time for r in block_rows(block)
                 if (before is None or r.time < before) and (since is None or r.time >= since)]
        if times:
            newest = max(times)
            return newest if found is None or newest > found else found
    return found


def newest_in_blocks(point_id: int, kinds: Iterable[str], match: Callable[[Row], bool], *,
                     since: dt.datetime | None = None, newer_than: dt.datetime | None = None
                     ) -> tuple[str, Row] | None:
    """The newest reading in the point's blocks of ``kinds`` that ``match`` accepts (time >= ``since``,
    >= ``newer_than``): for a query "the newest narrow row such that ..." that a block may beat. A block
    row at ``newer_than`` itself is returned too: the narrow row found there may be a retransmission of
    it, and the block's copy wins."""
    blocks = ReadingBlock.objects.filter(point_id=point_id, kind__in=[k for k in kinds if k in COMPACTED])
    floor = max((m for m in (since, newer_than) if m is not None), default=None)
    if floor is not None:
        blocks = blocks.filter(day__gte=floor.astimezone(ZONE).date())
    best: tuple[str, Row] | None = None
    day = None
    for block in blocks.order_by("-day"):
        if best is not None and block.day < day:  # type: ignore[operator]
            break
        for r in block_rows(block):
            if ((since is None or r.time >= since) and (newer_than is None or r.time >= newer_than) and match(r)
                    and (best is None or r.time > best[1].time)):
                best, day = (block.kind, r), block.day
    return best


def in_blocks(point_id: int, kind: str, time: dt.datetime, parameter: str) -> bool:
    """Whether a block holds the reading (point, kind, time, parameter): a narrow row with that key is a
    retransmission of it, and the block's copy wins (one query, none for kinds never compacted)."""
    if kind not in COMPACTED:
        return False
    block = ReadingBlock.objects.filter(point_id=point_id, kind=kind, day=time.astimezone(ZONE).date()).first()
    return block is not None and any(r.time == time and r.parameter == parameter for r in block_rows(block))


def latest(point_id: int, kind: str) -> tuple[dt.datetime | None, list[Row]]:
    """The newest upload of ``kind``: its time and its rows, ordered by parameter."""
    newest = newest_time(point_id, kind)
    if newest is None:
        return None, []
    return newest, rows(point_id, kind, newest, newest, include_end=True)


@dataclass(frozen=True)
class Damaged:
    block_id: int
    point_id: int
    kind: str
    day: dt.date
    error: str


def verify_blocks(point_ids: Iterable[int] | None = None) -> tuple[int, list[Damaged]]:
    """Decode every reading block and check its checksum and count: (blocks checked, damaged ones)."""
    qs = ReadingBlock.objects.all()
    if point_ids is not None:
        qs = qs.filter(point_id__in=list(point_ids))
    checked, damaged = 0, []
    last = qs.aggregate(m=Max("pk"))["m"] or 0
    pk = 0
    while pk < last:  # in pages by id: a year of a county is tens of thousands of blocks
        page = list(qs.filter(pk__gt=pk).order_by("pk")[:200])
        if not page:
            break
        for block in page:
            checked += 1
            try:
                if block.codec != codec.VERSION:
                    raise CorruptBlock(f"unknown codec version {block.codec}")
                codec.decode(block.day, bytes(block.data), block.checksum, count=block.count)
            except CorruptBlock as exc:
                log.error("reading block %s (point %s, %s, %s) is corrupt: %s", block.pk, block.point_id,
                          block.kind, block.day, exc)
                damaged.append(Damaged(block.pk, block.point_id, block.kind, block.day, str(exc)))
        pk = page[-1].pk
    return checked, damaged


def day_start(day: dt.date) -> dt.datetime:
    return midnight(day)


def narrow_values(point_id: int, kind: str, start: dt.datetime, end: dt.datetime, *,
                  parameters: Iterable[str] | None = None,
                  columns: Iterable[str] = ("avg", "flag")) -> list[tuple[Any, ...]]:
    """(time, parameter, *columns) of one point's hour or day readings in [start, end), by (time, parameter).

    The long-range read (a year of hourly values is 61,320 rows for 7 parameters): a raw cursor, plain
    tuples, one aware (UTC) datetime per distinct time instead of one per row, no model instances.
    Hour and day readings are never compacted, so the narrow rows are all there is.
    """
    if kind in COMPACTED:
        raise ValueError(f"{kind} readings may be compacted: read them with rows()")
    q = connection.ops.quote_name
    cols = {f.attname: q(str(f.column)) for f in Reading._meta.concrete_fields}
    names = list(columns)
    if not set(names) <= set(COLUMNS[2:]):
        raise ValueError(f"unknown columns {names}")
    text = connection.vendor != "postgresql"
    when = f"CAST({cols['time']} AS TEXT)" if text else f"CAST(EXTRACT(EPOCH FROM {cols['time']}) AS BIGINT)"
    codes = sorted(set(parameters)) if parameters is not None else None
    where = f" AND {cols['parameter']} IN ({', '.join(['%s'] * len(codes))})" if codes else ""
    sql = (f"SELECT {when}, {cols['parameter']}{''.join(', ' + cols[c] for c in names)} "  # noqa: S608 - names from _meta
           f"FROM {q(Reading._meta.db_table)} WHERE {cols['point_id']} = %s AND {cols['kind']} = %s "
           f"AND {cols['time']} >= %s AND {cols['time']} < %s{where} ORDER BY {cols['time']}, {cols['parameter']}")
    if codes == []:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [point_id, kind, adapt(start), adapt(end), *(codes or [])])
        raw = cursor.fetchall()
    utc = dt.UTC
    times = {t: (dt.datetime.fromisoformat(t).replace(tzinfo=utc) if text else dt.datetime.fromtimestamp(t, utc))
             for t in {r[0] for r in raw}}
    return [(times[r[0]], *r[1:]) for r in raw]
