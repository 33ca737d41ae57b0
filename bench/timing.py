"""Timing of repeated calls for the benchmarks: wall and CPU time of each call in ms, their median
(p50) and nearest-rank percentiles. Not a benchmark: run directly, it prints one line and exits.

    from timing import Timing, percentile, timed

    t = timed(fn, runs, warmup=1)          # fn() called once untimed, then ``runs`` times
    print(t.wall.p50, t.wall.p95, t.cpu.p50, t.cpu.p95)   # ms

    t = Timing()                           # when each call differs (a batch, a request with set-up)
    for batch in batches:
        with t.measure():
            process(batch)

CPU time is this process's (``time.process_time``): on SQLite the database works in-process and is in
it; on PostgreSQL the server's work is only in the wall time.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``pct`` % of the values at or below it
    (p95 of 10 values is the largest, of 20 the 19th, of 30 the 29th); NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = math.ceil(round(pct * len(ordered) / 100, 9))  # round: a float product a hair above a whole rank
    return ordered[min(len(ordered), max(1, rank)) - 1]


class Samples(list[float]):
    """Milliseconds, one per measured call, in the order measured."""

    @property
    def p50(self) -> float:
        return statistics.median(self)

    @property
    def p95(self) -> float:
        return percentile(self, 95)

    @property
    def least(self) -> float:
        return min(self)

    @property
    def total(self) -> float:
        return sum(self)


class Timing:
    """Wall and CPU time of each measured call: ``wall`` and ``cpu``, each with its p50, p95, least, total."""

    def __init__(self) -> None:
        self.wall = Samples()
        self.cpu = Samples()

    @contextmanager
    def measure(self) -> Iterator[None]:
        """Time the block; a block that raises is not counted."""
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.cpu.append((time.process_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)


def timed(fn: Callable[[], object], runs: int, *, warmup: int = 0) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``runs`` times timed."""
    for _ in range(warmup):
        fn()
    timing = Timing()
    for _ in range(runs):
        with timing.measure():
            fn()
    return timing


if __name__ == "__main__":
    print("bench/timing.py: the benchmarks' timing helper, not a benchmark")
