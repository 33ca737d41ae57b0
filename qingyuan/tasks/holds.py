"""Legal holds of assignments (``monitoring.holds``): the data an assignment is about stays as received.

An assignment about an enterprise holds every monitoring point of that enterprise from the
assignment's creation to now while it is open (against compaction and expiry), and up to when it
was closed once completed or withdrawn (against expiry only: kept indefinitely, compaction allowed).
The points of the alarms it was handed on with are held by the alarms' provider from the alarms'
start (alarms sit above tasks). Two queries for any number of points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from qingyuan.monitoring.holds import Hold, points_by_enterprise
from qingyuan.tasks.choices import OPEN_STATUSES
from qingyuan.tasks.models import Assignment


def assignment_holds(point_ids: Iterable[int] | None, since: dt.datetime, until: dt.datetime) -> list[Hold]:
    by_enterprise = points_by_enterprise(point_ids)
    if not by_enterprise:
        return []
    rows = Assignment.objects.filter(enterprise_id__in=list(by_enterprise), created_at__lt=until).filter(
        Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since) | Q(closed_at__isnull=True))
    found: list[Hold] = []
    for pk, enterprise_id, number, status, created_at, closed_at in rows.values_list(
            "pk", "enterprise_id", "number", "status", "created_at", "closed_at"):
        is_open = status in OPEN_STATUSES
        last = until if is_open or closed_at is None else closed_at
        reason = f"{Assignment._meta.verbose_name} {number}"
        url = reverse("tasks:detail", args=[pk])
        found.extend(Hold(point_id, created_at, last, reason, pins_compaction=is_open, url=url)
                     for point_id in by_enterprise[enterprise_id])
    return found
