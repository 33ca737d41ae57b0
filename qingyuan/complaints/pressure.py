"""Complaints as pressure on an enterprise's patrol frequency (registered with
``inspections.services.register_pressure_source`` from ``ComplaintsConfig.ready``; issue 15, join 4)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import models

from qingyuan.complaints.models import Complaint


def complaint_cases(since: dt.datetime) -> Any:
    """Complaints received in the window, one per case: a duplicate merged into another complaint
    and the reviews of a case are the same case."""
    return Complaint.objects.filter(received_at__gte=since, merged_into__isnull=True, review_level=0)


def complaints(ids: list[int], since: dt.datetime) -> Counter:
    rows = complaint_cases(since).filter(enterprise_id__in=ids).values_list("enterprise_id") \
        .annotate(n=models.Count("id")).order_by()
    return Counter(dict(rows))
