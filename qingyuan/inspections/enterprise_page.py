"""The patrols section of an enterprise's page (registered from ``InspectionsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from qingyuan.inspections.access import sees_patrols_of
from qingyuan.inspections.models import Patrol

SECTION_ROWS = 10


def section(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    patrols = Patrol.objects.visible_to(user).filter(enterprise=enterprise)
    return {
        "patrols": list(patrols.annotate(finding_count=Count("findings")).order_by("-started_at", "-id")[:SECTION_ROWS]),
        "sees_patrols": sees_patrols_of(user, enterprise),
    }
