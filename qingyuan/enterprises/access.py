"""Who may see and change an enterprise and its monitoring points. Every rule is one line; not visible means 404.

``access_enterprise`` and ``access_point`` are defined here and nowhere else: the apps that show an
enterprise's or a point's data (quality, loads, monitoring, inspections, closures) call them and add
their own rule after (e.g. inspections: "only the park's readers see the live data").
"""

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


def can_change_point(user: Any, point: MonitoringPoint) -> bool:
    """Register, command or configure a point: the park's managers (office staff, leaders, administrators)."""
    return actor_for(user).manages_park(point.park_id)


def access_point(user: Any, pk: Any, *, for_write: bool = False) -> MonitoringPoint:
    """The point ``pk`` the user sees (``MonitoringPoint.objects.visible_to``), else 404; with
    ``for_write``, PermissionDenied unless the user may change it (``can_change_point``)."""
    point = get_visible(_points(user), pk=pk)
    if for_write and not can_change_point(user, point):
        raise PermissionDenied
    return point


def access_point_by_mn(user: Any, mn: str) -> MonitoringPoint:
    """The point with data-logger number ``mn`` the user sees, else 404."""
    return get_visible(_points(user), mn=mn)


def _points(user: Any):  # type: ignore[no-untyped-def]
    return MonitoringPoint.objects.visible_to(user).select_related("park", "outlet__enterprise")
