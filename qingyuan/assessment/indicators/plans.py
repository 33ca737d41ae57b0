"""Linked enterprises' plan measures (整改措施) done on schedule, and load rebounds at linked enterprises."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from qingyuan.assessment.indicators.base import Measure, Period
from qingyuan.loads.models import ReboundFlag
from qingyuan.plans.choices import MeasureStatus
from qingyuan.plans.models import Measure as PlanMeasure


def measures_on_schedule(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Counted: measures of linked enterprises' plans due in the period by ``as_of`` (or already done), not
    cancelled. Met: done on or before the deadline."""
    out: dict[int, Measure] = defaultdict(Measure)
    rows = (PlanMeasure.objects.filter(plan__enterprise__linked_unit_id__in=units, deadline__gte=period.start,
                                       deadline__lte=period.end)
            .exclude(status=MeasureStatus.CANCELLED)
            .filter(Q(deadline__lte=period.as_of) | Q(status=MeasureStatus.DONE))
            .values_list("id", "plan__enterprise__linked_unit_id", "status", "done_on", "deadline"))
    for pk, unit, status, done_on, deadline in rows.order_by("id"):
        out[unit].counted.append(pk)
        if status == MeasureStatus.DONE and done_on is not None and done_on <= deadline:
            out[unit].met.append(pk)
    return out


def rebounds(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Counted (each a failure): rebound flags raised in the period at linked enterprises."""
    start, end = period.bounds()
    out: dict[int, Measure] = defaultdict(Measure)
    for pk, unit in ReboundFlag.objects.filter(enterprise__linked_unit_id__in=units, detected_at__gte=start,
                                               detected_at__lt=end).values_list(
            "id", "enterprise__linked_unit_id").order_by("id"):
        m = out[unit]
        m.counted.append(pk)
        m.weighted = (m.weighted or Decimal(0)) + 1
    return out
