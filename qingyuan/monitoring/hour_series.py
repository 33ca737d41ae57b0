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

Block data (``CODEC`` 1): a zlib-compressed JSON header, then raw binary sections. The header holds the
distinct times (epoch microseconds), for each the index of its parameter pattern (the codes uploaded
at that time, in order: one pattern for a steady logger), and per column where its section is. A
float column is its IEEE float64 values as they are (``array("d")``: bit for bit, -0.0 and NaN
included) with the positions of its nulls, or only the values present and their positions, or nothing
when all null; a string column is its most common value and the exceptions. Decoding is C-level
(``array.frombytes``, ``tolist``, ``chain``, ``accumulate``): no Python work per reading but the nulls
and exceptions. A block whose CRC-32 does not match is logged and its period read from the narrow rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import sys
import zlib
from array import array
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, repeat
from operator import add, itemgetter, sub
from typing import Any, NamedTuple

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

def _section(body: bytearray, data: bytes) -> list[int]:
    body += data
    return [len(body) - len(data), len(data)]


def encode(rows: list[tuple[Any, ...]]) -> bytes:
    """``rows`` = narrow_values(..., columns=COLUMNS) of one period: (time, parameter, *COLUMNS)."""
    times: list[int] = []
    pattern_of: dict[tuple[str, ...], int] = {}
    pats: list[int] = []
    current: list[str] = []
    last = None
    for r in [*rows, (None,)]:  # a sentinel closes the last time
        if r[0] is not last or r[0] is None:  # narrow_values gives one datetime object per distinct time
            if current:
                pats.append(pattern_of.setdefault(tuple(current), len(pattern_of)))
            if r[0] is None:
                break
            last, current = r[0], []
            times.append(_micros(last))
        current.append(r[1])
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in range(2 + len(COLUMNS))]
    body = bytearray()
    columns: dict[str, Any] = {}
    for name, values in zip(COLUMNS, by_column[2:], strict=True):
        if name in STRINGS:
            common = max(set(values), key=values.count) if values else ""
            other = [i for i, v in enumerate(values) if v != common]
            columns[name] = [common, [values[i] for i in other], _section(body, array("I", other).tobytes())]
            continue
        missing = [i for i, v in enumerate(values) if v is None]
        if len(missing) == len(values):
            columns[name] = None
        elif len(missing) * 2 <= len(values):  # the whole column, nulls as 0.0 and their positions
            full = array("d", [0.0 if v is None else v for v in values])
            columns[name] = ["nulls", _section(body, full.tobytes()), _section(body, array("I", missing).tobytes())]
        else:  # the values present and their positions
            present = [i for i, v in enumerate(values) if v is not None]
            columns[name] = ["present", _section(body, array("d", [values[i] for i in present]).tobytes()),
                             _section(body, array("I", present).tobytes())]
    patterns = [list(p) for p in sorted(pattern_of, key=pattern_of.__getitem__)]
    header = zlib.compress(json.dumps({"codec": CODEC, "byteorder": sys.byteorder, "times": times, "pats": pats,
                                       "patterns": patterns, "columns": columns}).encode())
    return len(header).to_bytes(4, "little") + header + bytes(body)


class CorruptHourBlock(ValueError):
    pass


class _Decoded(NamedTuple):
    micros: list[int]  # per row
    starts: list[int]  # first row of each distinct time
    pats: list[int]  # pattern of each distinct time
    patterns: list[list[str]]
    times: list[dt.datetime]  # per row
    parameters: list[str]
    columns: dict[str, list[Any]]


def _array(kind: str, body: memoryview, where: list[int], swap: bool) -> array[Any]:
    found = array(kind)
    found.frombytes(body[where[0]:where[0] + where[1]])
    if swap:
        found.byteswap()
    return found


def decode(data: bytes, checksum: int, count: int, names: Sequence[str]) -> _Decoded:
    """A block's rows (only the columns ``names``); raises CorruptHourBlock."""
    if zlib.crc32(data) != checksum:
        raise CorruptHourBlock("checksum mismatch")
    try:
        size = int.from_bytes(data[:4], "little")
        head = json.loads(zlib.decompress(data[4:4 + size]))
        body = memoryview(data)[4 + size:]
        swap = head["byteorder"] != sys.byteorder
        micros, pats, patterns = head["times"], head["pats"], head["patterns"]
        runs = [len(patterns[p]) for p in pats]
        starts = list(accumulate(runs, initial=0))
        if starts[-1] != count or len(micros) != len(pats) or head["codec"] != CODEC:
            raise CorruptHourBlock(f"{starts[-1]} readings, {count} announced")
        parameters = list(chain.from_iterable(map(patterns.__getitem__, pats)))
        aware = _datetimes(micros)
        columns: dict[str, list[Any]] = {}
        for name in names:
            spec = head["columns"][name]
            if name in STRINGS:
                values = [spec[0]] * count
                for i, v in zip(_array("I", body, spec[2], swap), spec[1], strict=True):
                    values[i] = v
            elif spec is None:
                values = [None] * count
            elif spec[0] == "nulls":
                values = _array("d", body, spec[1], swap).tolist()
                for i in _array("I", body, spec[2], swap):
                    values[i] = None
            else:
                values = [None] * count
                for i, v in zip(_array("I", body, spec[2], swap), _array("d", body, spec[1], swap), strict=True):
                    values[i] = v
            if len(values) != count:
                raise CorruptHourBlock(f"column {name} has {len(values)} values, {count} announced")
            columns[name] = values
    except CorruptHourBlock:
        raise
    except (zlib.error, ValueError, IndexError, TypeError, KeyError) as exc:
        raise CorruptHourBlock(str(exc)) from exc
    return _Decoded(list(chain.from_iterable(map(repeat, micros, runs))), starts[:-1], pats, patterns,
                    list(chain.from_iterable(map(repeat, aware, runs))), parameters, columns)


def _datetimes(micros: list[int]) -> list[dt.datetime]:
    """Aware (UTC) datetimes of epoch microseconds: the first computed, the others by adding the steps."""
    if not micros:
        return []
    steps: dict[int, dt.timedelta] = {}
    deltas = [steps.get(d) or steps.setdefault(d, d * _US) for d in map(sub, micros[1:], micros[:-1])]
    return list(accumulate(deltas, add, initial=_EPOCH + micros[0] * _US))


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
        blocks = {p: (bytes(d or b""), c, n) for p, d, c, n in found}  # data is not null here
    lo, lo_us, end_us = start, _micros(start), _micros(end)
    for period in sorted(blocks):
        data, checksum, count = blocks[period]
        try:
            block = decode(data, checksum, count, names)
        except CorruptHourBlock as exc:
            log.error("hour block of point %s, period %s is corrupt (%s): read from the narrow rows",
                      point_id, period, exc)
            continue
        p_start = period_start(period)
        if lo < p_start:
            _narrow(out, point_id, kind, lo, min(p_start, end), codes, names)
        i, j = bisect.bisect_left(block.micros, lo_us), bisect.bisect_left(block.micros, end_us)
        _take(out, block, i, j, codes)
        lo = max(lo, period_start(period + 1))
    if lo < end:
        _narrow(out, point_id, kind, lo, end, codes, names)
    return out


def _take(out: HourValues, block: _Decoded, i: int, j: int, codes: set[str] | None) -> None:
    """Rows [i, j) of a block, only the parameters ``codes`` (None: all)."""
    if codes is None:
        out.extend(block.times[i:j], block.parameters[i:j], {n: block.columns[n][i:j] for n in out.names})
        return
    wanted = [[k for k, code in enumerate(pattern) if code in codes] for pattern in block.patterns]
    keep = [k for k in (start + w for start, pat in zip(block.starts, block.pats, strict=True) for w in wanted[pat])
            if i <= k < j]
    pick = itemgetter(*keep) if len(keep) > 1 else (lambda seq: (seq[keep[0]],) if keep else ())
    out.extend(list(pick(block.times)), list(pick(block.parameters)),
               {n: list(pick(block.columns[n])) for n in out.names})


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
