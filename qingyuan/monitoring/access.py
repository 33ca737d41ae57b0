"""Who may see and act on monitoring data. Every rule is one line; not visible means 404.

A point's readings, packets, sessions and commands are visible to whoever sees
the point (``MonitoringPoint.objects.visible_to``). Commands are queued by the
park's managers (office staff, leaders, administrators). The quarantine holds
MNs that belong to no point yet, so only park-wide roles see it, and only park
managers register a point from it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from qingyuan.core.access import get_visible
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring.models import Quarantine, RawPacket
from qingyuan.org.actor import actor_for


def visible_points(user: Any):  # type: ignore[no-untyped-def]
    return MonitoringPoint.objects.visible_to(user)


def access_point(user: Any, pk: Any, *, for_write: bool = False) -> MonitoringPoint:
    point = get_visible(visible_points(user).select_related("park", "outlet__enterprise"), pk=pk)
    if for_write and not can_command(user, point):
        raise PermissionDenied
    return point


def can_command(user: Any, point: MonitoringPoint) -> bool:
    return actor_for(user).manages_park(point.park_id)


def access_packet(user: Any, pk: Any) -> RawPacket:
    return get_visible(
        RawPacket.objects.filter(point__in=visible_points(user).values("pk")).select_related("point"), pk=pk
    )


def sees_quarantine(user: Any) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or bool(actor.park_wide_ids)


def manages_any_park(user: Any) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or any(actor.manages_park(p) for p in actor.roles_by_park)


def access_quarantine(user: Any, pk: Any, *, for_write: bool = False) -> Quarantine:
    if not sees_quarantine(user):
        raise Http404
    entry = get_visible(Quarantine.objects.all(), pk=pk)
    if for_write and not manages_any_park(user):
        raise PermissionDenied
    return entry


def can_handle_entry(user: Any, point: MonitoringPoint | None) -> bool:
    """Dismiss or update from an entry: a manager of the named point's park (any park for an unknown MN)."""
    return manages_any_park(user) if point is None else actor_for(user).manages_park(point.park_id)


def can_register_in(user: Any, park_id: int) -> bool:
    return actor_for(user).manages_park(park_id)
