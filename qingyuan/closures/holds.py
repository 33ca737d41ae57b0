"""Legal holds of closure cases (``monitoring.holds``): the data of a closing enterprise stays as received.

A closure, relocation or conversion case holds every monitoring point of its enterprise from the
decision date less ``LOOKBACK_DAYS`` to now while it is open or production has stopped but the
final check is pending (against compaction and expiry): the proof that production stopped and
stayed stopped rests on those readings. Completed or cancelled, it holds the same range up to its
completion (cancelled: up to when it was opened) against expiry only: kept indefinitely, compaction
allowed. Two queries for any number of points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from qingyuan.closures.choices import CaseStatus
from qingyuan.closures.models import ClosureCase
from qingyuan.monitoring.holds import ZONE, Hold, points_by_enterprise

# The month before the decision is the baseline the stop is compared with (flows and loads before).
LOOKBACK_DAYS = 30
OPEN = (CaseStatus.OPEN, CaseStatus.STOPPED)


def closure_holds(point_ids: Iterable[int] | None, since: dt.datetime, until: dt.datetime) -> list[Hold]:
    by_enterprise = points_by_enterprise(point_ids)
    if not by_enterprise:
        return []
    latest_decision = (until + dt.timedelta(days=LOOKBACK_DAYS)).astimezone(ZONE).date()
    rows = ClosureCase.objects.filter(enterprise_id__in=list(by_enterprise), decision_date__lte=latest_decision).filter(
        Q(status__in=OPEN) | Q(completed_at__gte=since) | Q(completed_at__isnull=True))
    found: list[Hold] = []
    for pk, enterprise_id, number, status, decided, opened_at, completed_at in rows.values_list(
            "pk", "enterprise_id", "decision_number", "status", "decision_date", "opened_at", "completed_at"):
        is_open = status in OPEN
        first = dt.datetime.combine(decided - dt.timedelta(days=LOOKBACK_DAYS), dt.time(), ZONE)
        last = until if is_open else (completed_at or max(opened_at, first))
        reason = f"{ClosureCase._meta.verbose_name} {number}"
        url = reverse("closures:detail", args=[pk])
        found.extend(Hold(point_id, first, last, reason, pins_compaction=is_open, url=url)
                     for point_id in by_enterprise[enterprise_id])
    return found
