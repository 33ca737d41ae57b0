"""Worker step: keep patrol plans current as complaints, assignments and enterprises change."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections.actions import refresh_plans
from qingyuan.inspections.models import PatrolPlan

STALE_AFTER = dt.timedelta(hours=6)
BATCH = 200


def handle_one_plan_refresh() -> bool:
    """Recompute one batch of plans older than STALE_AFTER (and create missing ones); True if any."""
    missing = list(Enterprise.objects.filter(patrol_plan__isnull=True).values_list("pk", flat=True)[:BATCH])
    stale = list(PatrolPlan.objects.filter(computed_at__lt=timezone.now() - STALE_AFTER)
                 .order_by("computed_at").values_list("enterprise_id", flat=True)[:BATCH - len(missing)])
    ids = missing + stale
    if not ids:
        return False
    refresh_plans(ids)
    return True
