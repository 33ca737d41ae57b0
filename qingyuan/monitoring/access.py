"""Who may see and act on monitoring data. Every rule is one line; not visible means 404.

A point's readings, sessions and commands are visible to whoever sees the
point (``MonitoringPoint.objects.visible_to``; the point itself through
``enterprises.access.access_point``). Commands are queued by the park's
managers (office staff, leaders, administrators): ``access_point(..., for_write=True)``.

Raw frames are monitoring evidence and carry the device's password (masked on
every page, but a frame is still more than a reader needs): a point's raw
packets are for the park's managers, the enterprise's linked unit and the
enterprise itself; supervisors, inspectors, experts, unlinked units and other
enterprises get 404. The quarantine (frames of unknown MNs and wrong
passwords) is for park managers only: an entry naming a point of another park
is not theirs.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from qingyuan.core.access import get_visible
from qingyuan.enterprises.access import LINKED, OWNER, access_point, can_change_point, enterprise_roles
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring.models import Quarantine, RawPacket
from qingyuan.org.actor import actor_for


def visible_points(user: Any):  # type: ignore[no-untyped-def]
    return MonitoringPoint.objects.visible_to(user)


def can_command(user: Any, point: MonitoringPoint) -> bool:
    """Queue commands and change the device setup: whoever may change the point."""
    return can_change_point(user, point)


def sees_frames(user: Any, point: MonitoringPoint) -> bool:
    """The point's raw packets: its park's managers, its enterprise's linked unit, the enterprise itself."""
    if actor_for(user).manages_park(point.park_id):
        return True
    enterprise = point.outlet.enterprise if point.outlet_id else None
    return enterprise is not None and bool(enterprise_roles(user, enterprise) & {LINKED, OWNER})


def access_frames(user: Any, pk: Any) -> MonitoringPoint:
    """The point whose raw packets the user may read; 404 otherwise (see the module doc)."""
    point = access_point(user, pk)
    if not sees_frames(user, point):
        raise Http404
    return point


def access_packet(user: Any, pk: Any) -> RawPacket:
    packet = get_visible(
        RawPacket.objects.filter(point__in=visible_points(user).values("pk"))
        .select_related("point__outlet__enterprise"), pk=pk
    )
    if not sees_frames(user, packet.point):
        raise Http404
    return packet


def sees_park_totals(user: Any) -> bool:
    """Park-wide counts on the status page (rejects by reason, gateway stats): park-wide roles."""
    actor = actor_for(user)
    return actor.is_superuser or bool(actor.park_wide_ids)


def sees_quarantine(user: Any) -> bool:
    return manages_any_park(user)


def visible_quarantine(user: Any):  # type: ignore[no-untyped-def]
    """Entries of unknown MNs, and of MNs of points in the parks the user manages."""
    actor = actor_for(user)
    if not sees_quarantine(user):
        return Quarantine.objects.none()
    if actor.is_superuser:
        return Quarantine.objects.all()
    managed = [p for p in actor.roles_by_park if actor.manages_park(p)]
    return Quarantine.objects.exclude(mn__in=MonitoringPoint.objects.exclude(park_id__in=managed).values("mn"))


def manages_any_park(user: Any) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or any(actor.manages_park(p) for p in actor.roles_by_park)


def access_quarantine(user: Any, pk: Any, *, for_write: bool = False) -> Quarantine:
    """An entry the user sees (only park managers see any, so ``for_write`` adds no rule); 404 otherwise."""
    return get_visible(visible_quarantine(user), pk=pk)


def can_handle_entry(user: Any, point: MonitoringPoint | None) -> bool:
    """Dismiss or update from an entry: a manager of the named point's park (any park for an unknown MN)."""
    return manages_any_park(user) if point is None else actor_for(user).manages_park(point.park_id)


def can_register_in(user: Any, park_id: int) -> bool:
    return actor_for(user).manages_park(park_id)
