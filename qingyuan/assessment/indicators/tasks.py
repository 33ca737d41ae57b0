"""Assignments (交办单): closed on time, and overdue or escalated (挂牌督办 weighs most)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from qingyuan.assessment.indicators.base import Measure, Period, local_date
from qingyuan.tasks.choices import AssignmentStatus, EscalationLevel
from qingyuan.tasks.models import Assignment, EscalationEvent

# Weighted failures per assignment: the highest level it reached in the period; overdue alone counts 1.
DEFAULT_WEIGHTS = {"overdue": 1, str(EscalationLevel.URGED): 1, str(EscalationLevel.SUPERVISED): 2,
                   str(EscalationLevel.LISTED): 4}


def _due(units: list[int], period: Period) -> Any:
    """Assignments of these units due in the period: due by ``as_of``, or already completed."""
    return (Assignment.objects.filter(assignee_unit_id__in=units, deadline__gte=period.start,
                                      deadline__lte=period.end)
            .exclude(status=AssignmentStatus.WITHDRAWN)
            .filter(Q(deadline__lte=period.as_of) | Q(status=AssignmentStatus.COMPLETED)))


def _on_time(status: str, closed_at: Any, deadline: Any) -> bool:
    closed_on = local_date(closed_at)
    return status == AssignmentStatus.COMPLETED and closed_on is not None and closed_on <= deadline


def on_time(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    out: dict[int, Measure] = defaultdict(Measure)
    rows = _due(units, period).values_list("id", "assignee_unit_id", "status", "closed_at", "deadline")
    for pk, unit, status, closed_at, deadline in rows.order_by("id"):
        out[unit].counted.append(pk)
        if _on_time(status, closed_at, deadline):
            out[unit].met.append(pk)
    return out


def escalated(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    weights = {**DEFAULT_WEIGHTS, **{str(k): v for k, v in (params.get("weights") or {}).items()}}
    start, end = period.bounds()
    unit_of: dict[int, int] = {}
    weight_of: dict[int, Decimal] = {}
    for pk, unit, status, closed_at, deadline in _due(units, period).values_list(
            "id", "assignee_unit_id", "status", "closed_at", "deadline"):
        if not _on_time(status, closed_at, deadline):
            unit_of[pk] = unit
            weight_of[pk] = Decimal(str(weights["overdue"]))
    events = EscalationEvent.objects.filter(assignment__assignee_unit_id__in=units, time__gte=start, time__lt=end,
                                            to_level__gte=EscalationLevel.URGED)
    for pk, unit, level in events.values_list("assignment_id", "assignment__assignee_unit_id", "to_level"):
        unit_of[pk] = unit
        weight_of[pk] = max(weight_of.get(pk, Decimal(0)), Decimal(str(weights.get(str(level), 1))))
    out: dict[int, Measure] = defaultdict(Measure)
    for pk in sorted(unit_of):
        m = out[unit_of[pk]]
        m.counted.append(pk)
        m.weighted = (m.weighted or Decimal(0)) + weight_of[pk]
    return out
