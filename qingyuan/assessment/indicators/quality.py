"""有效传输率 (valid transmission rate) of the devices at the unit's linked enterprises.

Counted on the quality app's daily transmission KPIs (``quality.KpiDaily``: per point, local day and
parameter, the expected, received and valid hours). As ``quality.kpi`` does for months, enterprises and the
park, the hours are added up first and divided once, so a rate is never an average of rates:

    有效传输率 = Σ valid hours ÷ Σ expected hours × 100  (= transmission rate × validity rate)

over every point of the unit's linked enterprises, days in the period up to ``as_of``. Hours covered by an
approved stop-production declaration are not expected. Points are the evidence: each counted point with its
days and hours, and met when its own rate reaches ``full_from`` (the indicator's threshold: full points from
it, linear below).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from qingyuan.assessment.indicators.base import Measure, Period
from qingyuan.quality.models import KpiDaily

DEFAULT_FULL_FROM = 90


def valid_transmission(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Counted: points of linked enterprises with expected hours in the period. Value: Σ valid ÷ Σ expected
    hours of the unit's points. Met: points whose own rate is at least ``full_from``. One query."""
    full_from = Decimal(str(params.get("full_from") or DEFAULT_FULL_FROM))
    rows = (KpiDaily.objects.filter(point__outlet__enterprise__linked_unit_id__in=units, day__gte=period.start,
                                    day__lte=period.last, expected__gt=0)
            .values_list("point_id", "point__outlet__enterprise__linked_unit_id")
            .annotate(Sum("expected"), Sum("valid"), Count("day", distinct=True))
            .order_by("point_id"))
    out: dict[int, Measure] = defaultdict(Measure)
    hours: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for point, unit, expected, valid, days in rows:
        m = out[unit]
        m.counted.append(point)
        m.detail[point] = {"days": days, "expected": expected, "valid": valid}
        if Decimal(100) * valid >= full_from * expected:
            m.met.append(point)
        hours[unit][0] += expected
        hours[unit][1] += valid
    for unit, (expected, valid) in hours.items():
        out[unit].rate = Decimal(100) * valid / expected
    return out
