"""Patrols at the unit's linked enterprises: the patrol plan kept, and findings closed on time."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from qingyuan.assessment.indicators.base import Measure, Period, local_date
from qingyuan.inspections.choices import FindingStatus
from qingyuan.inspections.models import Finding, Patrol, PatrolPlan
from qingyuan.tasks.choices import AssignmentStatus


def plan_completion(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Per linked enterprise with a plan, patrols expected = period days // interval (at least one);
    counted and met: the patrols done, up to that number per enterprise. The percentage is done / expected
    over all the unit's enterprises."""
    start, end = period.bounds()
    plans = PatrolPlan.objects.filter(enterprise__linked_unit_id__in=units).values_list(
        "enterprise_id", "enterprise__linked_unit_id", "computed_days", "override_days")
    expected = {e: (u, max(1, period.days // max(1, o or c))) for e, u, c, o in plans}
    done: dict[int, list[int]] = defaultdict(list)
    for pk, enterprise in Patrol.objects.filter(enterprise_id__in=list(expected), started_at__gte=start,
                                                started_at__lt=end).values_list("id", "enterprise_id").order_by("id"):
        done[enterprise].append(pk)
    out: dict[int, Measure] = defaultdict(Measure)
    for enterprise, (unit, due) in sorted(expected.items()):
        kept = done[enterprise][:due]
        m = out[unit]
        m.met.extend(kept)
        m.counted.extend(kept)
        m.expected = (m.expected or 0) + due
    return out


def findings_on_time(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Counted: findings recorded in the period at linked enterprises that became assignments due by ``as_of``,
    or were closed without one. Met: closed without one, or their assignment completed by its deadline."""
    start, end = period.bounds()
    out: dict[int, Measure] = defaultdict(Measure)
    rows = Finding.objects.filter(patrol__enterprise__linked_unit_id__in=units, created_at__gte=start,
                                  created_at__lt=end).values_list(
        "id", "patrol__enterprise__linked_unit_id", "status", "assignment__status", "assignment__deadline",
        "assignment__closed_at")
    for pk, unit, status, a_status, deadline, closed_at in rows.order_by("id"):
        if status == FindingStatus.CLOSED:
            out[unit].counted.append(pk)
            out[unit].met.append(pk)
            continue
        if deadline is None or (deadline > period.as_of and a_status != AssignmentStatus.COMPLETED):
            continue
        out[unit].counted.append(pk)
        closed_on = local_date(closed_at)
        if a_status == AssignmentStatus.COMPLETED and closed_on is not None and closed_on <= deadline:
            out[unit].met.append(pk)
    return out
