"""Who may see and change an enterprise. Every rule is one line; not visible means 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from qingyuan.core.access import get_visible
from qingyuan.enterprises.lifecycle import LINKED
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import PARK_MANAGER_ROLES, Role

OWNER = "owner"


def enterprise_roles(user: Any, enterprise: Enterprise) -> frozenset[str]:
    """The user's roles toward this enterprise, as the lifecycle workflow names them."""
    actor = actor_for(user)
    roles = set(actor.roles_in_park(enterprise.park_id))
    if enterprise.linked_unit_id in actor.unit_ids and Role.UNIT_OFFICER in actor.roles_by_unit.get(
        enterprise.linked_unit_id, frozenset()
    ):
        roles.add(LINKED)
    if enterprise.linked_officer_id == actor.user_id and actor.user_id is not None:
        roles.add(LINKED)
    if user.is_authenticated and enterprise.accounts.filter(user=user).exists():
        roles.add(OWNER)
    return frozenset(roles)


def can_edit(user: Any, enterprise: Enterprise) -> bool:
    roles = enterprise_roles(user, enterprise)
    return bool(roles & PARK_MANAGER_ROLES) or LINKED in roles


def can_create_in(user: Any, park_id: int) -> bool:
    return actor_for(user).manages_park(park_id)


def access_enterprise(user: Any, pk: Any, *, for_write: bool = False) -> Enterprise:
    enterprise = get_visible(
        Enterprise.objects.visible_to(user).select_related("park", "linked_unit", "linked_officer__person"), pk=pk
    )
    if for_write and not can_edit(user, enterprise):
        raise PermissionDenied
    return enterprise


def access_point(user: Any, pk: Any) -> MonitoringPoint:
    return get_visible(
        MonitoringPoint.objects.visible_to(user).select_related("park", "outlet__enterprise"), pk=pk
    )
