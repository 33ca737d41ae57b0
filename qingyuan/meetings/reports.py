"""Platform reports attached to an agenda item.

The cockpit snapshot is stored as figures at attach time: the cockpit is live, and a meeting
must later show what it looked at that day, not today's numbers (docs/meetings.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext

from qingyuan.alarms.choices import ACTIVE_STATUSES, AlarmKind
from qingyuan.alarms.models import Alarm
from qingyuan.briefings.choices import Status as BriefingStatus
from qingyuan.briefings.models import Briefing
from qingyuan.complaints.models import Complaint
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.models import Enterprise
from qingyuan.tasks.choices import EscalationLevel
from qingyuan.tasks.models import Assignment


def latest_briefing(park_id: int) -> Briefing | None:
    return (Briefing.objects.filter(park_id=park_id, status=BriefingStatus.ISSUED)
            .order_by("-issued_at", "-id").first())


def cockpit_snapshot(park_id: int, today: dt.date) -> dict[str, Any]:
    """The park-wide cockpit figures of ``today`` as rows of [label, number] (labels in the language of the
    office that attached them, so the page shows exactly what the meeting saw)."""
    by_status = dict(Enterprise.objects.filter(park_id=park_id).order_by().values_list("status")
                     .annotate(n=Count("id")))
    open_ = Assignment.objects.filter(park_id=park_id).open()
    levels = dict(open_.filter(escalation_level__gt=0).order_by().values_list("escalation_level")
                  .annotate(n=Count("id")))
    rows: list[list[Any]] = [[str(s.label), by_status.get(s.value, 0)] for s in EnterpriseStatus
                             if by_status.get(s.value)]
    rows.append([gettext("Active exceedance alarms"), Alarm.objects.filter(
        park_id=park_id, kind=AlarmKind.EXCEEDANCE, status__in=ACTIVE_STATUSES).count()])
    rows.append([gettext("Open assignments"), open_.count()])
    rows.append([gettext("Overdue assignments"), open_.filter(deadline__lt=today).count()])
    rows += [[str(lv.label), levels.get(lv.value, 0)] for lv in EscalationLevel if lv.value > 1]
    rows.append([gettext("Complaints this year"), Complaint.objects.filter(park_id=park_id,
                                                                              year=today.year).count()])
    return {"day": today.isoformat(), "rows": rows}

