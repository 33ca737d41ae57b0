"""The meetings panel on the homes: the person's upcoming meetings (home), the park's (cockpit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingyuan.meetings.choices import MeetingStatus
from qingyuan.meetings.models import Invitation, Meeting

SHOWN = 5
LIVE = (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED)


def home(request: Any, park: Any, today: dt.date) -> dict[str, Any] | None:
    """Meetings the user is invited to from today on, with their reply; none: no panel."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    since = timezone.now() - dt.timedelta(hours=3)
    invitations = list(Invitation.objects.filter(user=user, meeting__starts_at__gte=since, meeting__status__in=LIVE)
                       .select_related("meeting").order_by("meeting__starts_at")[:SHOWN])
    if not invitations:
        return None
    return {"invitations": invitations}


def cockpit(request: Any, park: Any, today: dt.date) -> dict[str, Any] | None:
    if park is None:
        return None
    since = timezone.now() - dt.timedelta(hours=3)
    meetings = list(Meeting.objects.visible_to(request.user).filter(park=park, starts_at__gte=since,
                                                                   status__in=LIVE).order_by("starts_at")[:SHOWN])
    mine = dict(Invitation.objects.filter(user=request.user, meeting__in=meetings).values_list("meeting_id",
                                                                                               "response"))
    return {"meetings": meetings, "mine": mine, "empty": not meetings}
