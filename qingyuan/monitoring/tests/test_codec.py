"""The reading-block codec: exact round trip, and a damaged block is detected, never read as empty."""

from __future__ import annotations

import datetime as dt
import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingyuan.monitoring.codec import FLOATS, ZONE, CorruptBlock, Row, checksum, decode, encode, parameters_of

DAY = dt.date(2026, 3, 1)
MIDNIGHT = dt.datetime.combine(DAY, dt.time(), ZONE)


def bits(v: float | None) -> bytes | None:
    return None if v is None else struct.pack("<d", v)


def same(a: list[Row], b: list[Row]) -> bool:
    """Equal rows, floats compared bit for bit (NaN equals NaN, -0.0 differs from 0.0)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if (x.time, x.parameter, x.flag, x.eflag) != (y.time, y.parameter, y.flag, y.eflag):
            return False
        if [bits(getattr(x, f)) for f in FLOATS] != [bits(getattr(y, f)) for f in FLOATS]:
            return False
    return True


decimals = st.builds(lambda n, k: n / 10**k, st.integers(-10**9, 10**9), st.integers(0, 4))
values = st.one_of(st.none(), decimals, st.floats(allow_nan=True, allow_infinity=True), st.just(-0.0))
flags = st.sampled_from(["", "N", "n", "D", "M", "S", "T", "C", "B", "F"])


@st.composite
def days_of_rows(draw: st.DrawFn) -> list[Row]:
    codes = draw(st.lists(st.sampled_from(["a01012", "a19001", "a21026", "w01018", "a34013", "x" * 16]),
                          min_size=1, max_size=4, unique=True))
    micro = draw(st.booleans())
    rows = []
    for code in codes:
        offsets = draw(st.lists(st.integers(0, 86_399_999_999 if micro else 86_399), max_size=30, unique=True))
        for off in offsets:
            t = MIDNIGHT + (dt.timedelta(microseconds=off) if micro else dt.timedelta(seconds=off))
            rows.append(Row(t.astimezone(dt.UTC), code, *(draw(values) for _ in FLOATS), draw(flags), draw(flags)))
    return rows


def sort(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r.time, r.parameter))


@settings(max_examples=150, deadline=None)
@given(days_of_rows())
def test_it_round_trips_every_column_exactly(rows: list[Row]) -> None:
    data = encode(DAY, rows)
    back = decode(DAY, data, checksum(data), count=len(rows))
    assert same(back, sort(rows))
    assert all(r.time.tzinfo is not None for r in back)


@settings(max_examples=150, deadline=None)
@given(days_of_rows().filter(bool), st.data())
def test_it_detects_any_flipped_byte(rows: list[Row], data: st.DataObject) -> None:
    blob = encode(DAY, rows)
    crc = checksum(blob)
    at = data.draw(st.integers(0, len(blob) - 1))
    flip = data.draw(st.integers(1, 255))
    damaged = blob[:at] + bytes([blob[at] ^ flip]) + blob[at + 1:]
    with pytest.raises(CorruptBlock):
        decode(DAY, damaged, crc, count=len(rows))


@settings(max_examples=100, deadline=None)
@given(days_of_rows().filter(bool), st.data())
def test_it_never_decodes_a_damaged_payload_as_empty_even_without_its_checksum(rows: list[Row],
                                                                            data: st.DataObject) -> None:
    """With the checksum forged to match, a damaged payload still fails or gives the readings announced."""
    blob = encode(DAY, rows)
    at = data.draw(st.integers(0, len(blob) - 1))
    damaged = blob[:at] + bytes([blob[at] ^ data.draw(st.integers(1, 255))]) + blob[at + 1:]
    try:
        back = decode(DAY, damaged, checksum(damaged), count=len(rows))
    except CorruptBlock:
        return
    assert len(back) == len(rows)


def test_it_detects_a_truncated_or_empty_payload() -> None:
    rows = [Row(MIDNIGHT + dt.timedelta(minutes=m), "a01012", avg=1.5 + m) for m in range(10)]
    blob = encode(DAY, rows)
    for damaged in (blob[:-1], blob[: len(blob) // 2], b""):
        with pytest.raises(CorruptBlock):
            decode(DAY, damaged, checksum(damaged), count=len(rows))
    with pytest.raises(CorruptBlock):
        decode(DAY, blob, checksum(blob) ^ 1)


def test_it_keeps_realistic_minute_data_small() -> None:
    """A day of 7 smoothly varying parameters every minute, 1-3 decimals: well under 15 B a reading."""
    rows = []
    for m in range(1440):
        t = MIDNIGHT + dt.timedelta(minutes=m)
        for i, code in enumerate(("a01012", "a01013", "a01014", "a01011", "a19001", "a21026", "a21002")):
            v = round(50 + 10 * i + 5 * math.sin(m / 90 + i), 2)
            rows.append(Row(t, code, avg=v, min=round(v - 0.4, 2), max=round(v + 0.3, 2), cou=None,
                            zs_avg=round(v * 1.25, 2), flag="N"))
    data = encode(DAY, rows)
    assert len(data) / len(rows) < 15
    assert same(decode(DAY, data, checksum(data)), sort(rows))
    assert parameters_of(rows) == "a01011,a01012,a01013,a01014,a19001,a21002,a21026"


def test_it_refuses_rows_of_another_day_or_twice_the_same_reading() -> None:
    with pytest.raises(ValueError, match="is not on"):
        encode(DAY, [Row(MIDNIGHT + dt.timedelta(days=1), "a01012", avg=1.0)])
    with pytest.raises(ValueError, match="is not on"):
        encode(DAY, [Row(MIDNIGHT - dt.timedelta(seconds=1), "a01012", avg=1.0)])
    with pytest.raises(ValueError, match="same time"):
        encode(DAY, [Row(MIDNIGHT, "a01012", avg=1.0), Row(MIDNIGHT, "a01012", avg=2.0)])


@settings(max_examples=100, deadline=None)
@given(days_of_rows())
def test_it_encodes_integer_time_offsets_to_the_same_bytes_as_datetimes(rows: list[Row]) -> None:
    """Compaction hands the encoder µs from local midnight (no datetimes): the block is the same."""
    keyed = [(f"t{i}", *r[1:]) for i, r in enumerate(rows)]
    offsets = {f"t{i}": (r.time - MIDNIGHT) // dt.timedelta(microseconds=1) for i, r in enumerate(rows)}

    assert encode(DAY, keyed, offsets=offsets) == encode(DAY, rows)


def test_it_refuses_integer_offsets_outside_the_day() -> None:
    row = ("k", "a21026", 1.5, *([None] * 8), "N", "")
    for bad in (-1, 86_400 * 1_000_000):
        with pytest.raises(ValueError, match="is not on"):
            encode(DAY, [row], offsets={"k": bad})
