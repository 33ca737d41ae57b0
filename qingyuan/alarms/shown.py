"""The limits an enterprise is judged by, as its pages show them: the alarm engine's own limits.

Per outlet with monitoring points, every pollutant the permit in force limits, the points are expected to
deliver (``quality.points.expected_parameters``) or reported in the last ``RECENT_DAYS`` days, with the limit
``alarms.context`` holds for it (``PointContext.limit``: the permit row, else the outlet standard's column,
the special one under special emission limits). Nothing is re-derived: the value, unit, averaging basis and
reference O2 are the engine's ``LimitRule``. Each row says where the limit comes from (``LimitRow.source``):

* ``permit``: a permit row in force (for this outlet, or for all outlets);
* ``standard``: the outlet's discharge standard, its one column for the medium;
* ``special``: the standard's special emission limits (GB 31571-2015 表2 by the outlet's discharge route);
* ``none``: a concentration the points measure that nothing limits (the standard's column is ambiguous and
  no permit row names it): the engine judges no exceedance for it.

Permit rows the engine does not hold for any point (an outlet without points; an annual load without a
concentration limit) are listed as the permit gives them. Registered with ``quality.services`` (which must
not import alarms) from ``AlarmsConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from qingyuan.alarms import context
from qingyuan.alarms.rules import LimitRule
from qingyuan.enterprises.models import Enterprise, LimitVariant, MonitoringPoint
from qingyuan.enterprises.permits import limits_in_force
from qingyuan.quality.models import DailyValue
from qingyuan.quality.services import LimitRow, parameter_label, permit_limits
from qingyuan.quality.validity import is_concentration
from qingyuan.standards.basis import fallback_category
from qingyuan.standards.limits import standard

RECENT_DAYS = 35  # a pollutant reported on a daily value within this many days is "measured"


def limits_shown(enterprise: Enterprise) -> list[LimitRow]:
    """The rows of the enterprise's limits table, ordered by outlet code and pollutant code."""
    points = list(MonitoringPoint.objects.filter(outlet__enterprise=enterprise).select_related("outlet")
                  .order_by("outlet__code", "name", "pk"))
    if not points:
        return permit_limits(enterprise)
    contexts = context.load([p.pk for p in points])
    permit = list(limits_in_force([enterprise.pk], timezone.localdate()).values_list(
        "outlet_id", "pollutant_code", "concentration_limit", "annual_load_t", "standard_ref", "unit"))
    refs: dict[tuple[int | None, str], tuple[str, str]] = {(o, c): (ref, unit) for o, c, value, _, ref, unit in permit
                                                           if value is not None}
    reported = _reported([p.pk for p in points])
    by_outlet: dict[int, list[MonitoringPoint]] = defaultdict(list)
    for p in points:
        if p.outlet_id is not None and p.pk in contexts:
            by_outlet[p.outlet_id].append(p)
    rows: list[LimitRow] = []
    annual = {(o, c): float(t) for o, c, _, t, _, _ in permit if t is not None}
    shown: set[tuple[int | None, str]] = set()
    for outlet_id, outlet_points in by_outlet.items():
        ctxs = [contexts[p.pk] for p in outlet_points]
        codes = {c for o, c, _, _, _, _ in permit if o == outlet_id}  # a row for all outlets: where measured
        for ctx in ctxs:
            codes |= ctx.expected | reported.get(ctx.info.id, set())
        outlet = outlet_points[0].outlet
        for code in sorted(codes):
            ctx = next((x for x in ctxs if x.limit(code) is not None), ctxs[0])
            rule = ctx.limit(code)
            load_t = annual.get((outlet_id, code))
            if rule is None and load_t is None and not is_concentration(code):
                continue  # flows, O2, temperatures: nothing to judge, nothing to show
            ref = refs.get((outlet_id, code), refs.get((None, code), ("", "")))
            rows.append(_row(ctx, code, rule, str(outlet), outlet_id, load_t, ref))
            shown.add((outlet_id, code))
            if rule is not None and code in ctx.permit and (outlet_id, code) not in refs:
                shown.add((None, code))  # the row for all outlets is shown here
    rows += [r for r in permit_limits(enterprise) if (r.outlet_id, r.code) not in shown]
    rows += [LimitRow(c, parameter_label(c), "", "", None, None, t, "", "", source="permit")
             for (o, c), t in sorted(annual.items()) if o is None and (None, c) in shown]
    return sorted(rows, key=lambda r: (r.outlet, r.code))  # rows for all outlets ("") first


def _reported(ids: list[int]) -> dict[int, set[str]]:
    first = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    out: dict[int, set[str]] = defaultdict(set)
    for point_id, code in DailyValue.objects.filter(point_id__in=ids, day__gte=first).values_list(
            "point_id", "parameter").distinct().order_by():
        out[point_id].add(code)
    return out


def _row(ctx: context.PointContext, code: str, rule: LimitRule | None, outlet: str, outlet_id: int,
         annual_t: float | None, permit_ref: tuple[str, str]) -> LimitRow:
    label = parameter_label(code)
    if rule is None:
        return LimitRow(code, label, "", outlet, outlet_id, None, annual_t, "", "", source="none")
    if code in ctx.permit:
        unit = rule.unit or permit_ref[1]  # a code without a default unit: the engine kept the row's value
        return LimitRow(code, label, unit, outlet, outlet_id, rule.shown, annual_t, rule.basis,
                        permit_ref[0], source="permit", reference_o2=rule.reference_o2, low=rule.low)
    special = rule.variant == LimitVariant.SPECIAL.value
    return LimitRow(code, label, rule.unit, outlet, outlet_id, rule.shown, annual_t, rule.basis,
                    standard_ref_of(ctx.standard, ctx.info.medium, special=special, route=ctx.route),
                    source="special" if special else "standard", reference_o2=rule.reference_o2, low=rule.low,
                    standard_title=_title(ctx.standard))


def standard_ref_of(std: str, medium: str, *, special: bool, route: str) -> str:
    """The standard's column the engine falls back to, written like a permit row's reference
    ("GB 31571-2015 表2 special-direct"), so that the ``standard_ref`` filter names it."""
    cat = fallback_category(std, medium, special=special, route=route)
    if cat is None:
        return std
    return f"{std} {cat.tables[0].table} {cat.id}" if cat.tables else f"{std} {cat.id}"


def _title(std: str) -> str:
    found = standard(std)
    return found.title_zh if found else ""

