"""Evaluating the rules: as data is committed, as aggregates are computed, and on the clock.

* ``on_batch(readings)`` — a batch listener of ``qingyuan.quality.queue``: runs right
  after an ingest batch commits, in the committing thread, on the readings it wrote
  (already in memory). Per record: flags (D/M/C/B/T), negatives, and exceedance of
  the device's own hourly and daily values. Per series (point, kind, parameter):
  constant and zero runs and sudden drops, over a short history kept in memory
  (``series.SeriesMemory``; read from the database once when a series is first seen).
  Plain records (flag N, a value above 0 within the limits) take a fast path, and
  the series rules run only where a finding is possible (``batch_findings``).
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
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from django.db.models import Q
from django.utils import timezone

from qingyuan.alarms import actions, context, rules
from qingyuan.alarms.choices import AlarmKind as K
from qingyuan.alarms.context import PointContext
from qingyuan.alarms.rules import Finding
from qingyuan.alarms.series import Key, Point, SeriesMemory
from qingyuan.alarms.series import evaluate as series_findings
from qingyuan.monitoring import store
from qingyuan.monitoring.models import DeviceState, Reading
from qingyuan.quality.aggregate import Stats
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.conf import QualitySettings, quality_settings
from qingyuan.quality.models import DailyValue, HourlyValue, StopDeclaration
from qingyuan.quality.points import PointInfo
from qingyuan.quality.queue import ReadingRow
from qingyuan.quality.validity import (
    FLOW_CODES,
    Validity,
    classify,
    day_min_valid,
    flag_validity,
    hour_min_valid,
    is_concentration,
)

log = logging.getLogger("qingyuan.alarms")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
INF = math.inf
SERIES_KINDS = ("minute", "hour")
Row = Sequence[Any]  # a reading in ReadingRow's field order (a ReadingRow or a plain tuple)
_POINT, _AVG = itemgetter(0), itemgetter(4)


def _interval(ctx: PointContext, kind: str) -> dt.timedelta:
    return ctx.intervals.get(kind, DAY)


def _watched(code: str) -> bool:
    """Series rules (constant, zero, sudden drop) watch concentrations and flows."""
    return code in FLOW_CODES or is_concentration(code)


MEMORY = SeriesMemory()


def reset() -> None:
    """Forget cached series and contexts (tests; after bulk corrections)."""
    MEMORY.clear()
    context.reset()


# ---- as data is committed --------------------------------------------------------------------------

def on_batch(readings: Sequence[Row]) -> None:
    """The batch listener: judge the committed readings and store what they show."""
    if readings:
        actions.raise_findings(batch_findings(readings))


def batch_findings(readings: Sequence[Row], *, memory: SeriesMemory | None = None, fast: bool = True
                   ) -> list[tuple[PointContext, Finding]]:
    """What a batch of readings shows, record by record and series by series (``memory`` is updated).

    The fast path (the default) judges a *plain* record — its flag valid as such (N, or none when
    ``empty_flag_valid``), a finite value above 0, and for a limited hourly or daily value one inside the
    limit's quiet band (``PointContext.plan``, ``rules.quiet_band``) — with one dict lookup: such a record raises nothing by itself
    and, when its series is watched, only joins the series. Every other record goes through the full rules
    (``_judge_record``), in order. ``fast=False`` judges every record and series in full: the reference the
    tests compare the fast path with.
    """
    memory = MEMORY if memory is None else memory
    qcfg = quality_settings()
    ctxs = context.contexts(set(map(_POINT, readings)))
    # A concentration of 0 while the flow of the same slice is 0: the plant is stopped, not an anomaly.
    stopped = _stopped_slices(readings) if 0 in map(_AVG, readings) else frozenset()
    found: list[tuple[PointContext, Finding]] = []
    series: dict[Key, list[Point]] = {}
    conditions = BatchConditions(readings, qcfg)
    if not fast:
        for r in readings:
            point = ctxs.get(r[0])
            if point is not None:
                _judge_record(point, r, qcfg, stopped, series, found, conditions)
        return found + series_findings(ctxs, series, memory, fast=False)
    plain = frozenset({"N", ""}) if qcfg.empty_flag_valid else frozenset({"N"})
    last: object = None
    ctx: PointContext | None = None
    for r in readings:
        pid, kind, t, code, v, _, _, _, zs, flag = r
        if pid != last:
            last, ctx = pid, ctxs.get(pid)
        if ctx is None:
            continue
        plan = ctx.plans.get((kind, code)) or ctx.plan(kind, code)
        if flag in plain and type(v) is float and 0.0 < v < INF:
            if plan.limited:
                if plan.corrected and zs is None:  # corrected from the period's O2 (or cannot be judged)
                    _judge_record(ctx, r, qcfg, stopped, series, found, conditions)
                    continue
                judged = zs if plan.corrected else v
                if not plan.floor <= judged < plan.ceiling:
                    _judge_record(ctx, r, qcfg, stopped, series, found, conditions)
                    continue
            if plan.watched:
                key = (pid, kind, code)
                new = series.get(key)
                if new is None:
                    series[key] = [(t, v)]
                else:
                    new.append((t, v))
            continue
        _judge_record(ctx, r, qcfg, stopped, series, found, conditions)
    if series:
        found += series_findings(ctxs, series, memory)
    return found


def _stopped_slices(readings: Sequence[Row]) -> set[tuple[int, str, dt.datetime]]:
    return {(r[0], r[1], r[2]) for r in readings if r[4] == 0 and r[3] in FLOW_CODES}


class BatchConditions:
    """The O2 and water temperature of a record's period: from the batch itself (the same packet usually
    carries them), else from the stored readings and values of that period (read only when needed)."""

    def __init__(self, readings: Sequence[Row], qcfg: QualitySettings) -> None:
        self.readings, self.qcfg = readings, qcfg
        self.index: dict[tuple[int, str, dt.datetime, str], float | None] | None = None

    def get(self, pid: int, kind: str, t: dt.datetime, limit: rules.LimitRule, zs: float | None) -> rules.Conditions:
        wanted = []
        if limit.corrected and zs is None and limit.reference_o2 is not None:
            wanted.append(rules.O2)
        if limit.cold_value is not None:
            wanted.append(rules.WATER_TEMPERATURE)
        if not wanted:
            return rules.Conditions()
        if self.index is None:
            self.index = {(r[0], r[1], r[2], r[3]): (r[4] if classify(r[9] or "", r[3], r[4], self.qcfg)
                                                      is Validity.VALID else None)
                          for r in self.readings if r[3] in (rules.O2, rules.WATER_TEMPERATURE)}
        found = {c: self.index[(pid, kind, t, c)] for c in wanted if (pid, kind, t, c) in self.index}
        missing = [c for c in wanted if c not in found]
        if missing:
            found.update(stored_conditions(pid, kind, t, missing, self.qcfg))
        return rules.Conditions(o2=found.get(rules.O2), water_temperature=found.get(rules.WATER_TEMPERATURE))


def stored_conditions(pid: int, kind: str, t: dt.datetime, codes: Sequence[str], qcfg: QualitySettings
                      ) -> dict[str, float | None]:
    """The valid stored value of each of ``codes`` for the period (``kind`` "hour"/"day") starting at ``t``:
    the device's own value, else the value computed from minute data."""
    out: dict[str, float | None] = {}
    for code, avg, flag in Reading.objects.filter(point_id=pid, kind=kind, time=t, parameter__in=codes).values_list(
            "parameter", "avg", "flag"):
        if avg is not None and classify(flag or "", code, avg, qcfg) is Validity.VALID:
            out[code] = avg
    rest = [c for c in codes if c not in out]
    if rest:
        model = HourlyValue if kind == "hour" else DailyValue
        for code, mean in model.objects.filter(point_id=pid, start=t, parameter__in=rest, valid=True).values_list(
                "parameter", "mean"):
            if mean is not None:
                out[code] = mean
    return out


def _consecutive(ctx: PointContext, period: str, t: dt.datetime, code: str, limit: rules.LimitRule,
                 f: Finding | None) -> Finding | None:
    """An exceedance stands when the ``consecutive_periods - 1`` periods before it exceeded too (the policy's
    rule 10; the default 1 needs no look back)."""
    need = ctx.policy.rules.consecutive_periods
    if f is None or f.kind != K.EXCEEDANCE or need <= 1:
        return f
    length = HOUR if period == "hour" else DAY
    qcfg = quality_settings()
    for k in range(1, need):
        start = t - k * length
        judged = _stored_judgement(ctx, period, start, code, limit, qcfg)
        if judged is None or judged.kind != K.EXCEEDANCE:
            return None
    f.detail["consecutive"] = need
    return f


def _stored_judgement(ctx: PointContext, period: str, start: dt.datetime, code: str, limit: rules.LimitRule,
                      qcfg: QualitySettings) -> Finding | None:
    """The judgement of a stored period (the device's value, else the computed one)."""
    end = start + (HOUR if period == "hour" else DAY)
    row = Reading.objects.filter(point_id=ctx.info.id, kind=period, time=start, parameter=code).values_list(
        "avg", "zs_avg", "flag").first()
    if row is not None:
        avg, zs, flag = row
        valid = avg is not None and classify(flag or "", code, avg, qcfg) is Validity.VALID
    else:
        model = HourlyValue if period == "hour" else DailyValue
        stored = model.objects.filter(point_id=ctx.info.id, start=start, parameter=code).values_list(
            "mean", "zs_mean", "valid").first()
        if stored is None:
            return None
        avg, zs, valid = stored
    when = BatchConditions((), qcfg).get(ctx.info.id, period, start, limit, zs)
    return rules.judge(period, start, end, code, avg, zs, valid, limit, ctx.policy.rules, when)


def _judge_record(ctx: PointContext, r: Row, qcfg: QualitySettings, stopped: Iterable[tuple[int, str, dt.datetime]],
                  series: dict[Key, list[Point]], found: list[tuple[PointContext, Finding]],
                  conditions: BatchConditions | None = None) -> None:
    """All the rules of one record: its flag state, a negative value, the exceedance of a device hourly or
    daily value; a valid value of a watched code joins its series."""
    pid, kind, t, code, avg, _, _, _, zs, flag = r
    flag = flag or ""
    end = t + _interval(ctx, kind)
    state = rules.flag_state(code, t, end, flag, avg)
    if state is not None:
        found.append((ctx, state))
    if flag_validity(flag, code, qcfg) is Validity.VALID:
        neg = rules.negative(code, t, end, avg, signed=_watched(code))
        if neg is not None:
            found.append((ctx, neg))
    valid = classify(flag, code, avg, qcfg) is Validity.VALID
    if kind in ("hour", "day"):
        limit = ctx.limit(code)
        if limit is not None:
            when = (conditions or BatchConditions((), qcfg)).get(pid, kind, t, limit, zs)
            f = _consecutive(ctx, kind, t, code, limit,
                             rules.judge(kind, t, end, code, avg, zs, valid, limit, ctx.policy.rules, when))
            if f is not None:
                found.append((ctx, f))
    if valid and kind in SERIES_KINDS and _watched(code):
        if avg == 0 and (pid, kind, t) in stopped and code not in FLOW_CODES:
            return  # zero while the flow is zero: the plant is stopped, not an anomaly
        series.setdefault((pid, kind, code), []).append((t, avg))


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
    kind = "hour" if period == "hour" else "day"
    present = {(start, s.parameter): (s.mean if s.valid else None) for start, s in rows
               if s.parameter in (rules.O2, rules.WATER_TEMPERATURE)}
    for start, s in rows:
        end = start + length
        limit = ctx.limit(s.parameter)
        when = _period_conditions(info.id, kind, start, limit, present, qcfg) if limit is not None else None
        if limit is not None and s.source == "computed":
            f = _consecutive(ctx, kind, start, s.parameter, limit,
                             rules.judge(period, start, end, s.parameter, s.mean, s.zs_mean, s.valid, limit,
                                         ctx.policy.rules, when or rules.Conditions()))
            if f is not None:
                found.append((ctx, f))
        elif limit is not None and not limit.corrected:
            # The device sent its own value (judged as it arrived); its minute data are official uploads
            # too, so a valid mean computed from them is judged as well: a device value that hides an
            # exceedance its minute data show must not hide it here.
            need = (hour_min_valid(s.n_expected, qcfg) if period == "hour"
                    else day_min_valid(s.n_expected, info.medium == "water", qcfg))  # a cycled analyser's day
            ours = s.mean_fw if s.mean_fw is not None else s.mean_arith
            if s.n_received and s.n_valid >= need and ours is not None:
                f = _consecutive(ctx, kind, start, s.parameter, limit,
                                 rules.judge(period, start, end, s.parameter, ours, None, True, limit,
                                             ctx.policy.rules, when or rules.Conditions()))
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


def _period_conditions(pid: int, kind: str, start: dt.datetime, limit: rules.LimitRule,
                       present: dict[tuple[dt.datetime, str], float | None], qcfg: QualitySettings) -> rules.Conditions:
    """The period's O2 and water temperature: from the rows computed with it, else stored."""
    wanted = ([rules.O2] if limit.corrected and limit.reference_o2 is not None else []) + (
        [rules.WATER_TEMPERATURE] if limit.cold_value is not None else [])
    if not wanted:
        return rules.Conditions()
    found = {c: present[(start, c)] for c in wanted if (start, c) in present}
    missing = [c for c in wanted if c not in found]
    if missing:
        found.update(stored_conditions(pid, kind, start, missing, qcfg))
    return rules.Conditions(o2=found.get(rules.O2), water_temperature=found.get(rules.WATER_TEMPERATURE))


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
    return store.newest_time(point_id, "minute")  # narrow or compacted (a device silent for days)


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
