"""What the engine knows about a point: its limits (with their averaging basis), expected parameters, policy.

Limits come from the enterprise's permit in force (the outlet's rows, or rows for
every outlet), converted into the parameter's default unit; a parameter the
permit does not limit falls back to the outlet's discharge standard. The
averaging basis is the standard's (``standards.Limit.basis``): the category named
at the end of the permit row's ``standard_ref`` ("GB 31571-2015 表1 indirect"), or
the one basis all the standard's categories for the medium share, else daily for
water and hourly for gas (NOTES §6). Gas limits of categories with a reference
O2 carry it (``LimitRule.reference_o2``) and are judged on the corrected value; a permit row's
variant (``PermitLimit.variant``, ``cold_limit``) and the outlet's special limits are carried too
(``rules.judge`` applies them). The permit is ``enterprises.permits.in_force``.

Contexts are cached per process for ``TTL`` seconds (``reset()`` clears them).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import timezone

from qingyuan import standards
from qingyuan.alarms.models import Policy
from qingyuan.alarms.rules import COLD_VARIANT, LimitRule, quiet_band
from qingyuan.enterprises.models import LimitVariant, MonitoringPoint, PermitLimit
from qingyuan.enterprises.permits import in_force
from qingyuan.quality.aggregate import unit_of
from qingyuan.quality.points import PointInfo, expected_parameters, point_infos
from qingyuan.quality.validity import FLOW_CODES, is_concentration
from qingyuan.standards.basis import basis_of, category, fallback_category, standard_in
from qingyuan.standards.basis import categories as _categories

TTL = 60.0
STANDARD_COLD_VARIANT = "cold_water_le_12C"  # the data file's name of GB 18918's bracketed (≤ 12 °C) values


@dataclass(frozen=True, slots=True)
class RecordPlan:
    """What the rules make of a *plain* record (flag valid as such, a finite value above 0) of one upload
    kind and parameter of a point — so that the engine judges most records with one lookup."""

    watched: bool  # its value joins the series (constant, zero and drop rules): minute/hourly conc. and flows
    limited: bool  # an hourly or daily value judged against a limit
    corrected: bool = False  # judged on its ZsAvg when sent
    floor: float = -math.inf  # a judged value in [floor, ceiling) raises nothing (``rules.quiet_band``)
    ceiling: float = math.inf


@dataclass
class PointContext:
    info: PointInfo
    name: str
    mn: str
    standard: str
    policy: Policy
    expected: frozenset[str]  # pollutants the point must deliver, plus its flow ("" set: unknown)
    permit: dict[str, LimitRule] = field(default_factory=dict)
    loaded_at: float = 0.0
    special: bool = False  # the outlet is under its standard's special emission limits
    route: str = ""  # the outlet's discharge route (picks GB 31571's special column)
    intervals: dict[str, dt.timedelta] = field(init=False)  # between records, per upload kind
    keeps: dict[str, dt.timedelta] = field(init=False)  # how much history the series rules need
    plans: dict[tuple[str, str], RecordPlan] = field(init=False, default_factory=dict)  # (kind, code) → plan

    def __post_init__(self) -> None:
        cfg = self.policy.rules
        minute = dt.timedelta(seconds=self.info.interval_seconds)
        self.intervals = {"minute": minute, "hour": dt.timedelta(hours=1), "day": dt.timedelta(days=1)}
        longest = max(cfg.constant_minutes, cfg.zero_minutes, cfg.drop_window_minutes)
        self.keeps = {"minute": dt.timedelta(minutes=longest) + 2 * minute,
                      "hour": dt.timedelta(hours=cfg.constant_hour_records + 1)}

    def limit(self, code: str) -> LimitRule | None:
        found = self.permit.get(code)
        if found is None and self.standard:
            found = standard_limit(self.standard, self.info.medium, code, self.special, self.route)
        return found

    def plan(self, kind: str, code: str) -> RecordPlan:
        """The plan of ``code``'s ``kind`` records (made once per context)."""
        watched = kind in ("minute", "hour") and (code in FLOW_CODES or is_concentration(code))
        limit = self.limit(code) if kind in ("hour", "day") else None
        floor, ceiling = quiet_band(kind, limit, self.policy.rules) if limit is not None else (-math.inf, math.inf)
        limited = floor > -math.inf or ceiling < math.inf
        plan = self.plans[(kind, code)] = RecordPlan(watched, limited, limited and limit is not None and
                                                     limit.corrected, floor, ceiling)
        return plan


def reference_o2_of(std: str, medium: str, ref: str = "") -> float | None:
    """The reference O2 (%) of a gas limit: its category's, or the one all the standard's gas categories share."""
    if medium != "gas":
        return None
    cat = category(std, medium, ref)
    if cat is not None:
        return cat.reference_o2_percent
    refs = {c.reference_o2_percent for c in _categories(std, medium)}
    return refs.pop() if len(refs) == 1 else None


@cache
def standard_limit(std: str, medium: str, code: str, special: bool = False, route: str = "") -> LimitRule | None:
    """The outlet standard's limit for ``code`` when its category is unambiguous, else None.

    Under special emission limits the standard's special column (``standards.basis.fallback_category``:
    GB 31571 表2 by the outlet's route), recorded as the variant ``special_limits``. A GB 18918 value with a
    bracketed cold-water value carries it (``LimitRule.cold_value``): the engine judges each period by its
    water temperature."""
    cat = fallback_category(std, medium, special=special, route=route)
    if cat is None:
        return None
    variant = LimitVariant.SPECIAL.value if special else ""
    try:
        found = standards.discharge_limit(std, code, category=cat.id)
    except ValueError:
        return None
    if found is None:
        return None
    corrected = medium == "gas" and found.reference_o2_percent is not None
    reference = found.reference_o2_percent if corrected else None
    if found.comparison == "range" and found.range is not None:
        return LimitRule(found.basis, low=found.range[0], high=found.range[1], unit=found.unit,
                         corrected=corrected, source=found.standard_code, reference_o2=reference, variant=variant)
    if found.comparison != "le" or found.value is None:
        return None
    value = _in_default_unit(code, found.value, found.unit)
    if value is None:
        return None
    cold = found.variant(STANDARD_COLD_VARIANT)
    return LimitRule(found.basis, value=value, unit=unit_of(code), corrected=corrected, source=found.standard_code,
                     reference_o2=reference, variant=variant,
                     cold_value=_in_default_unit(code, cold, found.unit) if cold is not None else None)


def _in_default_unit(code: str, value: float, unit: str) -> float | None:
    target = unit_of(code)
    if not unit or not target or unit == target:
        return value
    try:
        return standards.convert(value, unit, target)
    except ValueError:
        return None  # a unit that does not fit the parameter: the limit is not applied


def load(ids: Iterable[int]) -> dict[int, PointContext]:
    """Contexts of the points ``ids`` (a handful of queries for any number of points)."""
    infos = point_infos(ids)
    if not infos:
        return {}
    meta = {pk: (name, mn, std or "", special, route or "") for pk, name, mn, std, special, route in
            MonitoringPoint.objects.filter(pk__in=infos).values_list(
                "pk", "name", "mn", "outlet__standard", "outlet__special_limits", "outlet__route")}
    expected = expected_parameters(infos.values())
    policies = Policy.for_parks({i.park_id for i in infos.values()})
    permits = in_force({i.enterprise_id for i in infos.values() if i.enterprise_id}, timezone.localdate())
    rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for permit_id, outlet, code, value, unit, ref, variant, cold in PermitLimit.objects.filter(
            permit_id__in=permits.values(), concentration_limit__isnull=False).values_list(
            "permit_id", "outlet_id", "pollutant_code", "concentration_limit", "unit", "standard_ref", "variant",
            "cold_limit"):
        rows[permit_id].append((outlet, code, float(value), unit, ref, variant,
                                float(cold) if cold is not None else None))
    now = time.monotonic()
    out = {}
    for pid, info in infos.items():
        name, mn, std, special, route = meta.get(pid, ("", "", "", False, ""))
        ctx = PointContext(info, name, mn, std, policies[info.park_id], expected.get(pid, frozenset()),
                           loaded_at=now, special=bool(special), route=route)
        for outlet, code, value, unit, ref, variant, cold in rows.get(permits.get(info.enterprise_id or 0, 0), []):
            if outlet not in (None, info.outlet_id):
                continue
            if outlet is None and code in ctx.permit:
                continue  # a row for this outlet wins over one for all outlets
            converted = _in_default_unit(code, value, unit)
            if converted is None:
                continue
            ctx.permit[code] = permit_rule(standard_in(ref) or std, info.medium, ref, converted, unit, code,
                                           variant=variant or ("special_limits" if special else ""), cold=cold)
        out[pid] = ctx
    return out


def permit_rule(std: str, medium: str, ref: str, value: float, unit: str, code: str, *, variant: str = "",
                cold: float | None = None) -> LimitRule:
    """The rule of a permit row: the standard's basis and reference O2, the row's variant (its cold-water value
    converted like the limit)."""
    basis, corrected = basis_of(std, medium, ref)
    cold_value = _in_default_unit(code, cold, unit) if cold is not None and variant == COLD_VARIANT else None
    return LimitRule(basis, value=value, unit=unit_of(code), corrected=corrected,
                     reference_o2=reference_o2_of(std, medium, ref) if corrected else None,
                     variant="" if cold_value is not None else variant, cold_value=cold_value)


_CACHE: dict[int, PointContext] = {}


def contexts(ids: Iterable[int]) -> dict[int, PointContext]:
    """Cached contexts; missing or stale ones are loaded together."""
    ids = set(ids)
    now = time.monotonic()
    stale = {i for i in ids if i not in _CACHE or now - _CACHE[i].loaded_at > TTL}
    if stale:
        _CACHE.update(load(stale))
    return {i: _CACHE[i] for i in ids if i in _CACHE}


def reset() -> None:
    _CACHE.clear()
