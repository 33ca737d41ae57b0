"""Worker step ``meetings.reminders``: remind every invitee one day and one hour before.

The day reminder goes out in [start − 24 h, start − 1 h), the hour reminder in [start − 1 h,
start). A reminder is a ``Reminder`` row, unique per meeting, person and kind: a worker that
loses the insert to another (IntegrityError) sends nothing, so each person is reminded once per
meeting and kind however many workers run. An invitee who said they are absent is not reminded.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.notify import notify
from qingyuan.meetings.choices import MeetingStatus, ReminderKind, Response
from qingyuan.meetings.models import Invitation, Meeting, Reminder

WINDOWS = {ReminderKind.DAY: (dt.timedelta(hours=24), dt.timedelta(hours=1)),
           ReminderKind.HOUR: (dt.timedelta(hours=1), dt.timedelta(0))}
BATCH = 200


def due(kind: str, now: dt.datetime) -> list[Invitation]:
    early, late = WINDOWS[ReminderKind(kind)]
    sent = Reminder.objects.filter(meeting_id=OuterRef("meeting_id"), user_id=OuterRef("user_id"), kind=kind)
    return list(Invitation.objects.filter(
        meeting__status=MeetingStatus.NOTIFIED, meeting__starts_at__gt=now + late,
        meeting__starts_at__lte=now + early).exclude(response=Response.ABSENT)
        .exclude(Exists(sent)).select_related("meeting", "user").order_by("meeting_id", "id")[:BATCH])


def handle_one_reminder(now: dt.datetime | None = None) -> bool:
    """Send the due reminders of one batch; True if any was sent."""
    now = now or timezone.now()
    sent = 0
    for kind in (ReminderKind.HOUR, ReminderKind.DAY):
        for invitation in due(kind, now):
            try:
                with transaction.atomic():
                    Reminder.objects.create(meeting_id=invitation.meeting_id, user_id=invitation.user_id, kind=kind)
                    _tell(invitation.meeting, invitation, kind)
            except IntegrityError:
                continue  # another worker reminded this person
            sent += 1
    return sent > 0


def _tell(meeting: Meeting, invitation: Invitation, kind: str) -> None:
    local = timezone.localtime(meeting.starts_at)
    title = (_("Tomorrow: %(t)s at %(when)s, %(place)s") if kind == ReminderKind.DAY
             else _("In one hour: %(t)s at %(when)s, %(place)s")) % {
        "t": meeting.title, "when": f"{local:%H:%M}", "place": meeting.place}
    notify([invitation.user], kind="meeting.reminder", title=title, url=meeting.get_absolute_url())
