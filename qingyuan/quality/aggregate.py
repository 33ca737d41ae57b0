"""Hourly, daily and monthly values from the records below them: pure functions (HJ 212-2017 App. D).

* ``from_samples``: one parameter's minute records of one hour, plus the volume
  of each time slice (from the flow parameter) → a ``Stats``.
* ``from_parts``: one parameter's hourly ``Stats`` of a day (or daily ones of a
  month) → a ``Stats``.
* ``with_device``: the value the device sent for the period (2061 hourly, 2031
  daily) combined with the computed one: the device's value is the record, ours
  is compared, and a difference beyond the tolerance marks ``mismatch``.

Means (NOTES §2.3): flow-weighted ``C = Σ Cᵢ·Dᵢ / Σ Dᵢ`` over the valid slices that
have a volume (``mean_fw``), arithmetic ``Σ Cᵢ / n`` over the valid slices
(``mean_arith``). ``mean`` — the value for compliance and loads — is the device's
value when it sent one, else the flow-weighted mean, else the arithmetic one.

Mass is additive: an hour's ``mass_kg`` is Σ Cᵢ·Dᵢ·k over its valid slices (or the
device's valid hourly mean × the hour's volume when the minute data do not make a
valid hour); a day's is the sum of its hours', a month's the sum of its days'.
Invalid data contribute no mass (no HJ 75 substitution; see the docs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from qingyuan.quality.conf import QualitySettings
from qingyuan.quality.validity import FLOW_CODES, Validity, classify, flag_validity, is_concentration, signed
from qingyuan.standards.codes import pollutant
from qingyuan.standards.units import GAS, LIQUID, unit_info

_MASS_DIVISOR = {LIQUID: 1000.0, GAS: 1e6}  # mg/L × m³ = g; mg/m³ × m³ = mg
_TOTALS_TO_KG = {"kg": 1.0, "g": 1e-3, "mg": 1e-6, "t": 1000.0, "m3": 1.0, "m³": 1.0}


class Sample(NamedTuple):
    """One record of one parameter: a minute (2051), hourly (2061) or daily (2031) upload.

    A plain tuple, so the rows fetched from the readings table (in this column order) are used as they are.
    """

    time: Any  # the slice key: comparable, equal for all parameters of one upload
    avg: float | None
    min: float | None = None
    max: float | None = None
    cou: float | None = None
    zs: float | None = None
    flag: str = ""
    parameter: str = ""


@dataclass(slots=True)
class Stats:
    """A value row before it is stored (the fields of ``models.ValueRow``)."""

    parameter: str
    unit: str
    source: str
    valid: bool
    n_expected: int
    n_received: int
    n_valid: int
    mean: float | None = None
    mean_arith: float | None = None
    mean_fw: float | None = None
    zs_mean: float | None = None
    min: float | None = None
    max: float | None = None
    volume_m3: float | None = None
    mass_kg: float | None = None
    cou_reported: float | None = None
    device_mean: float | None = None
    mismatch: bool = False
    flags: str = ""


# ---- validity, fast ----------------------------------------------------------------------------

_INF = float("inf")


@cache
def _flag_ok(code: str, cfg: QualitySettings) -> dict[str, bool]:
    return {}


def value_ok(code: str, flag: str, value: float | None, cfg: QualitySettings) -> bool:
    """``classify(...) is VALID``, with the flag's verdict cached per code: the aggregation's inner loop."""
    table = _flag_ok(code, cfg)
    ok = table.get(flag)
    if ok is None:
        ok = table[flag] = flag_validity(flag, code, cfg) is Validity.VALID
    if not ok or value is None or value != value or value == _INF or value == -_INF:
        return False
    return not (value < 0 and cfg.negative_invalid and signed(code))


# ---- units --------------------------------------------------------------------------------------

@cache
def unit_of(code: str) -> str:
    found = pollutant(code)
    return found.default_unit if found else ""


@cache
def mass_factor(code: str) -> float | None:
    """kg per (value in the code's default unit × m³): 1e-3 for mg/L, 1e-6 for mg/m³; None if not a mass."""
    found = pollutant(code)
    info = unit_info(found.default_unit) if found else None
    if info is None or info.family not in _MASS_DIVISOR:
        return None
    return float(info.to_base) / _MASS_DIVISOR[info.family]


@cache
def totals_factor(code: str) -> float | None:
    """Factor from the code's -Cou unit (kg, g, m³ ...) to kg (pollutants) or m³ (flows)."""
    found = pollutant(code)
    if found is None or not found.totals_unit:
        return None
    return _TOTALS_TO_KG.get(found.totals_unit.strip().lower())


@cache
def flow_to_m3_per_s(code: str) -> float | None:
    """m³/s per unit of a flow code's value: 0.001 for L/s (water), 1 for m³/s (gas)."""
    info = unit_info(unit_of(code))
    if info is None or info.family != "volume_flow":
        return None
    return float(info.to_base) / 1000.0  # the family's base unit is L/s


def slice_volume(code: str, flow: Sample, seconds: float, cfg: QualitySettings) -> float | None:
    """Volume (m³) of one time slice from its flow record: the -Cou total if sent, else mean × duration.

    None when the flow value is not valid (its slice has no known volume).
    """
    if not value_ok(code, flow.flag, flow.avg, cfg):
        return None
    if flow.cou is not None and math.isfinite(flow.cou) and flow.cou >= 0:
        factor = totals_factor(code)
        return flow.cou * (factor if factor is not None else 1.0)
    per = flow_to_m3_per_s(code)
    if per is None or flow.avg is None:
        return None
    return flow.avg * per * seconds


def slice_volumes(code: str, rows: Iterable[Sequence[Any]], seconds: float, cfg: QualitySettings
                  ) -> dict[Any, float | None]:
    """``slice_volume`` of many flow records (``Sample`` tuples): slice → m³ or None; the flag's verdict looked
    up once per flag."""
    factor = totals_factor(code)
    factor = 1.0 if factor is None else factor
    per = flow_to_m3_per_s(code)
    per_slice = per * seconds if per is not None else None
    negative_invalid = cfg.negative_invalid and signed(code)
    table = _flag_ok(code, cfg)
    out: dict[Any, float | None] = {}
    for t, avg, _low, _high, cou, _zs, flag, _code in rows:
        ok = table.get(flag)
        if ok is None:
            ok = table[flag] = flag_validity(flag, code, cfg) is Validity.VALID
        if not ok or avg is None or not -_INF < avg < _INF or (avg < 0 and negative_invalid):
            out[t] = None
        elif cou is not None and 0 <= cou < _INF:
            out[t] = cou * factor
        else:
            out[t] = avg * per_slice if per_slice is not None else None
    return out


# ---- one period from its records ----------------------------------------------------------------

class Group(NamedTuple):
    """Minute records of one parameter in one period that the validity rules cannot tell apart, summed.

    The key (``flag`` upper-cased, ``sign`` and ``volume_class``) holds everything the rules look at; the
    sums hold everything the means, extremes, volumes and masses need. ``group_samples`` builds groups in
    Python; ``compute`` lets the database build them (one GROUP BY), and both go through ``from_groups``.
    """

    flag: str
    sign: int  # 0: a finite value ≥ 0; 1: a finite value < 0; 2: no value, or not finite
    volume_class: int  # 0: the slice's volume is unknown; 1: it is 0 (no flow); 2: it is > 0
    count: int
    total: float | None  # Σ avg
    low: float | None  # min of (min, else avg)
    high: float | None  # max of (max, else avg)
    zs_total: float | None
    zs_count: int
    volume: float | None  # Σ slice volume (m³)
    weighted: float | None  # Σ avg × slice volume
    cou_total: float | None
    cou_count: int


def _sign(value: float | None) -> int:
    if value is None or value != value or value == _INF or value == -_INF:
        return 2
    return 1 if value < 0 else 0


def group_samples(samples: Iterable[Sample], volumes: Mapping[Any, float | None]) -> list[Group]:
    """Python's version of the database's GROUP BY (``compute._GROUPS``)."""
    acc: dict[tuple[str, int, int], list[Any]] = {}
    for t, avg, low, high, cou, zs, flag, _code in samples:
        vol = volumes.get(t)
        sign = _sign(avg)
        key = ((flag or "").strip().upper(), sign, 0 if vol is None else 1 if vol == 0 else 2)
        g = acc.get(key)
        if g is None:
            g = acc[key] = [0, None, None, None, None, 0, None, None, None, 0]
        g[0] += 1
        if vol is not None:
            g[6] = vol if g[6] is None else g[6] + vol
        if sign != 2:
            g[1] = avg if g[1] is None else g[1] + avg
            low = avg if low is None else low
            high = avg if high is None else high
            g[2] = low if g[2] is None or low < g[2] else g[2]
            g[3] = high if g[3] is None or high > g[3] else g[3]
            if vol is not None:
                g[7] = avg * vol if g[7] is None else g[7] + avg * vol
        if zs is not None:
            g[4] = zs if g[4] is None else g[4] + zs
            g[5] += 1
        if cou is not None:
            g[8] = cou if g[8] is None else g[8] + cou
            g[9] += 1
    return [Group(*k, *v) for k, v in sorted(acc.items())]


def group_hours(rows: Iterable[Sequence[Any]], hour_key: Callable[[Any], Any], wanted: Container[Any], flow: str,
                volume: Callable[[list[Sequence[Any]]], Mapping[Any, float | None]]) -> list[tuple[Any, ...]]:
    """``group_samples`` for many hours and parameters in one pass: (hour, parameter, raw flag, sign,
    volume class, sums...) — the rows the database's GROUP BY gives (``compute._minute_group_rows``).

    ``rows``: minute records as ``Sample`` tuples, in time order; ``volume(flow_rows)``: slice → volume
    (``slice_volumes``). The flag is left as stored (``from_groups`` reads it upper-cased and trimmed). Sums
    run in row order, as in ``group_samples``, so both give the same floats. This is the bulk
    recompute's inner loop on SQLite: a few operations per record.
    """
    rows = rows if isinstance(rows, list) else list(rows)
    volumes = volume([r for r in rows if r[7] == flow])  # a slice's flow record may come after the others
    acc: dict[tuple[Any, ...], list[Any]] = {}
    last: Any = _NOTHING
    skip, hk, vol, vc = True, None, None, 0
    for t, avg, low, high, cou, zs, flag, code in rows:
        if t != last:
            last, hk = t, hour_key(t)
            skip = hk not in wanted
            vol = volumes.get(t)
            vc = 0 if vol is None else 1 if vol == 0 else 2
        if skip:
            continue
        if avg is not None and -_INF < avg < _INF:  # False for NaN
            key = (hk, code, flag, 1 if avg < 0 else 0, vc)
            g = acc.get(key)
            if g is None:
                g = acc[key] = [0, 0.0, None, None, 0.0, 0, 0.0, 0.0, 0.0, 0]
            g[0] += 1
            g[1] += avg
            low = avg if low is None else low
            high = avg if high is None else high
            if g[2] is None or low < g[2]:
                g[2] = low
            if g[3] is None or high > g[3]:
                g[3] = high
            if vc:
                g[6] += vol
                g[7] += avg * vol
        else:
            key = (hk, code, flag, 2, vc)
            g = acc.get(key)
            if g is None:
                g = acc[key] = [0, 0.0, None, None, 0.0, 0, 0.0, 0.0, 0.0, 0]
            g[0] += 1
            if vc:
                g[6] += vol
        if zs is not None:
            g[4] += zs
            g[5] += 1
        if cou is not None:
            g[8] += cou
            g[9] += 1
    out = []
    for (hk, code, flag, sign, vc), (n, total, lo, hi, zs_total, zs_n, vsum, weighted, cou_total, cou_n) \
            in acc.items():
        finite = sign != 2
        out.append((hk, code, flag, sign, vc, n, total if finite else None, lo, hi, zs_total if zs_n else None, zs_n,
                    vsum if vc else None, weighted if finite and vc else None, cou_total if cou_n else None, cou_n))
    return out


_NOTHING = object()


def from_samples(code: str, samples: Sequence[Sample], volumes: Mapping[Any, float | None], *, expected: int,
                 water: bool, cfg: QualitySettings, min_valid: int) -> Stats:
    """An hour (or any period) of ``code`` from its records. ``volumes``: slice → m³ (from the flow)."""
    return from_groups(code, group_samples(samples, volumes), expected=expected, water=water, cfg=cfg,
                       min_valid=min_valid)


def from_groups(code: str, groups: Iterable[Group], *, expected: int, water: bool, cfg: QualitySettings,
                min_valid: int) -> Stats:
    """The rules of NOTES §1–3 over grouped records: which count (valid flag, finite value, not negative
    for a concentration or flow, not a water concentration at zero flow), then the means and the mass."""
    factor = mass_factor(code)
    zero_flow_rule = water and cfg.zero_flow_invalidates_water and is_concentration(code)
    negative_invalid = cfg.negative_invalid and signed(code)
    table = _flag_ok(code, cfg)
    n_received = n_valid = zs_n = 0
    total = zs_total = weighted = volume = own_volume = cou_total = 0.0
    lo = hi = None
    has_volume = has_own = cou_seen = False
    flags: set[str] = set()
    for g in groups:
        flags.add(g.flag)
        n_received += g.count
        if g.cou_count:
            cou_total += g.cou_total  # type: ignore[operator]
            cou_seen = True
        if g.volume is not None:
            has_own, own_volume = True, own_volume + g.volume
        ok = table.get(g.flag)
        if ok is None:
            ok = table[g.flag] = flag_validity(g.flag, code, cfg) is Validity.VALID
        if not ok or g.sign == 2 or (g.sign == 1 and negative_invalid) or (zero_flow_rule and g.volume_class == 1):
            continue
        n_valid += g.count
        total += g.total  # type: ignore[operator]
        lo = g.low if lo is None or g.low < lo else lo  # type: ignore[operator]
        hi = g.high if hi is None or g.high > hi else hi  # type: ignore[operator]
        if g.zs_count:
            zs_total += g.zs_total  # type: ignore[operator]
            zs_n += g.zs_count
        if g.volume_class:
            has_volume = True
            volume += g.volume  # type: ignore[operator]
            weighted += g.weighted  # type: ignore[operator]
    stats = Stats(code, unit_of(code), "computed", n_valid >= min_valid, expected, n_received, n_valid,
                  flags="".join(sorted(flags))[:12])
    if n_valid:
        stats.mean_arith = total / n_valid
        stats.min, stats.max = lo, hi
        stats.zs_mean = zs_total / zs_n if zs_n else None
    if code in FLOW_CODES:
        stats.volume_m3 = own_volume if has_own else None
    elif factor is not None and has_volume:
        stats.volume_m3 = volume
        stats.mass_kg = weighted * factor
        stats.mean_fw = weighted / volume if volume > 0 else None
    if cou_seen:
        stats.cou_reported = cou_total * (totals_factor(code) or 1.0)
        if stats.mass_kg is not None and n_valid == n_received \
                and differs(stats.mass_kg, stats.cou_reported, cfg.mismatch_tolerance):
            stats.mismatch = True  # the device's own totals disagree with concentration × volume
    stats.mean = stats.mean_fw if stats.mean_fw is not None else stats.mean_arith
    return stats


def from_parts(code: str, parts: Iterable[Stats], *, expected: int, valid: bool | None = None,
               min_valid: int) -> Stats:
    """A day from its hours, or a month from its days (``parts`` in time order)."""
    factor = mass_factor(code)
    parts = list(parts)
    good = [p for p in parts if p.valid and p.mean is not None]
    n_received = sum(1 for p in parts if p.n_received or p.source == "device")
    stats = Stats(code, unit_of(code), "computed", len(good) >= min_valid if valid is None else valid,
                  expected, n_received, len(good),
                  flags="".join(sorted(set("".join(p.flags for p in parts))))[:12])
    if good:
        stats.mean_arith = sum(p.mean for p in good) / len(good)  # type: ignore[misc]
        lows = [p.min for p in good if p.min is not None]
        highs = [p.max for p in good if p.max is not None]
        stats.min = min(lows) if lows else None
        stats.max = max(highs) if highs else None
        zs = [p.zs_mean for p in good if p.zs_mean is not None]
        stats.zs_mean = sum(zs) / len(zs) if zs else None
    masses = [p.mass_kg for p in parts if p.mass_kg is not None]
    volumes = [p.volume_m3 for p in parts if p.volume_m3 is not None]
    stats.mass_kg = sum(masses) if masses else None
    stats.volume_m3 = sum(volumes) if volumes else None
    if factor is not None:
        paired = [p for p in good if p.mass_kg is not None and p.volume_m3]
        volume = sum(p.volume_m3 for p in paired)  # type: ignore[misc]
        if volume > 0:
            stats.mean_fw = sum(p.mass_kg for p in paired) / volume / factor  # type: ignore[misc]
    cous = [p.cou_reported for p in parts if p.cou_reported is not None]
    stats.cou_reported = sum(cous) if cous else None
    stats.mean = stats.mean_fw if stats.mean_fw is not None else stats.mean_arith
    return stats


# ---- the device's own value --------------------------------------------------------------------

def differs(a: float, b: float, tolerance: float) -> bool:
    """True if ``a`` and ``b`` differ by more than ``tolerance`` of the larger (and by more than 1e-6)."""
    gap = abs(a - b)
    return gap > 1e-6 and gap > tolerance * max(abs(a), abs(b))


def with_device(code: str, computed: Stats | None, device: Sample | None, *, expected: int,
                device_volume: float | None, cfg: QualitySettings) -> Stats | None:
    """Combine the device's value for the period with ours (either may be missing)."""
    if device is None:
        return computed
    factor = mass_factor(code)
    valid = classify(device.flag, code, device.avg, cfg) is Validity.VALID
    cou = device.cou * (totals_factor(code) or 1.0) if device.cou is not None else None
    base = computed or Stats(code, unit_of(code), "computed", False, expected, 0, 0)
    out = Stats(code, unit_of(code), "device", valid, base.n_expected, base.n_received, base.n_valid,
                mean=device.avg, mean_arith=base.mean_arith if base.mean_arith is not None else device.avg,
                mean_fw=base.mean_fw, zs_mean=device.zs if device.zs is not None else base.zs_mean,
                min=device.min if device.min is not None else base.min,
                max=device.max if device.max is not None else base.max,
                cou_reported=cou if cou is not None else base.cou_reported, device_mean=device.avg,
                flags="".join(sorted(set(base.flags + (device.flag or ""))))[:12])
    if computed is not None and computed.valid:
        out.volume_m3, out.mass_kg = computed.volume_m3, computed.mass_kg
    elif code in FLOW_CODES:
        out.volume_m3 = device_volume if valid and device_volume is not None else base.volume_m3
    elif valid and factor is not None and device_volume is not None and device.avg is not None:
        out.volume_m3, out.mass_kg = device_volume, device.avg * device_volume * factor
    else:
        out.volume_m3, out.mass_kg = base.volume_m3, base.mass_kg
    if valid and computed is not None and computed.valid and device.avg is not None:
        ours = [v for v in (computed.mean_arith, computed.mean_fw) if v is not None]
        if ours and all(differs(device.avg, v, cfg.mismatch_tolerance) for v in ours):
            out.mismatch = True
    complete = computed is None or computed.n_valid >= computed.n_expected  # else ours covers less than theirs
    if valid and complete and out.mass_kg is not None and cou is not None and factor is not None \
            and differs(out.mass_kg, cou, cfg.mismatch_tolerance):
        out.mismatch = True
    return out
