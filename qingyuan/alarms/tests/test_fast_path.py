"""The engine's fast path finds exactly what the full rules find, and leaves the same series memory.

``engine.batch_findings(..., fast=False)`` runs every record through all the record rules and every
series through the general merge and the rules' prechecks, as the engine did before it had a fast
path; the fast path must give the same findings (kind, parameter, span, value, limit, detail) in the
same order, batch after batch. The contexts are built in memory (no database): two points, limits of
every shape (daily, hourly, hourly judged on ZsAvg, a range, a daily limit met by hourly values) and
random policies.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qingyuan.alarms import context, engine
from qingyuan.alarms.context import PointContext
from qingyuan.alarms.models import Policy
from qingyuan.alarms.rules import LimitRule, RuleConfig
from qingyuan.alarms.series import Series, SeriesMemory
from qingyuan.quality.points import PointInfo
from qingyuan.quality.queue import ReadingRow

T = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)
WATER, GAS = 9001, 9002
CODES = {WATER: ["w01018", "w21003", "w00000", "w01001", "w01010"], GAS: ["a21026", "a34013", "a00000", "a19001"]}
KINDS = ["minute", "minute", "minute", "hour", "day", "realtime"]
FLAGS = ["N", "N", "N", "N", "", "n", "D", "M", "C", "B", "T", "F", "S", "H", None]
VALUES = [None, math.nan, math.inf, -math.inf, -2.0, 0.0, 0, 1.0, 5.9, 6.0, 9.0, 9.5, 16.0, 20.0, 30.0, 40.0,
          79.9, 80.0, 100, 100.0, 100.5, 150.0, 159.9, 160.0, 200.0, 250.0]


def _contexts(interval_min: int, cfg: RuleConfig) -> dict[int, PointContext]:
    policy = Policy()
    policy.rules = cfg
    out = {}
    for pid, medium, permit in [
        (WATER, "water", {"w01018": LimitRule("daily_mean", value=100.0, unit="mg/L"),
                          "w21003": LimitRule("hourly_mean", value=20.0, unit="mg/L"),
                          "w01001": LimitRule("daily_mean", low=6.0, high=9.0)}),
        (GAS, "gas", {"a21026": LimitRule("hourly_mean", value=200.0, unit="mg/m3", corrected=True),
                      "a34013": LimitRule("daily_mean", value=20.0, unit="mg/m3")}),
    ]:
        info = PointInfo(pid, 1, pid, 1, medium, interval_min, True)
        out[pid] = PointContext(info, f"P{pid}", f"MN{pid}", "", policy, frozenset(), permit=dict(permit),
                                loaded_at=math.inf)  # never stale: no database behind them
    return out


def _install(ctxs: dict[int, PointContext]) -> None:
    context.reset()
    context._CACHE.update(ctxs)


def _seeded() -> SeriesMemory:
    """A memory that knows every series already (empty), so nothing is read from the database."""
    memory = SeriesMemory()
    for pid, codes in CODES.items():
        for kind in ("minute", "hour"):
            for code in codes:
                memory.put((pid, kind, code), {})
    return memory


def _shown(found: list[tuple[PointContext, Any]]) -> list[str]:
    return [repr((ctx.info.id, str(f.kind), f.parameter, f.start, f.end, f.value, f.limit, sorted(f.detail.items())))
            for ctx, f in found]


def _state(memory: SeriesMemory) -> dict[Any, Any]:
    for s in memory.data.values():
        assert s.top == max(s.values, default=-math.inf)  # the fast path keeps the highest value exact
    return {k: repr((s.times, s.values)) for k, s in memory.data.items()}


def _same(batches: list[list[tuple[Any, ...]]], memories: tuple[SeriesMemory, SeriesMemory] | None = None
          ) -> list[str]:
    fast, full = memories or (_seeded(), _seeded())
    shown = []
    for batch in batches:
        a = _shown(engine.batch_findings(batch, memory=fast))
        b = _shown(engine.batch_findings(batch, memory=full, fast=False))
        assert a == b
        assert _state(fast) == _state(full)
        shown += a
    return shown


def _row(pid: int, kind: str, t: dt.datetime, code: str, avg: Any, flag: Any = "N", zs: Any = None
         ) -> tuple[Any, ...]:
    return (pid, kind, t, code, avg, None, None, None, zs, flag)


# ---- table: each case lights up the rule it is named after ----------------------------------------

def _minutes(pid: int, code: str, values: list[Any], *, start: int = 0, step: int = 10, flags: Any = None
             ) -> list[list[tuple[Any, ...]]]:
    """One batch per value, ``step`` minutes apart."""
    flags = flags or ["N"] * len(values)
    return [[_row(pid, "minute", T + (start + i * step) * M, code, v, f)]
            for i, (v, f) in enumerate(zip(values, flags, strict=True))]


CASES = {
    "constant": (_minutes(WATER, "w01018", [42.5] * 8), {"constant"}),
    "constant, hourly": ([[_row(WATER, "hour", T + i * 60 * M, "w01018", 42.5)] for i in range(7)], {"constant"}),
    "zero": (_minutes(WATER, "w21003", [0.0] * 8), {"zero"}),
    "zero while the flow is zero": ([[_row(WATER, "minute", T + i * 10 * M, "w21003", 0.0),
                                      _row(WATER, "minute", T + i * 10 * M, "w00000", 0.0)] for i in range(8)], set()),
    "sudden drop": (_minutes(WATER, "w01018", [80.0, 79.0, 30.0]), {"sudden_drop"}),
    "a drop below the floor": (_minutes(WATER, "w01018", [16.0, 1.0]), set()),
    "flags and negatives": ([[_row(WATER, "minute", T, "w01018", 40.0, f) for f in "DMCBT"]
                             + [_row(WATER, "minute", T, "w21003", -2.0)]],
                            {"fault", "maintenance", "calibration", "comm_error", "over_range", "negative"}),
    "daily exceedance and approach": ([[_row(WATER, "day", T, "w01018", 100.5)],
                                       [_row(WATER, "day", T + 1440 * M, "w01018", 80.0)]],
                                      {"exceedance", "approaching"}),
    "hourly value above a daily limit": ([[_row(WATER, "hour", T, "w01018", 150.0)]], {"exceedance_warning"}),
    "pH out of range": ([[_row(WATER, "day", T, "w01001", 5.9)], [_row(WATER, "day", T + 1440 * M, "w01001", 9.5)]],
                        {"exceedance"}),
    "judged on ZsAvg": ([[_row(GAS, "hour", T, "a21026", 100.0, zs=250.0)],
                         [_row(GAS, "hour", T + 60 * M, "a21026", 250.0, zs=100.0)]], {"exceedance"}),
    "equal complies but approaches": ([[_row(GAS, "hour", T, "a21026", 150.0, zs=200.0)]], {"approaching"}),
    # A corrected limit without ZsAvg and without the reference O2 to correct with: never the raw value.
    "corrected without ZsAvg": ([[_row(GAS, "hour", T, "a21026", 250.0)]], {"cannot_judge"}),
    "backfill and a resend": (_minutes(WATER, "w01018", [42.5] * 4, start=40) + _minutes(WATER, "w01018", [42.5] * 4)
                              + _minutes(WATER, "w01018", [42.5, 41.0], start=70), {"constant"}),
    "several values of a series in one batch": ([sum(_minutes(WATER, "w01018", [42.5] * 7), [])], {"constant"}),
    "no flag from a 2005 logger": (_minutes(WATER, "w01018", [42.5] * 7, flags=[""] * 7), {"constant"}),
    "nothing": (_minutes(WATER, "w01018", [41.0, 42.0, 43.0, 44.0]), set()),
}


@pytest.mark.parametrize("case", list(CASES))
def test_it_finds_the_same_on_the_fast_path_as_with_every_rule(case):
    batches, kinds = CASES[case]
    _install(_contexts(10, RuleConfig()))
    shown = _same(batches)
    assert {s.split("'")[1] for s in shown} == kinds


def test_it_finds_the_same_with_readings_from_the_database_and_ingest(world, django_capture_on_commit_callbacks):
    """ReadingRows (read back) and plain tuples (on commit), a series first seen read from the database."""
    from qingyuan.quality.tests.support import readings

    readings(world.point_a, "minute", T, "w01018", [42.5] * 5)
    batch = [ReadingRow(world.point_a.pk, "minute", T + 50 * M, "w01018", 42.5, None, None, None, None, "N"),
             (world.point_a.pk, "minute", T + 50 * M, "w00000", 5.0, None, None, None, None, "")]
    shown = _same([batch], (SeriesMemory(), SeriesMemory()))
    assert [s.split("'")[1] for s in shown] == ["constant"]


# ---- random batches ---------------------------------------------------------------------------------

CONFIGS = st.builds(RuleConfig, approach_share=st.sampled_from([0.5, 0.8, 0.99, 1.0, 1.2]),
                    constant_minutes=st.sampled_from([10, 30, 60]), constant_min_records=st.sampled_from([1, 2, 3]),
                    constant_hour_records=st.sampled_from([2, 6]), zero_minutes=st.sampled_from([1, 10, 60]),
                    drop_share=st.sampled_from([0.05, 0.5, 0.99, 1.0, 1.5]),
                    drop_window_minutes=st.sampled_from([5, 60]), drop_floor_share=st.sampled_from([0.0, 0.2]))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[int, RuleConfig, list[list[tuple[Any, ...]]]]:
    interval = draw(st.sampled_from([1, 10]))
    cfg = draw(CONFIGS)
    pool = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=4))  # few values: runs happen
    values = st.one_of(st.sampled_from(pool), st.sampled_from(pool), st.sampled_from(pool), st.sampled_from(VALUES),
                       st.floats(allow_nan=True, allow_infinity=True))
    any_series = st.sampled_from([WATER, GAS]).flatmap(
        lambda pid: st.tuples(st.just(pid), st.sampled_from(KINDS), st.sampled_from(CODES[pid])))
    focus = draw(st.lists(any_series, min_size=1, max_size=3, unique=True))  # a few series, often repeated
    flags = st.sampled_from(["N"] * 20 + FLAGS)
    current = {key: draw(values) for key in focus}
    offsets = st.sampled_from([0, 0, 0, 0, 0, -interval, interval, -90])
    batches, now = [], 0
    for _ in range(draw(st.integers(1, 14))):
        now += draw(st.sampled_from([0, interval, interval, interval, interval, 2 * interval, 60]))
        batch = []
        for key in focus:  # a value that mostly stays, or changes
            if draw(st.integers(0, 3)) == 0:
                current[key] = draw(values)
            if draw(st.integers(0, 4)):
                pid, kind, code = key
                batch.append(_row(pid, kind, T + (now + draw(offsets)) * M, code, current[key], draw(flags),
                                  draw(st.one_of(st.none(), st.sampled_from(pool)))))
        for _ in range(draw(st.integers(0, 6))):
            pid, kind, code = draw(any_series)
            batch.append(_row(pid, kind, T + (now + draw(offsets)) * M, code, draw(values), draw(flags),
                              draw(st.one_of(st.none(), st.sampled_from(pool)))))
        batches.append(batch)
    return interval, cfg, batches


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_it_finds_the_same_on_random_batches(scenario):
    interval, cfg, batches = scenario
    _install(_contexts(interval, cfg))
    for kind in sorted({s.split("'")[1] for s in _same(batches)}):
        event(kind)
    context.reset()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 40), st.sampled_from([0.0, 1.0, 2.0, 7.5, -1.0])), min_size=1, max_size=8),
       st.lists(st.lists(st.tuples(st.integers(-5, 60), st.sampled_from([0.0, 1.0, 3.0, 9.0])), min_size=1,
                         max_size=4), max_size=6),
       st.sampled_from([0, 5, 20, 62]))
def test_it_keeps_the_same_values_appending_as_merging(first, later, keep_minutes):
    """``Series.extend`` (in order) and ``SeriesMemory.merge`` (any order) keep the same values."""
    keep = keep_minutes * M
    fast, full = SeriesMemory(), SeriesMemory()
    start = {T + m * M: v for m, v in first}
    fast.put((1, "minute", "x"), start)
    full.put((1, "minute", "x"), start)
    for batch in later:
        new = [(T + m * M, v) for m, v in batch]
        kept = fast.get((1, "minute", "x"))
        assert kept is not None
        if not kept.extend(new, keep):
            fast.merge((1, "minute", "x"), new, keep)
        points = full.merge((1, "minute", "x"), new, keep)
        assert _state(fast) == _state(full)
        assert fast.data[(1, "minute", "x")].points() == points


def test_it_forgets_the_oldest_values_and_their_highest():
    s = Series([(T, 9.0), (T + M, 1.0), (T + 2 * M, 2.0)])
    assert s.extend([(T + 3 * M, 3.0)], 2 * M) and (s.values, s.top) == ([1.0, 2.0, 3.0], 3.0)
    assert not s.extend([(T + 3 * M, 4.0)], 2 * M)  # a resend: the general merge handles it
    s = Series([(T, 9.0), (T + M, 1.0)])
    s.forget(T + M)
    assert (s.times, s.top) == ([T + M], 1.0)
