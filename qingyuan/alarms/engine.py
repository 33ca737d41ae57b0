"""Evaluating the rules: as data is committed, as aggregates are computed, and on the clock.

* ``on_batch(readings)`` — a batch listener of ``qingyuan.quality.queue``: runs right
  after an ingest batch commits, in the committing thread, on the readings it wrote
  (already in memory). Per record: flags (D/M/C/B/T), negatives, and exceedance of
  the device's own hourly and daily values. Per series (point, kind, parameter):
  constant and zero runs and sudden drops, over a short history kept in memory
  (``SeriesMemory``; read from the database once when a series is first seen).
* ``on_periods(info, period, rows)`` — a period listener: exceedance of hours and
  days computed from minute data, device/computed mismatches, and the hour's
  flow against its concentrations.
* ``check_devices(now)`` — a worker step every minute: missing data and offline
  devices (points under an approved stop-production declaration are skipped).

Everything found goes to ``actions.raise_findings``, which is idempotent, so the
worker may evaluate the same readings again after a crash.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from qingyuan.alarms import actions, context, rules
from qingyuan.alarms.context import PointContext
from qingyuan.alarms.rules import Finding
from qingyuan.monitoring.models import DeviceState, Reading
from qingyuan.quality.aggregate import Stats
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.conf import quality_settings
from qingyuan.quality.models import StopDeclaration
from qingyuan.quality.points import PointInfo
from qingyuan.quality.queue import ReadingRow
from qingyuan.quality.validity import (
    FLOW_CODES,
    Validity,
    classify,
    flag_validity,
    hour_min_valid,
    is_concentration,
)

log = logging.getLogger("qingyuan.alarms")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
Key = tuple[int, str, str]  # (point, kind, parameter)


def _interval(ctx: PointContext, kind: str) -> dt.timedelta:
    return ctx.intervals.get(kind, DAY)


def _watched(code: str) -> bool:
    """Series rules (constant, zero, sudden drop) watch concentrations and flows."""
    return code in FLOW_CODES or is_concentration(code)


class SeriesMemory:
    """The recent valid values of each series, bounded in series count and in time."""

    def __init__(self, max_series: int = 100_000) -> None:
        self.max_series = max_series
        self.data: OrderedDict[Key, dict[dt.datetime, float]] = OrderedDict()

    def __contains__(self, key: Key) -> bool:
        return key in self.data

    def put(self, key: Key, values: dict[dt.datetime, float]) -> None:
        self.data[key] = values
        self.data.move_to_end(key)
        while len(self.data) > self.max_series:
            self.data.popitem(last=False)

    def merge(self, key: Key, new: Iterable[tuple[dt.datetime, float]], keep: dt.timedelta
              ) -> list[tuple[dt.datetime, float]]:
        values = self.data.setdefault(key, {})
        self.data.move_to_end(key)
        values.update(new)
        newest = max(values)
        for t in [t for t in values if t < newest - keep]:
            del values[t]
        return sorted(values.items())

    def clear(self) -> None:
        self.data.clear()


MEMORY = SeriesMemory()


def reset() -> None:
    """Forget cached series and contexts (tests; after bulk corrections)."""
    MEMORY.clear()
    context.reset()


def _keep(ctx: PointContext, kind: str) -> dt.timedelta:
    return ctx.keeps.get(kind, DAY)


# ---- as data is committed --------------------------------------------------------------------------

def on_batch(readings: list[ReadingRow]) -> None:
    if not readings:
        return
    qcfg = quality_settings()
    ctxs = context.contexts({r.point_id for r in readings})
    found: list[tuple[PointContext, Finding]] = []
    stopped_slices = {(r.point_id, r.kind, r.time) for r in readings if r.parameter in FLOW_CODES and r.avg == 0}
    series: dict[Key, list[tuple[dt.datetime, float]]] = defaultdict(list)
    for r in readings:
        ctx = ctxs.get(r.point_id)
        if ctx is None:
            continue
        code, end = r.parameter, r.time + _interval(ctx, r.kind)
        state = rules.flag_state(code, r.time, end, r.flag, r.avg)
        if state is not None:
            found.append((ctx, state))
        flag_ok = flag_validity(r.flag, code, qcfg) is Validity.VALID
        if flag_ok:
            neg = rules.negative(code, r.time, end, r.avg, signed=_watched(code))
            if neg is not None:
                found.append((ctx, neg))
        valid = classify(r.flag, code, r.avg, qcfg) is Validity.VALID
        if r.kind in ("hour", "day"):
            limit = ctx.limit(code)
            if limit is not None:
                value = r.zs_avg if limit.corrected and r.zs_avg is not None else r.avg
                f = rules.exceedance(r.kind, r.time, end, code, value, valid, limit, ctx.policy.rules)
                if f is not None:
                    found.append((ctx, f))
        if valid and r.kind in ("minute", "hour") and _watched(code):
            if r.avg == 0 and (r.point_id, r.kind, r.time) in stopped_slices and code not in FLOW_CODES:
                continue  # zero while the flow is zero: the plant is stopped, not an anomaly
            series[(r.point_id, r.kind, code)].append((r.time, r.avg))  # type: ignore[arg-type]
    found += _series_findings(ctxs, series)
    actions.raise_findings(found)


def _load_history(ctxs: dict[int, PointContext], keys: list[Key], series: dict[Key, list[tuple[dt.datetime, float]]]
                  ) -> None:
    """Put the stored history of series first seen into memory (one query per kind)."""
    qcfg = quality_settings()
    by_kind: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        by_kind[key[1]].append(key)
    for kind, group in by_kind.items():
        lo = min(min(t for t, _ in series[k]) - _keep(ctxs[k[0]], kind) for k in group)
        hi = max(max(t for t, _ in series[k]) for k in group)
        wanted = set(group)
        loaded: dict[Key, dict[dt.datetime, float]] = {k: {} for k in group}
        rows = Reading.objects.filter(point_id__in={k[0] for k in group}, kind=kind,
                                      parameter__in={k[2] for k in group}, time__gte=lo, time__lte=hi)
        for pid, code, t, avg, flag in rows.values_list("point_id", "parameter", "time", "avg", "flag"):
            key = (pid, kind, code)
            if key in wanted and classify(flag, code, avg, qcfg) is Validity.VALID:
                loaded[key][t] = avg
        for key, values in loaded.items():
            MEMORY.put(key, values)


def _series_findings(ctxs: dict[int, PointContext], series: dict[Key, list[tuple[dt.datetime, float]]]
                     ) -> list[tuple[PointContext, Finding]]:
    unseen = [k for k in series if k not in MEMORY]
    if unseen:
        _load_history(ctxs, unseen, series)
    out: list[tuple[PointContext, Finding]] = []
    for key, new in series.items():
        ctx = ctxs[key[0]]
        kind, code = key[1], key[2]
        points = MEMORY.merge(key, new, _keep(ctx, kind))
        interval = _interval(ctx, kind)
        new_from = min(t for t, _ in new)
        cfg = ctx.policy.rules
        # Cheap prechecks (the rules themselves would find nothing otherwise): a run needs a new value equal
        # to the one before it; a drop needs a new value below (1 - share) of the highest one kept.
        repeats = any(points[i][1] == points[i - 1][1] for i in range(1, len(points)) if points[i][0] >= new_from)
        if repeats:
            for f in rules.stuck(code, points, interval=interval, hourly=kind == "hour", new_from=new_from,
                                 cfg=cfg, zeros=is_concentration(code)):
                out.append((ctx, f))
        top = max(v for _, v in points)
        if is_concentration(code) and any(v < (1 - cfg.drop_share) * top for t, v in new):
            limit = ctx.limit(code)
            for f in rules.sudden_drop(code, points, interval=interval, new_from=new_from,
                                       limit=limit.shown if limit else None, cfg=cfg):
                out.append((ctx, f))
    return out


# ---- as aggregates are computed --------------------------------------------------------------------

def _has_data(s: Stats) -> bool:
    return s.valid if s.source == "device" else s.n_valid > 0


def on_periods(info: PointInfo, period: str, rows: list[tuple[dt.datetime, Stats]]) -> None:
    ctx = context.contexts([info.id]).get(info.id)
    if ctx is None or not rows:
        return
    length = HOUR if period == "hour" else DAY
    found: list[tuple[PointContext, Finding]] = []
    hours: dict[dt.datetime, dict[str, Stats]] = defaultdict(dict)
    qcfg = quality_settings()
    for start, s in rows:
        end = start + length
        limit = ctx.limit(s.parameter)
        if limit is not None and s.source == "computed":
            value = s.zs_mean if limit.corrected and s.zs_mean is not None else s.mean
            f = rules.exceedance(period, start, end, s.parameter, value, s.valid, limit, ctx.policy.rules)
            if f is not None:
                found.append((ctx, f))
        elif limit is not None and not limit.corrected:
            # The device sent its own value (judged as it arrived); its minute data are official uploads
            # too, so a valid mean computed from them is judged as well: a device value that hides an
            # exceedance its minute data show must not hide it here.
            need = hour_min_valid(s.n_expected, qcfg) if period == "hour" else qcfg.day_min_valid_hours
            ours = s.mean_fw if s.mean_fw is not None else s.mean_arith
            if s.n_received and s.n_valid >= need and ours is not None:
                f = rules.exceedance(period, start, end, s.parameter, ours, True, limit, ctx.policy.rules)
                if f is not None:
                    f.detail["judged_on"] = "minute data"
                    found.append((ctx, f))
        if s.mismatch:
            found.append((ctx, rules.mismatch(period, start, end, s.parameter, device=s.device_mean,
                                              computed=s.mean_fw if s.mean_fw is not None else s.mean_arith,
                                              cou=s.cou_reported, mass=s.mass_kg)))
        if period == "hour":
            hours[start][s.parameter] = s
    flow_code = info.flow_code
    pollutants = frozenset(c for c in ctx.expected if c != flow_code)
    for start, params in hours.items():
        flow = params.get(flow_code)
        concentrations = {c: (s.mean if _has_data(s) else None) for c, s in params.items() if is_concentration(c)}
        for f in rules.flow_consistency(start, start + HOUR, flow_code,
                                        flow.mean if flow is not None and _has_data(flow) else None,
                                        concentrations, pollutants, flow_code in ctx.expected):
            found.append((ctx, f))
    actions.raise_findings(found)


# ---- on the clock ----------------------------------------------------------------------------------

def _stopped_points(point_ids: set[int], now: dt.datetime) -> set[int]:
    """Points covered now by an approved stop-production declaration."""
    out: set[int] = set()
    declarations = StopDeclaration.objects.filter(status=DeclarationStatus.APPROVED, start__lte=now, end__gt=now)
    from qingyuan.enterprises.models import MonitoringPoint

    for decl in declarations.prefetch_related("points"):
        chosen = {p.pk for p in decl.points.all()}
        if chosen:
            out |= chosen & point_ids
        else:
            out |= set(MonitoringPoint.objects.filter(outlet__enterprise_id=decl.enterprise_id, pk__in=point_ids)
                       .values_list("pk", flat=True))
    return out


def newest_minute(point_id: int) -> dt.datetime | None:
    return (Reading.objects.filter(point_id=point_id, kind="minute").order_by("-time")
            .values_list("time", flat=True).first())


def check_devices(now: dt.datetime | None = None) -> int:
    """Missing data and offline devices of every active point that ever connected; return findings."""
    now = now or timezone.now()
    states = list(DeviceState.objects.filter(point__is_active=True).filter(
        Q(last_seen__isnull=False)).values_list("point_id", "last_seen"))
    if not states:
        return 0
    ctxs = context.contexts({pid for pid, _ in states})
    stopped = _stopped_points(set(ctxs), now)
    found: list[tuple[PointContext, Finding]] = []
    for pid, last_seen in states:
        ctx = ctxs.get(pid)
        if ctx is None or pid in stopped:
            continue
        cfg = ctx.policy.rules
        f = rules.offline(now, last_seen, cfg)
        if f is not None:
            found.append((ctx, f))
        f = rules.missing(now, newest_minute(pid), _interval(ctx, "minute"), cfg)
        if f is not None:
            found.append((ctx, f))
    actions.raise_findings(found, now=now)
    return len(found)


def evaluate(readings: Iterable[Any]) -> None:
    """Evaluate stored ``Reading`` objects (tests, the management command)."""
    on_batch([ReadingRow(r.point_id, r.kind, r.time, r.parameter, r.avg, r.min, r.max, r.cou, r.zs_avg,
                         r.flag or "") for r in readings])
