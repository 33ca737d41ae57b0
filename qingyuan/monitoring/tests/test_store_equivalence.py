"""Every switched query answers the same over narrow, compacted and partly compacted readings (issue 16 part 3).

Random data (hypothesis draws the seed, the days and the late rows): each query is asked over the
readings narrow (the truth), then with the closed days compacted and late rows (new ones, and
retransmissions with other values, which change nothing) arriving narrow afterwards, then compacted
again. Run on PostgreSQL too: ``bin/with-postgres .venv/bin/pytest -q <this module>``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingyuan.alarms.engine import newest_minute
from qingyuan.closures.proof import last_flow
from qingyuan.monitoring import compaction, store
from qingyuan.monitoring.codec import Row
from qingyuan.monitoring.models import Reading, ReadingBlock
from qingyuan.monitoring.queries import chart_series, latest_readings
from qingyuan.quality.compute import compute_hours
from qingyuan.quality.conf import quality_settings
from qingyuan.quality.fetch import RawTimes, fetch
from qingyuan.quality.points import point_infos
from qingyuan.quality.queue import read_back

from .readings_data import CODES, at, days_ago, insert, make_rows

pytestmark = pytest.mark.django_db
SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WATER = ("w01018", "w21003", "w00000")  # COD, NH3-N and the flow (volumes weight the hourly means)


def scenario(point_id: int, seed: int, n_days: int, kind: str) -> tuple[list[Row], list[Row], list[Row]]:
    """(data, late new rows, retransmissions with other values) over ``n_days`` closed days."""
    rng = random.Random(seed)
    data: list[Row] = []
    late: list[Row] = []
    step = 600 if kind == "minute" else 120
    for n in range(3, 3 + n_days):
        day = days_ago(n)
        rows = make_rows(rng, day, kind, n_times=rng.randint(1, 30), codes=WATER, step=step)
        data += rows
        late += [r._replace(time=r.time + dt.timedelta(seconds=step // 2)) for r in rows if rng.random() < 0.1]
    again = [r._replace(avg=(r.avg or 0) + 1, rtd=(r.rtd or 0) + 1, flag="D") for r in data if rng.random() < 0.1]
    return data, late, again


def reset() -> None:
    Reading.objects.all().delete()
    ReadingBlock.objects.all().delete()
    store._cache.clear()


def check(point_id: int, kind: str, seed: int, n_days: int, query: Callable[[], Any]) -> None:
    reset()
    data, late, again = scenario(point_id, seed, n_days, kind)
    insert(point_id, kind, data + late)
    truth = query()
    Reading.objects.filter(point_id=point_id).delete()
    insert(point_id, kind, data)
    totals = compaction.compact_due()
    assert totals.blocks == n_days and not Reading.objects.filter(point_id=point_id, kind=kind).exists()
    if not late:  # compacted without the late rows: the same answer when there are none
        assert query() == truth
    insert(point_id, kind, late + again)  # late data for compacted days lands narrow
    assert query() == truth, "block ∪ narrow"
    compaction.compact_due()
    assert not Reading.objects.filter(point_id=point_id, kind=kind).exists()
    assert query() == truth, "merged"
    assert compaction.compact_due().blocks == 0 and query() == truth, "compacting twice = once"


def window(n_days: int) -> tuple[dt.datetime, dt.datetime]:
    return at(days_ago(2 + n_days), 0), at(days_ago(2), 0)


seeds = st.integers(0, 10**6)
days = st.integers(1, 3)
kinds = st.sampled_from(["minute", "realtime"])


@SETTINGS
@given(seed=seeds, n_days=days, kind=kinds)
def test_it_reads_the_same_rows(world: Any, seed: int, n_days: int, kind: str) -> None:
    p = world.point_a.pk
    start, end = window(n_days)
    times = RawTimes()
    check(p, kind, seed, n_days, lambda: (
        store.rows(p, kind, start, end),
        fetch(times, p, kind, start, end),
        fetch(times, p, kind, start + dt.timedelta(hours=5), end - dt.timedelta(hours=7)),
        store.rows(p, kind, start, end, parameters=["w00000"]),
        store.newest_time(p, kind), newest_minute(p) if kind == "minute" else None,
    ))


@SETTINGS
@given(seed=seeds, n_days=days)
def test_it_computes_the_same_hourly_values(world: Any, seed: int, n_days: int) -> None:
    """quality's hourly values: the minute grouping (SQL on PostgreSQL, Python on SQLite) over blocks."""
    p = world.point_a.pk
    info = point_infos([p])[p]
    start, _ = window(n_days)
    hours = [start + dt.timedelta(hours=h) for h in range(24 * n_days)]
    check(p, "minute", seed, n_days, lambda: compute_hours(info, hours, quality_settings()))


@SETTINGS
@given(seed=seeds, n_days=days, kind=kinds)
def test_it_answers_the_readings_api_the_same(world: Any, client: Any, seed: int, n_days: int, kind: str) -> None:
    p = world.point_a.pk
    client.force_login(world.regulator)
    start, end = window(n_days)

    def ask() -> Any:
        pages = []
        for params in ({"page_size": 200}, {"page_size": 7, "page": 2}, {"parameter": "w01018", "page_size": 200}):
            r = client.get("/api/v1/readings", {"point": p, "kind": kind, "since": start.isoformat(),
                                                "until": end.isoformat(), **params})
            pages.append((r.status_code, r.json()))
        return pages

    check(p, kind, seed, n_days, ask)


@SETTINGS
@given(seed=seeds, n_days=days)
def test_it_reads_back_a_batch_the_same(world: Any, seed: int, n_days: int) -> None:
    """The alarm engine's read-back of a batch of late readings (quality.queue.read_back)."""
    p = world.point_a.pk
    start, end = window(n_days)

    class Batch:
        def spans(self) -> list[tuple[int, str, dt.datetime, dt.datetime]]:
            return [(p, "minute", start + dt.timedelta(hours=3), end - dt.timedelta(hours=1))]

    check(p, "minute", seed, n_days, lambda: sorted(read_back(Batch()), key=lambda r: (r[2], r[3])))


@SETTINGS
@given(seed=seeds, n_days=days)
def test_it_draws_the_same_charts_and_latest_values(world: Any, seed: int, n_days: int) -> None:
    point = world.point_a
    _, end = window(n_days)

    def ask() -> Any:
        newest, rows = latest_readings(point, "minute")
        return (chart_series(point, "24h", now=end), chart_series(point, "24h", now=end - dt.timedelta(hours=30)),
                newest, [(r.parameter, r.time, r.avg, r.min, r.max, r.flag, r.label) for r in rows])

    check(point.pk, "minute", seed, n_days, ask)


@SETTINGS
@given(seed=seeds, n_days=days, kind=kinds)
def test_it_finds_the_same_last_flow(world: Any, seed: int, n_days: int, kind: str) -> None:
    """closures.proof: the newest non-zero flow (a closed plant's proof of stop)."""
    point = world.point_a
    start, _ = window(n_days)
    check(point.pk, kind, seed, n_days, lambda: (last_flow(point), last_flow(point, since=start + dt.timedelta(
        hours=20))))


def test_codes_cover_a_flow() -> None:
    assert "w00000" in WATER and set(WATER) <= set(CODES)
