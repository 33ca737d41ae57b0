"""Who may do what with a meeting: rules in code, each on its own line. Not visible means 404."""

from __future__ import annotations

from typing import Any

from qingyuan.core.access import get_visible
from qingyuan.meetings.models import AgendaItem, Meeting
from qingyuan.meetings.workflow import CHAIR, OFFICE
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role

INVITEE = "invitee"


def meeting_roles(user: Any, meeting: Meeting) -> frozenset[str]:
    actor = actor_for(user)
    park_roles = actor.roles_in_park(meeting.park_id)
    out = set()
    if park_roles & {Role.OFFICE_STAFF, Role.ADMIN}:
        out.add(OFFICE)  # the office schedules, invites, records the minutes and issues them
    if actor.user_id is not None and actor.user_id == meeting.chair_id:
        out.add(CHAIR)  # the chair approves the minutes
    if actor.user_id is not None and meeting.invitations.filter(user_id=actor.user_id).exists():
        out.add(INVITEE)
    return frozenset(out)


def can_schedule(user: Any, park_id: int) -> bool:
    return bool(actor_for(user).roles_in_park(park_id) & {Role.OFFICE_STAFF, Role.ADMIN})


def access_meeting(user: Any, pk: Any, *, for_write: bool = False) -> Meeting:
    """A meeting the user may see (``for_write``: manage as the office); 404 otherwise."""
    meeting = get_visible(Meeting.objects.visible_to(user).select_related("park"), pk=pk)
    if for_write and OFFICE not in meeting_roles(user, meeting):
        raise get_visible(Meeting.objects.none(), pk=pk)  # raises Http404
    return meeting


def access_item(user: Any, pk: Any, item_pk: Any, *, for_write: bool = False) -> AgendaItem:
    meeting = access_meeting(user, pk, for_write=for_write)
    return get_visible(AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting=meeting)
