"""The alarms section of an enterprise's page and its compliance page (registered from ``AlarmsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qingyuan.alarms.choices import AlarmKind
from qingyuan.alarms.models import Alarm

SECTION_ROWS = 10


def section(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    alarms = Alarm.objects.visible_to(user).filter(enterprise=enterprise)
    return {
        "exceeding": alarms.active().filter(kind=AlarmKind.EXCEEDANCE).count(),
        "alarms": list(alarms.select_related("point").order_by("-last_detected_at", "-id")[:SECTION_ROWS]),
    }


def compliance_context(enterprise: Any, user: Any) -> dict[str, Any]:
    """The compliance page's active alarms (``quality.views.register_compliance_context``)."""
    return {"alarms": list(Alarm.objects.filter(enterprise=enterprise).active().select_related("point")
                           .order_by("-last_detected_at")[:20])}
