"""hour_series: a year of hourly values read columnar from period blocks, always equal to the narrow rows.

The narrow rows are the truth (``store.narrow_values``); every answer of ``hour_series.read`` is compared
with it (``==``: floats exact, NULLs kept, times aware and equal). Issue 16, docs/storage.md "Hourly
values over a year". Runs on SQLite and on PostgreSQL (``bin/with-postgres``).
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingyuan.monitoring import hour_series
from qingyuan.monitoring.hour_series import COLUMNS, FLOATS, PERIOD_SECONDS
from qingyuan.monitoring.models import HourBlock, Reading

from .readings_data import CODES, ZONE

HOUR = dt.timedelta(hours=1)
FIRST = dt.datetime(2025, 1, 1, tzinfo=ZONE)  # local midnight: 2024-12-31 16:00 UTC, inside period 669 (from 2024-12-13 UTC)
AFTER = FIRST + dt.timedelta(days=400)  # "now" for building: every period of the tests is closed


def _reading(point: Any, when: dt.datetime, code: str, i: int, *, kind: str = "hour") -> Reading:
    return Reading(point=point, kind=kind, time=when, parameter=code, avg=i / 7 + 0.1,
                   min=None if i % 5 == 0 else i / 3, max=(i % 11) * 1.5 if i % 4 else None,
                   cou=1e-7 * i if code == CODES[0] else None, flag="N" if i % 13 else "D", eflag="" if i % 3 else "E")


def _year(point: Any, *, hours: int = 24 * 365, codes: tuple[str, ...] = CODES[:3], kind: str = "hour") -> None:
    Reading.objects.bulk_create(_reading(point, FIRST + HOUR * h, code, h * len(codes) + k, kind=kind)
                                for h in range(hours) for k, code in enumerate(codes))


def _truth(point: Any, start: dt.datetime, end: dt.datetime, columns: tuple[str, ...] = COLUMNS, **kw: Any) -> list:
    return hour_series.store.narrow_values(point.pk, "hour", start, end, columns=columns, **kw)


def _bits(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Floats by their IEEE bytes: -0.0 and 0.0 differ, NaN equals itself."""
    return [tuple(struct.pack("<d", v) if isinstance(v, float) else v for v in r) for r in rows]


@pytest.mark.django_db
def test_it_reads_a_year_from_blocks_exactly_as_the_narrow_rows(world: Any, django_assert_max_num_queries: Any) -> None:
    """The year (13 periods of 30 days) from the blocks: same rows as the narrow read, in 2 queries."""
    _year(world.point_a)
    _year(world.point_b, hours=24 * 40)  # another point: never in point A's answer
    _year(world.point_a, hours=24 * 30, kind="day")  # another kind
    start, end = FIRST, FIRST + dt.timedelta(days=365)
    assert hour_series.build_due(now=AFTER) == 13 + 2  # A's 13 periods, B's 2
    assert HourBlock.objects.filter(point=world.point_a, built=0).count() == 0
    truth = _truth(world.point_a, start, end)
    assert len(truth) == 24 * 365 * 3
    with django_assert_max_num_queries(2):  # the blocks; the narrow rows after the last whole period
        got = hour_series.read(world.point_a.pk, "hour", start, end, columns=COLUMNS)
    assert got.rows() == truth
    assert _bits(got.rows()) == _bits(truth)
    assert all(t.tzinfo is not None for t in got.times[:50])


@pytest.mark.django_db
def test_it_reads_the_same_at_range_and_period_edges(world: Any) -> None:
    """Ranges that start/end inside a period, at its first/last hour, on a local (UTC+8, no DST) midnight."""
    _year(world.point_a, hours=24 * 100)
    hour_series.build_due(now=AFTER)
    edge = hour_series.period_start(hour_series.period_of(FIRST) + 1)  # 2025-01-12 00:00 UTC = 08:00 local
    local_midnight = dt.datetime(2025, 2, 1, tzinfo=ZONE)
    for start, end in ((FIRST, edge), (edge, edge + HOUR), (edge - HOUR, edge + HOUR), (edge - HOUR, edge),
                       (FIRST + HOUR * 5, local_midnight), (local_midnight, local_midnight + dt.timedelta(days=31)),
                       (FIRST - dt.timedelta(days=3), FIRST + dt.timedelta(days=200)),
                       (local_midnight + dt.timedelta(minutes=30), local_midnight + dt.timedelta(hours=2, minutes=30)),
                       (edge, edge)):
        for codes in (None, [CODES[1]], [CODES[0], CODES[2], "a99999"]):
            got = hour_series.read(world.point_a.pk, "hour", start, end, parameters=codes, columns=COLUMNS)
            assert got.rows() == _truth(world.point_a, start, end, parameters=codes), (start, end, codes)


@pytest.mark.django_db
def test_it_never_serves_a_block_after_its_period_changed(world: Any) -> None:
    """An insert, an update (what ingest's ON CONFLICT DO UPDATE does) and a delete of an hour row each bump
    the period's version in the writer's transaction: the block is not read until built again."""
    _year(world.point_a, hours=24 * 60)
    hour_series.build_due(now=AFTER)
    start, end = FIRST, FIRST + dt.timedelta(days=60)
    block = HourBlock.objects.get(point=world.point_a, period=hour_series.period_of(FIRST + dt.timedelta(days=30)))
    assert block.built == block.version

    late = FIRST + dt.timedelta(days=30, minutes=30)
    Reading.objects.create(point=world.point_a, kind="hour", time=late, parameter=CODES[0], avg=-0.0)
    assert hour_series.read(world.point_a.pk, "hour", start, end, columns=COLUMNS).rows() == _truth(world.point_a, start, end)
    block.refresh_from_db()
    assert block.version == block.built + 1
    hour_series.build_due(now=AFTER)

    Reading.objects.filter(point=world.point_a, kind="hour", time=late).update(avg=7.25, flag="T")
    assert hour_series.read(world.point_a.pk, "hour", start, end, columns=COLUMNS).rows() == _truth(world.point_a, start, end)
    hour_series.build_due(now=AFTER)

    Reading.objects.filter(point=world.point_a, kind="hour", time=late).delete()
    got = hour_series.read(world.point_a.pk, "hour", start, end, columns=COLUMNS).rows()
    assert got == _truth(world.point_a, start, end)
    assert all(r[0] != late for r in got)
    # other kinds and other points do not touch the period
    before = HourBlock.objects.get(pk=block.pk).version
    Reading.objects.create(point=world.point_a, kind="minute", time=late, parameter=CODES[0], avg=1.0)
    Reading.objects.create(point=world.point_b, kind="hour", time=late, parameter=CODES[0], avg=1.0)
    assert HourBlock.objects.get(pk=block.pk).version == before


@pytest.mark.django_db
def test_it_reads_a_damaged_block_from_the_narrow_rows(world: Any, caplog: Any) -> None:
    _year(world.point_a, hours=24 * 40)
    hour_series.build_due(now=AFTER)
    block = HourBlock.objects.filter(point=world.point_a).order_by("period").first()
    assert block is not None
    HourBlock.objects.filter(pk=block.pk).update(checksum=block.checksum ^ 1)
    start, end = FIRST, FIRST + dt.timedelta(days=40)
    assert hour_series.read(world.point_a.pk, "hour", start, end, columns=COLUMNS).rows() == _truth(world.point_a, start, end)
    assert "corrupt" in caplog.text


@pytest.mark.django_db
def test_it_refuses_unknown_columns_and_reads_day_readings_narrow(world: Any) -> None:
    _year(world.point_a, hours=24 * 3, kind="day")
    with pytest.raises(ValueError):
        hour_series.read(world.point_a.pk, "hour", FIRST, AFTER, columns=["id"])
    got = hour_series.read(world.point_a.pk, "day", FIRST, AFTER)
    assert got.rows() == hour_series.store.narrow_values(world.point_a.pk, "day", FIRST, AFTER)
    assert len(hour_series.read(world.point_a.pk, "hour", FIRST, AFTER, parameters=[])) == 0


# ---- random writes: the fast path always equals the narrow rows --------------------------------------------

_float = st.one_of(st.none(), st.floats(allow_nan=False, width=64), st.sampled_from([0.0, -0.0, 0.1 + 0.2, 1e-300]),
                   st.decimals(min_value=-1000, max_value=100000, places=3).map(float))
_write = st.tuples(
    st.sampled_from(["insert", "update", "delete", "build"]),
    st.integers(min_value=0, max_value=24 * 45),  # hour offset: three periods
    st.sampled_from(CODES[:3]),
    _float, _float,
    st.sampled_from(["N", "D", "T", ""]),
)


def _nan_free(v: float | None) -> float | None:  # SQLite stores NaN as NULL; the strategy draws none
    assert v is None or not math.isnan(v)
    return v


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(_write, max_size=25), start_h=st.integers(0, 24 * 44), span_h=st.integers(1, 24 * 50))
def test_it_equals_the_narrow_rows_after_any_writes(world: Any, writes: list, start_h: int, span_h: int) -> None:
    """Random inserts, updates, deletes and builds in closed periods, then a read of a random range."""
    Reading.objects.filter(point=world.point_a).delete()
    HourBlock.objects.all().delete()
    _year(world.point_a, hours=24 * 45)
    hour_series.build_due(now=AFTER)
    for op, h, code, avg, low, flag in writes:
        when = FIRST + HOUR * h + (dt.timedelta(minutes=17) if op == "insert" and h % 2 else dt.timedelta())
        qs = Reading.objects.filter(point=world.point_a, kind="hour", time=when, parameter=code)
        if op == "insert":
            Reading.objects.get_or_create(point=world.point_a, kind="hour", time=when, parameter=code,
                                          defaults={"avg": _nan_free(avg), "min": low, "flag": flag})
        elif op == "update":
            qs.update(avg=_nan_free(avg), min=low, flag=flag)
        elif op == "delete":
            qs.delete()
        else:
            hour_series.build_due(now=AFTER)
    start = FIRST + HOUR * start_h
    end = start + HOUR * span_h
    truth = _truth(world.point_a, start, end)
    got = hour_series.read(world.point_a.pk, "hour", start, end, columns=COLUMNS).rows()
    assert _bits(got) == _bits(truth)
    assert got == truth
    for name in FLOATS:  # every column alone too
        assert hour_series.read(world.point_a.pk, "hour", start, end, columns=[name]).rows() == _truth(
            world.point_a, start, end, columns=(name,))


def test_it_keeps_the_period_arithmetic_of_the_migration() -> None:
    """The triggers compute floor(epoch seconds / 2,592,000); so does period_of (and before 1970)."""
    assert PERIOD_SECONDS == 30 * 86400
    assert hour_series.period_of(dt.datetime(1970, 1, 31, tzinfo=dt.UTC)) == 1
    assert hour_series.period_of(dt.datetime(1970, 1, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)) == 0
    assert hour_series.period_of(dt.datetime(1969, 12, 31, 23, tzinfo=dt.UTC)) == -1
    assert hour_series.period_start(669) == dt.datetime(2024, 12, 13, tzinfo=dt.UTC)
    assert connection.vendor in ("sqlite", "postgresql")
