"""The assignments section of an enterprise's page (registered from ``TasksConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qingyuan.tasks.models import Assignment

SECTION_ROWS = 10


def section(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    assignments = Assignment.objects.visible_to(user).filter(enterprise=enterprise)
    return {
        "overdue": assignments.open().filter(deadline__lt=today).count(),
        "assignments": list(assignments.select_related("assignee_unit").order_by("-issued_on", "-id")
                            [:SECTION_ROWS]),
    }
