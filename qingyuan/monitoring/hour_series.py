"""Hour readings over long ranges, columnar: a year of one point's hourly values in a few milliseconds.

The narrow hour rows are the truth. For a long read, each 30-day period (``PERIOD_SECONDS`` from the
Unix epoch, so periods are zone-free) may also have a derived, columnar copy of its hour readings in a
``HourBlock``. The database keeps that copy honest: triggers on the readings table (migration 0009)
bump the period's ``version`` in the same transaction as any insert, update or delete of an hour
reading, whoever writes it (ingest, the ORM, a raw SQL statement); the copy is read only while
``built == version``. ``read`` takes each period's valid copy and reads the rest (the open period,
periods not built yet or changed since) from the narrow rows, so the answer is always that of the
narrow rows (tests/test_hour_year*.py). ``build_due`` (the worker step ``monitoring.hour_blocks``)
builds copies of closed periods. See docs/storage.md, "Hourly values over a year".

Block data (``CODEC`` 1): zlib of newline-separated JSON lines: the distinct times (epoch
microseconds), the number of rows at each, the distinct parameter codes, a row's code index per row,
then each column of ``COLUMNS`` (floats as JSON numbers: ``repr``, so every float64 comes back bit for
bit; ``null`` for a column that is all null; strings dictionary-coded like the codes). A block whose
CRC-32 does not match is logged and its period read from the narrow rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import zlib
from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qingyuan.monitoring import store
from qingyuan.monitoring.models import HourBlock

log = logging.getLogger("qingyuan.monitoring.hour_series")

PERIOD_SECONDS = 2_592_000  # 30 days; the migration's triggers use the same number
FLOATS = ("rtd", "avg", "min", "max", "cou", "zs_rtd", "zs_avg", "zs_min", "zs_max")
STRINGS = ("flag", "eflag")
COLUMNS = (*FLOATS, *STRINGS)
API_COLUMNS = ("rtd", "avg", "min", "max", "cou", "zs_avg", "flag")
CODEC = 1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)


class HourValues:
    """Readings in (time, parameter) order as columns: ``times`` (aware, UTC; one object per distinct
    time), ``parameters`` and ``columns[name]`` for each requested column, all of one length."""

    __slots__ = ("columns", "names", "parameters", "times")

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self.times: list[dt.datetime] = []
        self.parameters: list[str] = []
        self.columns: dict[str, list[Any]] = {name: [] for name in self.names}

    def __len__(self) -> int:
        return len(self.times)

    def __getitem__(self, cut: slice) -> list[dict[str, Any]]:
        """Rows [cut] as dicts (time, parameter, *columns): a page for ``Paginator``."""
        keys = ("time", "parameter", *self.names)
        return [dict(zip(keys, row, strict=True)) for row in self.rows(cut.start or 0, cut.stop)]

    def rows(self, start: int = 0, stop: int | None = None) -> list[tuple[Any, ...]]:
        """(time, parameter, *columns) tuples, ``narrow_values``' shape, for rows [start, stop)."""
        cut = slice(start, stop)
        return list(zip(self.times[cut], self.parameters[cut], *(self.columns[n][cut] for n in self.names),
                        strict=True))

    def extend(self, times: list[dt.datetime], parameters: list[str], columns: dict[str, list[Any]]) -> None:
        self.times += times
        self.parameters += parameters
        for name in self.names:
            self.columns[name] += columns[name]


def period_of(when: dt.datetime) -> int:
    return int((when - _EPOCH).total_seconds() // PERIOD_SECONDS)


def period_start(period: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=period * PERIOD_SECONDS)


def _micros(when: dt.datetime) -> int:
    return (when - _EPOCH) // _US


# ---- encoding --------------------------------------------------------------------------------------

def _dictionary(values: list[str]) -> tuple[list[str], list[int] | bytes]:
    distinct = sorted(set(values))
    index = {v: i for i, v in enumerate(distinct)}
    codes = list(map(index.__getitem__, values))
    return distinct, bytes(codes) if len(distinct) <= 256 else codes


def encode(rows: list[tuple[Any, ...]]) -> bytes:
    """``rows`` = narrow_values(..., columns=COLUMNS) of one period: (time, parameter, *COLUMNS)."""
    times, runs = [], []
    last = None
    for r in rows:
        if r[0] is last:  # narrow_values gives one datetime object per distinct time
            runs[-1] += 1
        else:
            last = r[0]
            times.append(_micros(last))
            runs.append(1)
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in range(2 + len(COLUMNS))]
    codes, index = _dictionary(list(by_column[1]))
    lines = [json.dumps(times), json.dumps(runs), json.dumps(codes), _index_line(index)]
    for name, values in zip(COLUMNS, by_column[2:], strict=True):
        if name in STRINGS:
            distinct, idx = _dictionary(list(values))
            lines.append(json.dumps([distinct, idx.hex() if isinstance(idx, bytes) else idx]))
        else:
            lines.append("null" if all(v is None for v in values) else json.dumps(list(values)))
    return zlib.compress("\n".join(lines).encode(), 6)


def _index_line(index: list[int] | bytes) -> str:
    return json.dumps(index.hex() if isinstance(index, bytes) else index)


def _expand(distinct: list[str], index: str | list[int]) -> list[str]:
    return list(map(distinct.__getitem__, bytes.fromhex(index) if isinstance(index, str) else index))


class CorruptHourBlock(ValueError):
    pass


def decode(data: bytes, checksum: int, count: int, names: Sequence[str],
           times_cache: dict[int, dt.datetime]) -> tuple[list[int], list[dt.datetime], list[str], dict[str, list[Any]]]:
    """(epoch µs per row, times, parameters, columns) of a block; raises CorruptHourBlock."""
    if zlib.crc32(data) != checksum:
        raise CorruptHourBlock("checksum mismatch")
    try:
        lines = zlib.decompress(data).split(b"\n")
        micros, runs = json.loads(lines[0]), json.loads(lines[1])
        per_row = list(chain.from_iterable(map(repeat, micros, runs)))
        if len(per_row) != count or len(lines) != 4 + len(COLUMNS):
            raise CorruptHourBlock(f"{len(per_row)} readings, {count} announced")
        aware = [times_cache.get(m) or times_cache.setdefault(m, _EPOCH + m * _US) for m in micros]
        times = list(chain.from_iterable(map(repeat, aware, runs)))
        parameters = _expand(json.loads(lines[2]), json.loads(lines[3]))
        columns: dict[str, list[Any]] = {}
        for name in names:
            line = json.loads(lines[4 + COLUMNS.index(name)])
            if name in STRINGS:
                columns[name] = _expand(line[0], line[1])
            else:
                columns[name] = [None] * count if line is None else line
            if len(columns[name]) != count:
                raise CorruptHourBlock(f"column {name} has {len(columns[name])} values, {count} announced")
    except (zlib.error, ValueError, IndexError, TypeError) as exc:
        if isinstance(exc, CorruptHourBlock):
            raise
        raise CorruptHourBlock(str(exc)) from exc
    if len(parameters) != count:
        raise CorruptHourBlock("parameter count")
    return per_row, times, parameters, columns


# ---- reading ---------------------------------------------------------------------------------------

def read(point_id: int, kind: str, start: dt.datetime, end: dt.datetime, *,
         parameters: Iterable[str] | None = None, columns: Sequence[str] = ("avg", "flag")) -> HourValues:
    """One point's hour (or day) readings with start <= time < end, in (time, parameter) order.

    The same readings as ``store.narrow_values`` (floats exact, nulls kept): periods with a valid block
    come from it, every other part of the range from the narrow rows (one query per run of them).
    """
    names = tuple(columns)
    if not set(names) <= set(COLUMNS):
        raise ValueError(f"unknown columns {names}")
    codes = set(parameters) if parameters is not None else None
    out = HourValues(names)
    if start >= end or codes == set():
        return out
    blocks: dict[int, tuple[bytes, int, int]] = {}
    first, last = period_of(start), period_of(end - _US)
    if kind == "hour" and last >= 0:
        found = (HourBlock.objects.filter(point_id=point_id, period__gte=max(first, 0), period__lte=last,
                                          built=F("version"), data__isnull=False)
                 .values_list("period", "data", "checksum", "count"))
        blocks = {p: (bytes(d), c, n) for p, d, c, n in found}
    cache: dict[int, dt.datetime] = {}
    lo, lo_us, end_us = start, _micros(start), _micros(end)
    for period in sorted(blocks):
        data, checksum, count = blocks[period]
        try:
            micros, times, params, cols = decode(data, checksum, count, names, cache)
        except CorruptHourBlock as exc:
            log.error("hour block of point %s, period %s is corrupt (%s): read from the narrow rows",
                      point_id, period, exc)
            continue
        p_start = period_start(period)
        if lo < p_start:
            _narrow(out, point_id, kind, lo, min(p_start, end), codes, names)
        i, j = bisect.bisect_left(micros, lo_us), bisect.bisect_left(micros, end_us)
        _take(out, times, params, cols, i, j, codes)
        lo = max(lo, period_start(period + 1))
    if lo < end:
        _narrow(out, point_id, kind, lo, end, codes, names)
    return out


def _take(out: HourValues, times: list[dt.datetime], params: list[str], cols: dict[str, list[Any]], i: int, j: int,
          codes: set[str] | None) -> None:
    if codes is None:
        out.extend(times[i:j], params[i:j], {n: cols[n][i:j] for n in out.names})
        return
    keep = [k for k in range(i, j) if params[k] in codes]
    out.extend([times[k] for k in keep], [params[k] for k in keep], {n: [cols[n][k] for k in keep] for n in out.names})


def _narrow(out: HourValues, point_id: int, kind: str, lo: dt.datetime, hi: dt.datetime, codes: set[str] | None,
            names: tuple[str, ...]) -> None:
    rows = store.narrow_values(point_id, kind, lo, hi, parameters=codes, columns=names)
    if rows:
        by_column = list(zip(*rows, strict=True))
        out.extend(list(by_column[0]), list(by_column[1]), {n: list(by_column[2 + k]) for k, n in enumerate(names)})


# ---- building --------------------------------------------------------------------------------------

def closed_before(now: dt.datetime | None = None) -> int:
    """Periods before this one are closed: they ended more than QINGYUAN_COMPACT_AFTER_HOURS ago."""
    hours = float(getattr(settings, "QINGYUAN_COMPACT_AFTER_HOURS", 48))
    return period_of((now or timezone.now()) - dt.timedelta(hours=hours))


def build(block_id: int) -> bool:
    """Build one period's block from the narrow rows; False when a write changed them meanwhile."""
    with transaction.atomic():  # SQLite: immediate, so no writer slips in; PostgreSQL: UPDATE ... WHERE version
        found = HourBlock.objects.filter(pk=block_id).values_list("point_id", "period", "version").first()
        if found is None:
            return False
        point_id, period, version = found
        rows = store.narrow_values(point_id, "hour", period_start(period), period_start(period + 1),
                                   columns=COLUMNS)
        data = encode(rows)
        return bool(HourBlock.objects.filter(pk=block_id, version=version).update(
            built=version, data=data, checksum=zlib.crc32(data), count=len(rows)))


def build_due(now: dt.datetime | None = None, limit: int = 200) -> int:
    """Build the blocks of closed periods that have none or an outdated one (at most ``limit``)."""
    due = (HourBlock.objects.filter(period__lt=closed_before(now), period__gte=0).exclude(built=F("version"))
           .order_by("period", "point_id").values_list("pk", flat=True)[:limit])
    return sum(build(pk) for pk in list(due))


def build_step() -> bool:
    """Worker step ``monitoring.hour_blocks``."""
    return build_due() > 0
