"""What the engine remembers of each series (point, kind, parameter), and the series rules run over it.

The engine sees a series a few values at a time, one committed batch after another.
``SeriesMemory`` keeps each series' recent valid values in time order — as far back
as the point's context ``keeps`` for the kind — and the highest of them, bounded in
series count (least recently used first out). A series first seen is read from the
database once (``load_history``).

``evaluate`` runs the series rules of one batch. Most batches find nothing, and
whether they could is known from a few comparisons per new value: a constant or
zero run needs a new value equal to the one before it; a sudden drop needs a new
value more than ``drop_share`` below the highest value kept. Only then are
``rules.stuck`` and ``rules.sudden_drop`` called on the series' points. Values
arriving in time order are appended (``Series.extend``); values older than the
newest kept or at the same time (backfill, a resend) take the general merge
(``SeriesMemory.merge``), which is also the whole of the reference path
(``fast=False``) the tests compare the fast one with.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qingyuan.alarms import rules
from qingyuan.alarms.context import PointContext
from qingyuan.alarms.rules import Finding
from qingyuan.monitoring import store
from qingyuan.monitoring.models import Reading
from qingyuan.quality.conf import quality_settings
from qingyuan.quality.validity import Validity, classify, is_concentration

DAY = dt.timedelta(days=1)
Key = tuple[int, str, str]  # (point, kind, parameter)
Point = tuple[dt.datetime, float]


class Series:
    """The kept values of one series: parallel time-ordered lists, and the highest value."""

    __slots__ = ("times", "values", "top")

    def __init__(self, points: Iterable[Point] = ()) -> None:
        ordered = sorted(points)
        self.times = [t for t, _ in ordered]
        self.values = [v for _, v in ordered]
        self.top = max(self.values, default=-math.inf)

    def points(self) -> list[Point]:
        return list(zip(self.times, self.values, strict=True))

    def extend(self, new: Sequence[Point], keep: dt.timedelta) -> bool:
        """Append values all later than the newest kept, in time order, and forget what ``keep`` no longer
        covers. False (nothing changed) for values out of order or at a time already kept."""
        times, values = self.times, self.values
        last = times[-1] if times else None
        for t, _ in new:
            if last is not None and not last < t:
                return False
            last = t
        for t, v in new:
            times.append(t)
            values.append(v)
        highest = max(v for _, v in new)
        if highest > self.top:
            self.top = highest
        cutoff = times[-1] - keep
        if times[0] < cutoff:
            self.forget(cutoff)
        return True

    def forget(self, cutoff: dt.datetime) -> None:
        """Drop the values before ``cutoff`` (at least the first one is)."""
        times, values = self.times, self.values
        if len(times) > 1 and times[1] >= cutoff:
            del times[0]
            gone = values.pop(0)
        else:
            n = bisect_left(times, cutoff)
            gone = max(values[:n])
            del times[:n], values[:n]
        if gone >= self.top:
            self.top = max(values, default=-math.inf)


class SeriesMemory:
    """The recent valid values of each series, bounded in series count and in time."""

    def __init__(self, max_series: int = 100_000) -> None:
        self.max_series = max_series
        self.data: OrderedDict[Key, Series] = OrderedDict()

    def __contains__(self, key: Key) -> bool:
        return key in self.data

    def get(self, key: Key) -> Series | None:
        found = self.data.get(key)
        if found is not None:
            self.data.move_to_end(key)
        return found

    def put(self, key: Key, values: Mapping[dt.datetime, float]) -> None:
        self._store(key, Series(values.items()))

    def _store(self, key: Key, series: Series) -> None:
        self.data[key] = series
        self.data.move_to_end(key)
        while len(self.data) > self.max_series:
            self.data.popitem(last=False)

    def merge(self, key: Key, new: Iterable[Point], keep: dt.timedelta) -> list[Point]:
        """Add ``new`` (a later value at the same time wins), keep what lies within ``keep`` of the newest,
        and return the kept points in time order."""
        found = self.data.get(key)
        values = dict(zip(found.times, found.values, strict=True)) if found is not None else {}
        values.update(new)
        cutoff = max(values) - keep
        points = sorted((t, v) for t, v in values.items() if t >= cutoff)
        self._store(key, Series(points))
        return points

    def clear(self) -> None:
        self.data.clear()


def load_history(ctxs: Mapping[int, PointContext], keys: list[Key], series: Mapping[Key, list[Point]],
                 memory: SeriesMemory) -> None:
    """Put the stored history of series first seen into memory (one query per kind)."""
    qcfg = quality_settings()
    by_kind: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        by_kind[key[1]].append(key)
    for kind, group in by_kind.items():
        lo = min(min(t for t, _ in series[k]) - ctxs[k[0]].keeps.get(kind, DAY) for k in group)
        hi = max(max(t for t, _ in series[k]) for k in group)
        wanted = set(group)
        loaded: dict[Key, dict[dt.datetime, float]] = {k: {} for k in group}
        pids, codes = {k[0] for k in group}, {k[2] for k in group}
        if store.has_blocks(pids, kind, lo, hi):  # late data for a compacted day: block ∪ narrow
            rows: Any = [(pid, r.parameter, r.time, r.avg, r.flag) for pid, rs in store.rows_many(
                pids, kind, lo, hi, parameters=codes, include_end=True).items() for r in rs]
        else:
            rows = Reading.objects.filter(point_id__in=pids, kind=kind, parameter__in=codes, time__gte=lo,
                                          time__lte=hi).values_list("point_id", "parameter", "time", "avg", "flag")
        for pid, code, t, avg, flag in rows:
            key = (pid, kind, code)
            if key in wanted and avg is not None and classify(flag, code, avg, qcfg) is Validity.VALID:
                loaded[key][t] = avg
        for key, values in loaded.items():
            memory.put(key, values)


def evaluate(ctxs: Mapping[int, PointContext], series: Mapping[Key, list[Point]], memory: SeriesMemory, *,
             fast: bool = True) -> list[tuple[PointContext, Finding]]:
    """Constant and zero runs and sudden drops that the batch's new values ``series`` make (or extend)."""
    kept_series = memory.data
    unseen = [k for k in series if k not in kept_series]
    if unseen:
        load_history(ctxs, unseen, series, memory)
    out: list[tuple[PointContext, Finding]] = []
    last = None
    for key, new in series.items():
        pid, kind, code = key
        if pid != last:
            last, ctx = pid, ctxs[pid]
            keeps, drop_below = ctx.keeps, 1 - ctx.policy.rules.drop_share
        keep = keeps.get(kind, DAY)
        kept = kept_series.get(key) if fast else None
        if kept is not None and len(new) == 1:
            # The common case, inline: one new value, later than those kept.
            t, v = new[0]
            times, values = kept.times, kept.values
            if not times or times[-1] < t:
                kept_series.move_to_end(key)
                times.append(t)
                values.append(v)
                if v > kept.top:
                    kept.top = v
                cutoff = t - keep
                if times[0] < cutoff:
                    kept.forget(cutoff)
                repeats = len(values) > 1 and values[-2] == v
                if not repeats and not (v < drop_below * kept.top and is_concentration(code)):
                    continue
                out += _run_rules(ctx, kind, code, kept.points(), t, repeats=repeats,
                                  dropped=v < drop_below * kept.top and is_concentration(code))
                continue
        if kept is not None and kept.extend(new, keep):
            kept_series.move_to_end(key)
            # The tests below, on the new values only (the others were tested as they came).
            values = kept.values
            new_from = new[0][0]
            first = max(1, bisect_left(kept.times, new_from))
            repeats = any(values[i] == values[i - 1] for i in range(first, len(values)))
            dropped = any(v < drop_below * kept.top for _, v in new)
            if not repeats and not (dropped and is_concentration(code)):
                continue
            points = kept.points()
        else:
            points = memory.merge(key, new, keep)
            new_from = min(t for t, _ in new)
            # A run needs a new value equal to the one before it; a drop needs a new value below
            # (1 - share) of the highest one kept (the rules would find nothing otherwise).
            repeats = any(points[i][1] == points[i - 1][1] for i in range(1, len(points)) if points[i][0] >= new_from)
            top = max(v for _, v in points)
            dropped = any(v < drop_below * top for _, v in new)
        out += _run_rules(ctx, kind, code, points, new_from, repeats=repeats,
                          dropped=dropped and is_concentration(code))
    return out


def _run_rules(ctx: PointContext, kind: str, code: str, points: list[Point], new_from: dt.datetime, *,
               repeats: bool, dropped: bool) -> list[tuple[PointContext, Finding]]:
    out: list[tuple[PointContext, Finding]] = []
    interval = ctx.intervals.get(kind, DAY)
    cfg = ctx.policy.rules
    if repeats:
        for f in rules.stuck(code, points, interval=interval, hourly=kind == "hour", new_from=new_from,
                             cfg=cfg, zeros=is_concentration(code)):
            out.append((ctx, f))
    if dropped:
        limit = ctx.limit(code)
        for f in rules.sudden_drop(code, points, interval=interval, new_from=new_from,
                                   limit=limit.shown if limit else None, cfg=cfg):
            out.append((ctx, f))
    return out
