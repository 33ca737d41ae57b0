"""Who may do what with a notice (staff side): rules in code, each on its own line."""

from __future__ import annotations

from typing import Any

from qingyuan.core.access import get_visible
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.portal.models import Notice
from qingyuan.portal.workflow import LEADER, OFFICE


def notice_roles(user: Any, park_id: int) -> frozenset[str]:
    roles = actor_for(user).roles_in_park(park_id)
    out = set()
    if roles & {Role.OFFICE_STAFF, Role.ADMIN}:
        out.add(OFFICE)  # the office drafts, edits, publishes and withdraws
    if Role.LEADER in roles:
        out.add(LEADER)  # a leader approves (and may withdraw)
    return frozenset(out)


def drafting_parks(user: Any) -> list[int]:
    """The parks whose notices the user may draft (office staff, administrators)."""
    actor = actor_for(user)
    return sorted(actor.park_ids_with(frozenset({Role.OFFICE_STAFF, Role.ADMIN})))


def manages_notices(actor: Any) -> bool:
    """Menu rule: office staff, leaders and administrators of some park."""
    return actor.is_superuser or bool(actor.park_ids_with(frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN})))


def access_notice(user: Any, pk: Any, *, for_write: bool = False) -> Notice:
    """A notice on the staff side (any state); 404 outside the user's parks."""
    notice = get_visible(Notice.objects.visible_to(user).select_related("park", "enterprise"), pk=pk)
    if for_write and not notice_roles(user, notice.park_id):
        raise get_visible(Notice.objects.none(), pk=pk)
    return notice
