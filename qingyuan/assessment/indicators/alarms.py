"""Alarms at the unit's linked enterprises handled (verified or closed) within the policy's deadline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from qingyuan.alarms.choices import AlarmStatus
from qingyuan.alarms.models import Alarm, AlarmPolicy
from qingyuan.assessment.indicators.base import Measure, Period


def handled_in_time(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Counted: alarms first detected in the period whose deadline (``deadline_days`` of the park's alarm
    policy) has passed, or that are already handled. Met: verified or closed by the deadline."""
    start, end = period.bounds()
    days = {p: d for p, d in AlarmPolicy.objects.values_list("park_id", "deadline_days")}
    as_of = dt.datetime.combine(period.as_of, dt.time(), start.tzinfo)
    out: dict[int, Measure] = defaultdict(Measure)
    rows = Alarm.objects.filter(enterprise__linked_unit_id__in=units, first_detected_at__gte=start,
                                first_detected_at__lt=end).values_list(
        "id", "enterprise__linked_unit_id", "park_id", "status", "first_detected_at", "verified_at", "closed_at")
    for pk, unit, park, status, detected, verified, closed in rows.order_by("id"):
        deadline = detected + dt.timedelta(days=days.get(park, 3))
        handled = verified or (closed if status in (AlarmStatus.VERIFIED, AlarmStatus.CLOSED) else None)
        if handled is None and deadline > as_of:
            continue  # still within its time
        out[unit].counted.append(pk)
        if handled is not None and handled <= deadline:
            out[unit].met.append(pk)
    return out
