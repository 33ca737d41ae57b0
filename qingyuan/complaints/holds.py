"""Legal holds of complaints (``monitoring.holds``): the data around a complaint stays as received.

A complaint about an enterprise holds every monitoring point of that enterprise from the event it
reports (when it was observed, else when it was received) less ``LOOKBACK_DAYS`` to now while it is
open (against compaction and expiry), and up to when it was closed afterwards (against expiry only:
kept indefinitely, compaction allowed). A complaint not accepted holds nothing. Two queries for any
number of points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from qingyuan.complaints.choices import OPEN_STATUSES, Status
from qingyuan.complaints.models import Complaint
from qingyuan.monitoring.holds import Hold, points_by_enterprise

# A smell or a discoloured stream is often reported days after it began: the week before the event
# (or receipt) is held too, so the readings of its onset can be compared with the complaint.
LOOKBACK_DAYS = 7
LOOKBACK = dt.timedelta(days=LOOKBACK_DAYS)


def complaint_holds(point_ids: Iterable[int] | None, since: dt.datetime, until: dt.datetime) -> list[Hold]:
    by_enterprise = points_by_enterprise(point_ids)
    if not by_enterprise:
        return []
    rows = (Complaint.objects.filter(enterprise_id__in=list(by_enterprise))
            .exclude(status=Status.NOT_ACCEPTED)
            .filter(Q(received_at__lt=until + LOOKBACK) | Q(observed_at__lt=until + LOOKBACK))
            .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since) | Q(closed_at__isnull=True)))
    found: list[Hold] = []
    for pk, enterprise_id, code, status, observed_at, received_at, closed_at, updated_at in rows.values_list(
            "pk", "enterprise_id", "code", "status", "observed_at", "received_at", "closed_at", "updated_at"):
        is_open = status in OPEN_STATUSES
        first = min(t for t in (observed_at, received_at) if t is not None) - LOOKBACK
        last = until if is_open else (closed_at or max(updated_at, received_at))
        reason = f"{Complaint._meta.verbose_name} {code}"
        url = reverse("complaints:detail", args=[pk])
        found.extend(Hold(point_id, first, last, reason, pins_compaction=is_open, url=url)
                     for point_id in by_enterprise[enterprise_id])
    return found
