"""The complaints section of an enterprise's page (registered from ``ComplaintsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qingyuan.complaints.models import Complaint

SECTION_ROWS = 10


def section(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    complaints = Complaint.objects.visible_to(user).filter(enterprise=enterprise)
    return {"complaints": list(complaints.order_by("-received_at", "-id")[:SECTION_ROWS])}
