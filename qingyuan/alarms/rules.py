"""The alarm rules: small pure functions from values to ``Finding``s (table-tested in tests/test_rules.py).

No database, no clock: the engine gathers the inputs and stores what they find.
Every threshold is in ``RuleConfig``; the defaults follow shared/standards/NOTES.md
§6–7, where most numbers are unconfirmed [U], so each park can change them
(``AlarmPolicy``).

=====================  =========================================================  ======================
rule                   finds                                                      default
=====================  =========================================================  ======================
exceedance             valid mean of the limit's basis (hourly / daily) strictly  > limit (equal complies)
                       above the limit (pH: outside the range) [P]
                       after ``consecutive_periods`` such periods in a row        1 (HJ 75-2017, GB 8978)
cannot_judge           a valid mean whose limit needs a condition that the same   any
                       period lacks: no valid O2 for a corrected limit (or O2 ≥
                       ``o2_ceiling``), no water temperature where it decides
exceedance_warning     valid hourly mean above a daily-mean limit [U]             > limit
approaching            valid mean of the basis at or above a share of the limit   80 % [U]
over_range             flag T (suspected exceedance) [1]                          any
fault / maintenance /  flag D / M / C / B                                         any
calibration/comm_error
negative               a concentration or flow below 0 [1]                        any
zero                   a concentration exactly 0 for a while (while the flow is   ≥ 60 min [1]
                       not known to be 0: then the plant is stopped)
constant               the same non-zero value, consecutive records               ≥ 60 min of minute
                                                                                  data (≥ 3 records), or
                                                                                  6 hourly records [U]
sudden_drop            a value more than a share below the highest of the         > 50 % within 60 min,
                       previous window, from a level worth watching               from ≥ 20 % of limit [U]
missing                k expected minute records overdue (after a grace)          k = 1, grace 2 min [1]
offline                no packet at all for N hours                               2 h [1]
conc_no_flow           concentrations > 0 in an hour whose flow is 0 or absent    any [1]
flow_no_conc           flow > 0 in an hour without any expected pollutant data    any [1]
mismatch               device value ≠ computed (or -Cou ≠ mass) beyond tolerance  10 % [U]
=====================  =========================================================  ======================
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from qingyuan.alarms.choices import AlarmKind as K

FLAG_KINDS = {"D": K.FAULT, "M": K.MAINTENANCE, "C": K.CALIBRATION, "B": K.COMM_ERROR, "T": K.OVER_RANGE}


@dataclass(frozen=True)
class RuleConfig:
    approach_share: float = 0.8
    constant_minutes: int = 60
    constant_min_records: int = 3
    constant_hour_records: int = 6
    zero_minutes: int = 60
    drop_share: float = 0.5
    drop_window_minutes: int = 60
    drop_floor_share: float = 0.2
    missing_intervals: int = 1
    missing_grace_minutes: int = 2
    offline_hours: float = 2.0
    consecutive_periods: int = 1  # periods on the limit's basis in a row before an exceedance alarm
    o2_ceiling: float = 19.0  # measured O2 (%) from which the correction is not applied [U] (docs)


@dataclass(frozen=True)
class LimitRule:
    """The limit a parameter of a point is judged against."""

    basis: str  # "hourly_mean" or "daily_mean"
    value: float | None = None  # upper limit ("le")
    low: float | None = None  # range limits (pH 6–9)
    high: float | None = None
    unit: str = ""
    corrected: bool = False  # judge the O2-corrected (Zs) value
    source: str = "permit"  # "permit" or the standard's code
    reference_o2: float | None = None  # the reference O2 (%) of a corrected limit, when known
    variant: str = ""  # the limit variant this value is (LimitVariant), "" for the plain value
    cold_value: float | None = None  # GB 18918 (bracketed value): the limit when the water is at or below 12 °C

    def exceeded(self, mean: float) -> bool:
        if self.value is not None:
            return mean > self.value
        if self.low is not None and self.high is not None:
            return mean < self.low or mean > self.high
        return False

    @property
    def shown(self) -> float | None:
        return self.value if self.value is not None else self.high


@dataclass(frozen=True)
class Finding:
    kind: str
    parameter: str
    start: dt.datetime
    end: dt.datetime
    value: float | None = None  # the rule's measure at its worst (see PEAK_LOWER)
    limit: float | None = None  # the limit or threshold compared with
    detail: dict[str, Any] = field(default_factory=dict, compare=False)


O2 = "a19001"
WATER_TEMPERATURE = "w01010"
COLD_WATER_C = 12.0  # GB 18918-2002 表1 note: bracketed values apply at a water temperature ≤ 12 °C
COLD_VARIANT = "water_temp_12c"
WARM_VARIANT = "water_temp_above_12c"


@dataclass(frozen=True)
class Conditions:
    """The same period's readings a judgement may need (None: no valid reading)."""

    o2: float | None = None
    water_temperature: float | None = None


def o2_corrected(measured: float, o2: float, reference: float) -> float:
    """C × (21 − O2ref) / (21 − O2) (HJ 75-2017 / GB 13271-2014 折算浓度; HJ 212-2017 D.2)."""
    return measured * (21.0 - reference) / (21.0 - o2)


# Kinds whose peak is the lowest value seen (all others: the highest).
PEAK_LOWER = frozenset({K.NEGATIVE})


# ---- limits ---------------------------------------------------------------------------------------

def exceedance(period: str, start: dt.datetime, end: dt.datetime, code: str, mean: float | None, valid: bool,
               limit: LimitRule | None, cfg: RuleConfig, *, detail: dict[str, Any] | None = None) -> Finding | None:
    """A valid hourly (``period`` "hour") or daily ("day") mean against ``limit``.

    Invalid data are never used for exceedance (标记规则). Exceedance is strictly
    above (民法典 Art. 1259: a value equal to the limit complies). ``detail``: what the
    judgement used (O2, variant), recorded on the finding.
    """
    if not valid or mean is None or limit is None:
        return None
    on_basis = (period == "hour" and limit.basis == "hourly_mean") or (
        period == "day" and limit.basis == "daily_mean")
    detail = {"period": period, "basis": limit.basis, "source": limit.source, "unit": limit.unit,
              "corrected": limit.corrected, **(detail or {})}
    if limit.variant and "variant" not in detail:
        detail["variant"] = limit.variant
    if limit.exceeded(mean):
        if on_basis:
            detail["multiple"] = round((mean - limit.value) / limit.value, 4) if limit.value else None
            return Finding(K.EXCEEDANCE, code, start, end, mean, limit.shown, detail)
        if period == "hour" and limit.basis == "daily_mean":
            return Finding(K.EXCEEDANCE_WARNING, code, start, end, mean, limit.shown, detail)
        return None
    if on_basis and limit.value is not None and mean >= cfg.approach_share * limit.value:
        detail["share"] = cfg.approach_share
        return Finding(K.APPROACHING, code, start, end, mean, limit.value, detail)
    return None


def judge(period: str, start: dt.datetime, end: dt.datetime, code: str, measured: float | None, zs: float | None,
          valid: bool, limit: LimitRule | None, cfg: RuleConfig, when: Conditions = Conditions()
          ) -> Finding | None:
    """``exceedance`` of the value the limit is judged on, or ``cannot_judge`` when the period lacks what decides it.

    * A corrected limit (a reference O2) is judged on the device's Zs value when sent; else on
      ``o2_corrected`` from the same period's valid O2; with no valid O2, or O2 at or above
      ``cfg.o2_ceiling``, the period cannot be judged and the raw value is never judged.
    * A limit with a cold-water value (GB 18918: water temperature ≤ 12 °C) is judged by the variant the
      same period's water temperature puts in force; without a temperature, a value that complies with both
      (or exceeds both) is judged, one in between cannot be.
    """
    if not valid or measured is None or limit is None:
        return None
    detail: dict[str, Any] = {}
    value = measured
    if limit.corrected:
        if limit.reference_o2 is not None:
            detail["o2_reference"] = limit.reference_o2
        if zs is not None:
            value = zs
            detail["corrected_by"] = "device"
        elif limit.reference_o2 is None:
            return cannot_judge(period, start, end, code, measured, limit, "no_reference_o2", detail)
        elif when.o2 is None:
            return cannot_judge(period, start, end, code, measured, limit, "no_o2", detail)
        elif when.o2 >= cfg.o2_ceiling:
            detail["o2"] = when.o2
            return cannot_judge(period, start, end, code, measured, limit, "o2_near_air", detail)
        else:
            value = round(o2_corrected(measured, when.o2, limit.reference_o2), 6)
            detail.update(o2=when.o2, measured=measured, corrected_by="platform")
    if limit.cold_value is not None and limit.value is not None:
        cold = replace(limit, value=limit.cold_value, variant=COLD_VARIANT, cold_value=None)
        if when.water_temperature is not None:
            detail["water_temperature"] = when.water_temperature
            if when.water_temperature <= COLD_WATER_C:
                limit = cold
            else:
                detail["variant"] = WARM_VARIANT
        elif limit.exceeded(value) and not cold.exceeded(value):
            return cannot_judge(period, start, end, code, value, limit, "no_water_temperature", detail)
    return exceedance(period, start, end, code, value, True, limit, cfg, detail=detail)


def cannot_judge(period: str, start: dt.datetime, end: dt.datetime, code: str, value: float | None,
                 limit: LimitRule, reason: str, detail: dict[str, Any]) -> Finding | None:
    """A data-quality finding: the period's value exists and is valid, but what decides its judgement does not.
    Only on the limit's own basis (an hourly value under a daily limit is not a judgement)."""
    on_basis = (period == "hour" and limit.basis == "hourly_mean") or (
        period == "day" and limit.basis == "daily_mean")
    if not on_basis:
        return None
    return Finding(K.CANNOT_JUDGE, code, start, end, value, limit.shown,
                   {"period": period, "basis": limit.basis, "source": limit.source, "unit": limit.unit,
                    "reason": reason, **detail})


def quiet_band(period: str, limit: LimitRule, cfg: RuleConfig) -> tuple[float, float]:
    """(floor, ceiling): ``exceedance`` finds nothing in a valid ``period`` mean in [floor, ceiling).

    A shortcut for the engine, not a rule: a value outside the band is judged by ``exceedance``
    itself. The band stops short of the limit (and of the approach share) since equal complies.
    """
    on_basis = (period == "hour" and limit.basis == "hourly_mean") or (
        period == "day" and limit.basis == "daily_mean")
    judged = on_basis or (period == "hour" and limit.basis == "daily_mean")
    floor, ceiling = -math.inf, math.inf
    if limit.value is not None:
        if judged:
            ceiling = limit.value
        if on_basis:
            ceiling = min(ceiling, cfg.approach_share * limit.value)
    elif limit.low is not None and limit.high is not None and judged:
        floor, ceiling = limit.low, limit.high
    return floor, ceiling


# ---- one record -----------------------------------------------------------------------------------

def flag_state(code: str, start: dt.datetime, end: dt.datetime, flag: str, value: float | None) -> Finding | None:
    """Instrument states D, M, C, B, and over range T."""
    kind = FLAG_KINDS.get((flag or "").strip().upper())
    if kind is None:
        return None
    return Finding(kind, code, start, end, value, None, {"flag": flag})


def negative(code: str, start: dt.datetime, end: dt.datetime, value: float | None, *, signed: bool
             ) -> Finding | None:
    """A concentration or flow below zero (``signed``: the code is one where that is impossible)."""
    if signed and value is not None and value < 0:
        return Finding(K.NEGATIVE, code, start, end, value, 0.0)
    return None


# ---- a series of one parameter --------------------------------------------------------------------

def _runs(points: Sequence[tuple[dt.datetime, float]], interval: dt.timedelta
          ) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal values without a gap in time."""
    runs: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(points) + 1):
        ended = i == len(points) or points[i][1] != points[i - 1][1] \
            or points[i][0] - points[i - 1][0] > interval * 1.5
        if ended:
            runs.append((first, i - 1))
            first = i
    return runs


def stuck(code: str, points: Sequence[tuple[dt.datetime, float]], *, interval: dt.timedelta, hourly: bool,
          new_from: dt.datetime, cfg: RuleConfig, zeros: bool = True) -> list[Finding]:
    """Constant (same non-zero value) and zero runs that qualify and reach ``new_from`` or later.

    ``points``: valid (time, value) in time order; ``interval`` between records. ``zeros``: whether
    a run of zeros is an anomaly (concentrations; not flows, where 0 means the discharge stopped).
    """
    out = []
    for a, b in _runs(points, interval):
        end = points[b][0] + interval
        if end <= new_from:
            continue
        count, span = b - a + 1, end - points[a][0]
        value = points[a][1]
        detail = {"records": count, "minutes": int(span.total_seconds() // 60)}
        if value == 0:
            if zeros and span >= dt.timedelta(minutes=cfg.zero_minutes):
                out.append(Finding(K.ZERO, code, points[a][0], end, 0.0, None, detail))
        elif (count >= cfg.constant_hour_records if hourly else
              count >= cfg.constant_min_records and span >= dt.timedelta(minutes=cfg.constant_minutes)):
            out.append(Finding(K.CONSTANT, code, points[a][0], end, value, None, detail))
    return out


def sudden_drop(code: str, points: Sequence[tuple[dt.datetime, float]], *, interval: dt.timedelta,
                new_from: dt.datetime, limit: float | None, cfg: RuleConfig) -> list[Finding]:
    """Each new value more than ``drop_share`` below the highest value of the window before it."""
    window = dt.timedelta(minutes=cfg.drop_window_minutes)
    floor = cfg.drop_floor_share * limit if limit else 0.0
    out = []
    for i, (t, v) in enumerate(points):
        if t < new_from:
            continue
        before = [(pt, pv) for pt, pv in points[:i] if t - window <= pt < t]
        if not before:
            continue
        top_t, top = max(before, key=lambda p: p[1])
        if top <= 0 or top < floor:
            continue
        share = (top - v) / top
        if share > cfg.drop_share:
            out.append(Finding(K.SUDDEN_DROP, code, top_t, t + interval, round(share * 100, 2),
                               round(cfg.drop_share * 100, 2), {"from": top, "to": v}))
    return out


# ---- an hour of a point -----------------------------------------------------------------------------

def flow_consistency(start: dt.datetime, end: dt.datetime, flow_code: str, flow: float | None,
                     concentrations: Mapping[str, float | None], expected: frozenset[str],
                     flow_expected: bool) -> list[Finding]:
    """An hour's flow against its concentrations.

    ``flow``: the hour's valid mean flow (None: no valid flow data); ``concentrations``:
    each pollutant's valid mean (None: no data); ``expected``: the pollutants the point
    must deliver; ``flow_expected``: whether it must deliver a flow.
    """
    out = []
    present = {c: v for c, v in concentrations.items() if v is not None}
    if any(v > 0 for v in present.values()) and (flow == 0 or (flow is None and flow_expected)):
        out.append(Finding(K.CONC_NO_FLOW, flow_code, start, end, flow, None,
                           {"pollutants": sorted(c for c, v in present.items() if v > 0)}))
    if flow is not None and flow > 0 and expected and not (expected & set(present)):
        out.append(Finding(K.FLOW_NO_CONC, flow_code, start, end, flow, None, {"expected": sorted(expected)}))
    return out


# ---- the clock -------------------------------------------------------------------------------------

def missing(now: dt.datetime, last_data: dt.datetime | None, interval: dt.timedelta, cfg: RuleConfig
            ) -> Finding | None:
    """At least ``missing_intervals`` records overdue: the record after ``last_data`` is due at
    ``last_data + 2 × interval`` (its slice must end first), plus the grace."""
    if last_data is None:
        return None
    elapsed = now - dt.timedelta(minutes=cfg.missing_grace_minutes) - last_data
    overdue = math.ceil(elapsed / interval) - 2  # record k is due at last + (k + 1) × interval
    if overdue < cfg.missing_intervals:
        return None
    gap_start = last_data + interval
    return Finding(K.MISSING, "", gap_start, now, round((now - gap_start).total_seconds() / 60, 1),
                   float(cfg.missing_intervals * interval.total_seconds() / 60), {"records": overdue})


def offline(now: dt.datetime, last_seen: dt.datetime | None, cfg: RuleConfig) -> Finding | None:
    """No packet for more than ``offline_hours``."""
    if last_seen is None or now - last_seen <= dt.timedelta(hours=cfg.offline_hours):
        return None
    return Finding(K.OFFLINE, "", last_seen, now, round((now - last_seen).total_seconds() / 3600, 2),
                   cfg.offline_hours)


def mismatch(period: str, start: dt.datetime, end: dt.datetime, code: str, *, device: float | None,
             computed: float | None, cou: float | None, mass: float | None) -> Finding:
    """The aggregates marked a row ``mismatch``; the finding carries both pairs of numbers."""
    return Finding(K.MISMATCH, code, start, end, device, None,
                   {"period": period, "device": device, "computed": computed, "cou_kg": cou, "mass_kg": mass})
