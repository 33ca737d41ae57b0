"""Who may do what with a briefing: rules in code, each on its own line."""

from __future__ import annotations

from typing import Any

from qingyuan.briefings.models import Briefing
from qingyuan.briefings.workflow import LEADER, OFFICE
from qingyuan.core.access import get_visible
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role


def briefing_roles(user: Any, park_id: int) -> frozenset[str]:
    roles = actor_for(user).roles_in_park(park_id)
    out = set()
    if roles & {Role.OFFICE_STAFF, Role.ADMIN}:
        out.add(OFFICE)  # the office drafts, edits and issues
    if Role.LEADER in roles:
        out.add(LEADER)  # the leader approves
    return frozenset(out)


def can_draft(user: Any, park_id: int) -> bool:
    return OFFICE in briefing_roles(user, park_id)


def access_briefing(user: Any, pk: Any, *, for_write: bool = False) -> Briefing:
    """A briefing the user may see (and, ``for_write``, manage as office or leader); 404 otherwise."""
    briefing = get_visible(Briefing.objects.visible_to(user).select_related("park"), pk=pk)
    if for_write and not briefing_roles(user, briefing.park_id):
        raise get_visible(Briefing.objects.none(), pk=pk)  # raises Http404
    return briefing
