"""Scores, totals, vetoes and grades, computed the same way for the year and for interim quarters.

points per indicator:
  computed percent   weight × value / 100 (nothing to count: the full weight); with a ``full_from``
                     threshold, weight × min(1, value / full_from)
  computed count     max(0, weight − per_item × weighted failures)
  manual             weight × value / 100, the value (0-100) set by the office
  deduction / bonus  −/+ the sum of the reasoned entries in the period, at most the indicator's weight
total = max(0, Σ points); grade by the scheme's thresholds, and 不合格 whatever the total when vetoed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.assessment.choices import WEIGHTED_METHODS, Grade, Method
from qingyuan.assessment.indicators import KEYS, Period
from qingyuan.assessment.models import Adjustment, Indicator, Scheme, Score, Veto

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
Progress = Callable[[int, int, str], None]


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """60 → "60", 12.50 → "12.5": points as people write them."""
    text = f"{q(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def design_problems(scheme: Scheme) -> list[str]:
    """What is wrong with the scheme's indicators, each problem naming the indicators concerned."""
    indicators = list(scheme.indicators.all())
    problems = []
    if not indicators:
        problems.append(_("The scheme has no indicators."))
    no_method = [i.name for i in indicators if not i.method]
    if no_method:
        problems.append(_("These indicators have no scoring method: %(names)s.") % {"names": "、".join(no_method)})
    bad_key = [i.name for i in indicators if i.method == Method.COMPUTED and i.key not in KEYS]
    if bad_key:
        problems.append(_("These computed indicators do not say what they are computed from: %(names)s.")
                        % {"names": "、".join(bad_key)})
    weighted = [i for i in indicators if i.method in WEIGHTED_METHODS]
    total = sum((i.weight for i in weighted), Decimal(0))
    if indicators and total != HUNDRED:
        problems.append(_("The weights add up to %(total)s, not 100: %(parts)s.") % {
            "total": fmt(total), "parts": "、".join(f"{i.name} {fmt(i.weight)}" for i in weighted)})
    return problems


@dataclass
class Line:
    indicator: Indicator
    value: Decimal | None
    points: Decimal
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class UnitResult:
    unit: Any
    lines: list[Line]
    total: Decimal
    grade: str
    vetoes: list[Veto]
    rank: int = 0

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    @property
    def veto_reason(self) -> str:
        return "；".join(v.summary for v in self.vetoes)


def grade_for(scheme: Scheme, total: Decimal, vetoed: bool) -> str:
    if vetoed:
        return Grade.FAIL
    if total >= scheme.excellent_from:
        return Grade.EXCELLENT
    if total >= scheme.good_from:
        return Grade.GOOD
    if total >= scheme.pass_from:
        return Grade.PASS
    return Grade.FAIL


def computed_points(indicator: Indicator, measure: Any) -> tuple[Decimal | None, Decimal]:
    definition = KEYS[indicator.key]
    if definition.kind == "count":
        value = measure.weighted if measure is not None and measure.weighted is not None else Decimal(0)
        per_item = Decimal(str({**definition.defaults, **indicator.parameters}.get("per_item", 1)))
        return q(value), q(max(Decimal(0), indicator.weight - per_item * value))
    value = measure.percent() if measure is not None else None
    if value is None:
        return None, indicator.weight
    full_from = {**definition.defaults, **indicator.parameters}.get("full_from")
    if full_from:  # full weight from this percent up, linear from zero below it
        return value, q(indicator.weight * min(Decimal(1), value / Decimal(str(full_from))))
    return value, q(indicator.weight * value / HUNDRED)


def evaluate(scheme: Scheme, quarter: int = 0, *, as_of: dt.date | None = None,
             progress: Progress | None = None) -> list[UnitResult]:
    """Every assessed unit's lines, total, grade and rank for the year (0) or a quarter; nothing is saved."""
    period = Period.of(scheme.year, quarter, as_of or timezone.localdate())
    units = [a.unit for a in scheme.assessed.select_related("unit")]
    unit_ids = [u.pk for u in units]
    indicators = list(scheme.indicators.select_related("group"))
    manual = {(s.unit_id, s.indicator_id): s.value for s in Score.objects.filter(  # the quarter's own wins
        scheme=scheme, quarter__in={0, quarter}, indicator__method=Method.MANUAL, value__isnull=False
    ).order_by("quarter")}
    adjustments: dict[tuple[int, int], list[Adjustment]] = defaultdict(list)
    for a in Adjustment.objects.filter(scheme=scheme, occurred_on__gte=period.start, occurred_on__lte=period.end):
        adjustments[(a.unit_id, a.indicator_id)].append(a)
    vetoes: dict[int, list[Veto]] = defaultdict(list)
    for v in Veto.objects.filter(scheme=scheme, occurred_on__lte=period.end):
        vetoes[v.unit_id].append(v)
    lines: dict[int, list[Line]] = defaultdict(list)
    total_steps = len(indicators) + 1
    for step, indicator in enumerate(indicators, start=1):
        if progress:
            progress(step - 1, total_steps, indicator.name)
        if indicator.method == Method.COMPUTED:
            definition = KEYS[indicator.key]
            params = {**definition.defaults, **indicator.parameters}
            measures = definition.compute(unit_ids, period, params)
            for unit in units:
                m = measures.get(unit.pk)
                value, points = computed_points(indicator, m)
                evidence = {"model": definition.model, "counted": m.counted if m else [], "met": m.met if m else []}
                if m is not None and m.detail:
                    evidence["detail"] = {str(k): v for k, v in m.detail.items()}
                lines[unit.pk].append(Line(indicator, value, points, evidence))
        elif indicator.method == Method.MANUAL:
            for unit in units:
                value = manual.get((unit.pk, indicator.pk))
                points = q(indicator.weight * value / HUNDRED) if value is not None else Decimal(0)
                lines[unit.pk].append(Line(indicator, value, points))
        else:
            sign = Decimal(-1) if indicator.method == Method.DEDUCTION else Decimal(1)
            for unit in units:
                entries = adjustments[(unit.pk, indicator.pk)]
                raw = sum((a.points for a in entries), Decimal(0))
                points = sign * min(indicator.weight, raw)
                evidence = {"model": "assessment.adjustment", "counted": [a.pk for a in entries],
                            "met": []}
                lines[unit.pk].append(Line(indicator, q(raw), q(points), evidence))
    results = []
    for unit in units:
        total = q(max(Decimal(0), sum((ln.points for ln in lines[unit.pk]), Decimal(0))))
        unit_vetoes = vetoes[unit.pk]
        results.append(UnitResult(unit, lines[unit.pk], total, grade_for(scheme, total, bool(unit_vetoes)),
                                  unit_vetoes))
    results.sort(key=lambda r: (r.vetoed, -r.total, r.unit.sort_order, r.unit.name))
    for rank, r in enumerate(results, start=1):
        r.rank = rank
    if progress:
        progress(total_steps, total_steps, _("Done"))
    return results
