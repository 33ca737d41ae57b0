"""Complaints: clocks kept (replied within the handling deadline) and complainants satisfied."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q

from qingyuan.assessment.indicators.base import Measure, Period
from qingyuan.complaints.choices import OPEN_STATUSES, Rating, Status
from qingyuan.complaints.models import Complaint


def _handled(units: list[int], period: Period) -> Any:
    return (Complaint.objects.filter(handling_unit_id__in=units, received_on__gte=period.start,
                                     received_on__lte=period.last)
            .exclude(status__in=[Status.MERGED, Status.NOT_ACCEPTED]))


def clocks_kept(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Counted: replied (on time or not), or still open past the handling deadline. Met: replied on time."""
    out: dict[int, Measure] = defaultdict(Measure)
    due = Q(replied_on_time__isnull=False) | Q(status__in=OPEN_STATUSES, handle_deadline__lt=period.as_of)
    for pk, unit, kept in _handled(units, period).filter(due).values_list(
            "id", "handling_unit_id", "replied_on_time").order_by("id"):
        out[unit].counted.append(pk)
        if kept:
            out[unit].met.append(pk)
    return out


def satisfied(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Counted: rated replies. Met: satisfied or basically satisfied."""
    out: dict[int, Measure] = defaultdict(Measure)
    good = {Rating.SATISFIED, Rating.BASICALLY_SATISFIED}
    for pk, unit, rating in _handled(units, period).exclude(rating="").values_list(
            "id", "handling_unit_id", "rating").order_by("id"):
        out[unit].counted.append(pk)
        if rating in good:
            out[unit].met.append(pk)
    return out
