"""The reading-block codec: one local day of one point's readings of one kind, in a few hundred bytes.

Pure (no Django): ``encode(day, rows)`` turns reading rows into the ``data`` of a
``ReadingBlock``; ``decode(day, data, checksum)`` gives them back, exactly. A row is a
``Row``: the data time (aware) and every column of ``monitoring.models.Reading`` but the
point and kind (which the block row holds) and the surrogate id.

Layout (codec version 1; docs/storage.md has the measured comparison behind it), columnar
per parameter, then compressed with LZMA (raw, no container header):

* times: seconds (or microseconds, when any has a fraction) from local midnight, delta-encoded
  as zigzag varints: a steady 30 s interval becomes a run of identical bytes;
* each float column: all-null, or a decimal scale k with the values as integers v × 10^k,
  delta-encoded along time; a value that does not survive that exactly (NaN, ±inf, -0.0, more
  than 9 decimals, huge) is kept as its 8 IEEE bytes. A float64 in is the same float64 out;
* ``min``/``max``/``zs_min``/``zs_max`` are encoded as their difference to ``avg``/``zs_avg``
  (at the same scale), which is 0 when a logger repeats the average;
* nulls as a presence bitmap per column (absent when the column has none);
* flags as a dictionary of the distinct strings and one index byte per row.

``checksum`` is ``zlib.crc32(data)``. A mismatch, or a payload that does not decode to exactly
the readings announced, raises ``CorruptBlock``: a damaged block is never read as empty.
"""

from __future__ import annotations

import datetime as dt
import lzma
import math
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate, groupby, islice, repeat
from operator import itemgetter, lt, sub, truediv
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
VERSION = 1
FLOATS = ("rtd", "avg", "min", "max", "cou", "zs_rtd", "zs_avg", "zs_min", "zs_max")
# a column encoded relative to another (same row), when both are present at the same scale
RELATIVE = {"min": "avg", "max": "avg", "zs_min": "zs_avg", "zs_max": "zs_avg"}
MAX_SCALE = 9
_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 0}]  # 1-6: 2-7 % smaller, 2-5x the CPU (docs/storage.md)
# decoding: an 8 MiB dictionary (preset 6), so the blocks written with preset 6 before still decode
_DECODE_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 6}]
_MAGIC = b"QR"
ONE_DAY = dt.timedelta(days=1)
_DAY_US = 86_400 * 1_000_000
_TIME, _PARAMETER = itemgetter(0), itemgetter(1)
_COLUMN = [itemgetter(i) for i in range(13)]  # the columns of a Row


class CorruptBlock(Exception):
    """A block whose checksum does not match or whose payload does not decode."""


class Row(NamedTuple):
    time: dt.datetime
    parameter: str
    rtd: float | None = None
    avg: float | None = None
    min: float | None = None
    max: float | None = None
    cou: float | None = None
    zs_rtd: float | None = None
    zs_avg: float | None = None
    zs_min: float | None = None
    zs_max: float | None = None
    flag: str = ""
    eflag: str = ""


def checksum(data: bytes) -> int:
    return zlib.crc32(data)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZONE)


# --- primitives ------------------------------------------------------------------------------

def _varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


_WIDTHS = ((1, "b", 1 << 7), (2, "h", 1 << 15), (4, "i", 1 << 31), (8, "q", 1 << 63))


def _ints(out: bytearray, values: list[int]) -> None:
    """Integers as the deltas between neighbours, in the narrowest fixed width that holds them all.

    Fixed widths decode at C speed (``array`` + ``accumulate``); the compressor removes the zero
    bytes a narrow value leaves in a wide one.
    """
    deltas = list(map(sub, values, [0, *values]))
    top = max(max(deltas, default=0), -min(deltas, default=0) - 1)
    width, code = next(((w, c) for w, c, bound in _WIDTHS if top < bound), (0, ""))
    if not width:
        raise ValueError("integer out of range")
    arr = array(code, deltas)
    if sys.byteorder == "big":
        arr.byteswap()
    out.append(width)
    out += arr.tobytes()


def _read_ints(r: _Reader, count: int) -> list[int]:
    width = r.take(1)[0]
    code = {w: c for w, c, _ in _WIDTHS}.get(width)
    if code is None:
        raise CorruptBlock("bad integer width")
    arr = array(code, r.take(width * count))
    if sys.byteorder == "big":
        arr.byteswap()
    return list(accumulate(arr))


def _text(out: bytearray, s: str) -> None:
    b = s.encode()
    _varint(out, len(b))
    out += b


class _Reader:
    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def varint(self) -> int:
        n = shift = 0
        buf = self.buf
        while True:
            b = buf[self.pos]
            self.pos += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7
            if shift > 140:
                raise CorruptBlock("varint too long")

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.buf):
            raise CorruptBlock("truncated payload")
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def text(self) -> str:
        return self.take(self.varint()).decode()


_POW = [10**k for k in range(MAX_SCALE + 1)]
_LIMIT = 1 << 60  # differences of two such integers, and of their neighbours, fit in an int64


def _scaled(v: float, k: int) -> int | None:
    """v as an integer at decimal scale k, when int / 10^k gives back exactly v (bit for bit)."""
    if not -1e15 < v < 1e15:  # also NaN and ±inf
        return None
    p = _POW[k]
    n: int = round(v * p)
    if not -_LIMIT < n < _LIMIT or n / p != v or (n == 0 and math.copysign(1.0, v) < 0):  # -0.0 == 0.0 but is not the same float
        return None
    return n


def _scale_of(values: Iterable[float]) -> int:
    """The smallest decimal scale that holds every value that any scale holds (the rest go raw)."""
    best = 0
    for v in values:
        if best < MAX_SCALE and _scaled(v, best) is None:
            fits = next((k for k in range(best + 1, MAX_SCALE + 1) if _scaled(v, k) is not None), None)
            if fits is not None:
                best = fits
    return best


# --- columns ---------------------------------------------------------------------------------

def _bitmap(values: list[float | None]) -> bytes:
    bits = bytearray((len(values) + 7) // 8)
    for i, v in enumerate(values):
        if v is not None:
            bits[i >> 3] |= 1 << (i & 7)
    return bytes(bits)


def _fit(vals: list[float], k: int) -> list[int] | None:
    """Every value of ``vals`` as an integer at scale k, when all of them fit (else None): one pass in C."""
    p = _POW[k]
    try:  # v * p as _scaled computes it (an int factor is converted to the same float), then round
        ints = list(map(round, map(float(p).__mul__, vals)))
    except (ValueError, OverflowError):  # NaN, ±inf
        return None
    if (max(ints) >= _LIMIT or min(ints) <= -_LIMIT or max(vals) >= 1e15 or min(vals) <= -1e15
            or list(map(truediv, ints, repeat(p))) != vals):  # int / int, as decode divides
        return None
    if 0 in ints and any(math.copysign(1.0, v) < 0 for v in vals if v == 0):  # -0.0 == 0.0 but is not it
        return None
    return ints


def _fast_scale(vals: list[float]) -> tuple[int, list[int]] | None:
    """(the smallest scale k at which every value fits, their integers), or None when some value fits none.

    Tries scales upward, jumping to what the first value that did not fit needs: a column of 2-decimal
    values costs about three passes. The result is the one ``_scale_of`` gives (scales are monotone:
    a value exact at k is exact at every larger scale within range).
    """
    k = 0  # start at what the first few values need: no smaller scale can hold them all
    for v in vals[:8]:
        need = next((j for j in range(k, MAX_SCALE + 1) if _scaled(v, j) is not None), None)
        if need is None:
            return None
        k = need
    while k <= MAX_SCALE:
        ints = _fit(vals, k)
        if ints is not None:
            return k, ints
        bad = next((v for v in vals if _scaled(v, k) is None), None)
        if bad is None:  # cannot happen: _fit and _scaled agree
            return None
        need = next((j for j in range(k + 1, MAX_SCALE + 1) if _scaled(bad, j) is not None), None)
        if need is None:
            return None
        k = need
    return None


def _encode_floats(out: bytearray, values: list[float | None], base: list[int | None] | None,
                   base_scale: int | None) -> tuple[int | None, list[int | None] | None]:
    """One float column; returns its scale (None when all null) and its integers per row (None: null/raw).

    Mode 0: all null; 1: integers at scale k; 2: the same, less the base column's integer
    (``base``: the base column's integers at its scale, as this function returned them).
    """
    nulls = values.count(None)
    vals: list[float] = [v for v in values if v is not None] if nulls else values  # type: ignore[assignment]
    if not vals:
        out.append(0)
        return None, None
    fast = _fast_scale(vals)
    k = fast[0] if fast is not None else _scale_of(vals)
    relative = base is not None and base_scale == k
    out.append(2 if relative else 1)
    out.append(k)
    if not nulls:
        out.append(0)
    else:
        out.append(1)
        out += _bitmap(values)
    present = [i for i, v in enumerate(values) if v is not None] if nulls else None
    bases: list[int | None] | None = None
    if relative and base is not None:
        bases = base if present is None else [base[i] for i in present]
    raw: list[tuple[int, float]] = []
    if fast is not None:  # every present value fits: integers, less the base's where it has one
        own: list[int | None] = list(fast[1])
        if bases is None:
            ints = fast[1]
        elif None not in bases:
            ints = list(map(sub, fast[1], bases))
        else:
            ints = [n if b is None else n - b for n, b in zip(fast[1], bases, strict=True)]
    else:
        own, ints = [], []
        prev = 0
        for j, v in enumerate(vals):
            n = _scaled(v, k)
            own.append(n)
            if n is None:
                raw.append((j, v))
                ints.append(prev)  # a placeholder that costs a zero delta
                continue
            if bases is not None and (bn := bases[j]) is not None:
                n -= bn
            ints.append(n)
            prev = n
    full: list[int | None]
    if present is None:
        full = own
    else:
        full = [None] * len(values)
        for i, n in zip(present, own, strict=True):
            full[i] = n
    _varint(out, len(raw))
    for pos, v in raw:
        _varint(out, pos)
        out += struct.pack("<d", v)
    _ints(out, ints)
    return k, full


def _decode_floats(r: _Reader, count: int, base: list[float | None] | None) -> list[float | None]:
    mode = r.take(1)[0]
    if mode == 0:
        return [None] * count
    if mode not in (1, 2):
        raise CorruptBlock("bad column mode")
    k = r.take(1)[0]
    if k > MAX_SCALE:
        raise CorruptBlock("bad scale")
    has_nulls = r.take(1)[0]
    if has_nulls > 1:
        raise CorruptBlock("bad null marker")
    present = None
    if has_nulls:
        bits = r.take((count + 7) // 8)
        present = [i for i in range(count) if bits[i >> 3] & (1 << (i & 7))]
    raw = {}
    for _ in range(r.varint()):
        pos = r.varint()
        raw[pos] = struct.unpack("<d", r.take(8))[0]
    m = count if present is None else len(present)
    ints = _read_ints(r, m)
    if mode == 2:
        if base is None:
            raise CorruptBlock("relative column without base")
        where = range(count) if present is None else present
        for j, i in enumerate(where):
            b = base[i]
            if b is not None and j not in raw:
                bn = _scaled(b, k)
                if bn is not None:
                    ints[j] += bn
    scale = 10**k
    vals: list[float] = [n / scale for n in ints] if k else [float(n) for n in ints]
    for j, v in raw.items():
        if j >= m:
            raise CorruptBlock("bad raw position")
        vals[j] = v
    if present is None:
        return list(vals)
    out: list[float | None] = [None] * count
    for j, i in enumerate(present):
        out[i] = vals[j]
    return out


def _encode_strings(out: bytearray, values: list[str]) -> None:
    words = sorted(set(values))
    if len(words) > 255:
        raise ValueError("more than 255 distinct flags in one parameter-day")
    out.append(len(words))
    for w in words:
        _text(out, w)
    if len(words) > 1:
        index = {w: i for i, w in enumerate(words)}
        out += bytes(index[v] for v in values)


def _decode_strings(r: _Reader, count: int) -> list[str]:
    words = [r.text() for _ in range(r.take(1)[0])]
    if len(words) == 1:
        return words * count
    if not words:
        if count:
            raise CorruptBlock("flags missing")
        return []
    idx = r.take(count)
    try:
        return [words[i] for i in idx]
    except IndexError:
        raise CorruptBlock("bad flag index") from None


# --- blocks ----------------------------------------------------------------------------------

def encode(day: dt.date, rows: Iterable[Row] | Iterable[tuple[Any, ...]], *,
           times: Mapping[Any, dt.datetime] | None = None, offsets: Mapping[Any, int] | None = None) -> bytes:
    """The compressed payload of ``rows`` (any order; one per (time, parameter)), all on ``day``.

    ``rows`` are ``Row``s or plain tuples in the same column order; with ``times``, a row's first
    item is a key of ``times`` (e.g. the database's raw time value) rather than the time itself;
    with ``offsets``, a key of ``offsets``: its microseconds from local midnight, an integer (no
    datetime at all). The payload is the same whichever way the times come.
    """
    ordered = sorted(rows, key=_PARAMETER)  # stable: a time-ordered input stays time-ordered per parameter
    distinct = set(map(_TIME, ordered))  # one subtraction per distinct time
    if offsets is None:
        start = midnight(day)
        deltas = {t: t - start for t in distinct} if times is None else {t: times[t] - start for t in distinct}
        micros = {t: (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds for t, d in deltas.items()}
    else:
        micros = {t: offsets[t] for t in distinct}
    for t, us in micros.items():
        if not 0 <= us < _DAY_US:  # Asia/Shanghai has no DST: a day is 24 h
            raise ValueError(f"{t} is not on {day}")
    by_param = {code: list(group) for code, group in groupby(ordered, _PARAMETER)}
    micro = any(us % 1_000_000 for us in micros.values())
    seconds = micros if micro else {t: us // 1_000_000 for t, us in micros.items()}
    out = bytearray(_MAGIC)
    out.append(1 if micro else 0)
    _varint(out, len(by_param))
    for code in sorted(by_param):
        rs = by_param[code]
        secs = list(map(seconds.__getitem__, map(_TIME, rs)))
        if not all(map(lt, secs, islice(secs, 1, None))):  # not in time order: sort
            order = sorted(range(len(rs)), key=secs.__getitem__)
            rs = [rs[i] for i in order]
            secs = [secs[i] for i in order]
            if any(a >= b for a, b in zip(secs, secs[1:], strict=False)):
                raise ValueError(f"two readings of {code} at the same time")
        _text(out, code)
        _varint(out, len(rs))
        _ints(out, secs)
        columns = [list(map(get, rs)) for get in _COLUMN]  # faster than zip(*rs) for thousands of rows
        scales: dict[str, int | None] = {}
        ints: dict[str, list[int | None] | None] = {}
        for i, name in enumerate(FLOATS, 2):
            base_name = RELATIVE.get(name)
            scales[name], ints[name] = _encode_floats(
                out, columns[i], ints[base_name] if base_name else None,
                scales.get(base_name) if base_name else None)
        _encode_strings(out, columns[11])
        _encode_strings(out, columns[12])
    return lzma.compress(bytes(out), format=lzma.FORMAT_RAW, filters=_FILTERS)


def decode(day: dt.date, data: bytes, crc: int | None = None, *, count: int | None = None) -> list[Row]:
    """The rows of a payload, ordered by (time, parameter), times aware in UTC (as the ORM gives them).

    ``crc`` (the stored checksum) and ``count`` (the stored number of readings) are checked when given.
    """
    if crc is not None and checksum(bytes(data)) != crc:
        raise CorruptBlock("checksum mismatch")
    try:
        payload = lzma.decompress(bytes(data), format=lzma.FORMAT_RAW, filters=_DECODE_FILTERS)
        rows = _parse(day, payload)
    except CorruptBlock:
        raise
    except (lzma.LZMAError, IndexError, ValueError, UnicodeDecodeError, struct.error, OverflowError) as exc:
        raise CorruptBlock(f"undecodable payload: {exc}") from exc
    if count is not None and len(rows) != count:
        raise CorruptBlock(f"{len(rows)} readings decoded, {count} stored")
    return rows


def _parse(day: dt.date, payload: bytes) -> list[Row]:
    r = _Reader(payload)
    if r.take(2) != _MAGIC:
        raise CorruptBlock("bad magic")
    unit = 1_000_000 if r.take(1)[0] else 1
    start = midnight(day).astimezone(dt.UTC)
    rows: list[Row] = []
    seen: dict[int, dt.datetime] = {}  # one datetime per distinct time, shared by the parameters
    for _ in range(r.varint()):
        code = r.text()
        n = r.varint()
        offsets = _read_ints(r, n)
        if offsets and not (0 <= offsets[0] and offsets[-1] < 86_400 * unit
                            and all(a < b for a, b in zip(offsets, offsets[1:], strict=False))):
            raise CorruptBlock("times out of their day or order")
        step = dt.timedelta(seconds=1) if unit == 1 else dt.timedelta(microseconds=1)
        times = [seen.get(t) or seen.setdefault(t, start + t * step) for t in offsets]
        cols: dict[str, list[float | None]] = {}
        for name in FLOATS:
            base_name = RELATIVE.get(name)
            cols[name] = _decode_floats(r, n, cols[base_name] if base_name else None)
        flags = _decode_strings(r, n)
        eflags = _decode_strings(r, n)
        rows.extend(map(Row._make, zip(times, [code] * n, *(cols[name] for name in FLOATS), flags, eflags,
                                        strict=True)))
    if r.pos != len(payload):
        raise CorruptBlock("trailing bytes")
    rows.sort(key=itemgetter(0, 1))
    return rows


def parameters_of(rows: Sequence[Row]) -> str:
    return ",".join(sorted({r.parameter for r in rows}))
