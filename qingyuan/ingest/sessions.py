"""Device connections as the gateway reports them: opened, authenticated (MN), closed.

Each session carries the identity of the gateway instance that holds it. When a
gateway starts, the sessions its previous run left open (it was killed: nobody
reported them closed) are closed as of the start, and the online flag of their
devices is judged again by the worker's rule (``monitoring.actions.mark_offline``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring.actions import mark_offline
from qingyuan.monitoring.models import DeviceSession

RESTARTED = "gateway restarted: the previous run ended without closing the connection"


def _at(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def gateway_started(instance: str, at: float) -> int:
    """Close what earlier runs of ``instance`` (and gateways that named no instance) left open.

    Sessions of other instances are left alone: those gateways may be running.
    Returns the number of sessions closed.
    """
    started = _at(at)
    with transaction.atomic():
        stale = DeviceSession.objects.filter(closed_at__isnull=True, opened_at__lt=started).filter(
            Q(gateway=instance) | Q(gateway=""))
        point_ids = set(stale.exclude(point=None).values_list("point_id", flat=True))
        closed = stale.update(closed_at=started, close_reason=RESTARTED)
        if point_ids:
            mark_offline(started, point_ids=point_ids)
    return closed


def opened(connection_id: int, peer: str, at: float, gateway: str = "") -> None:
    DeviceSession.objects.update_or_create(
        connection_id=connection_id, defaults={"peer": peer[:64], "opened_at": _at(at), "gateway": gateway[:100]})


def authenticated(connection_id: int, mn: str, at: float) -> int | None:
    """The first stored packet of ``mn`` on the connection (a logger rarely sends for two MNs).

    Returns the point's id (None for an MN that belongs to no point).
    """
    point_id = MonitoringPoint.objects.filter(mn=mn).values_list("pk", flat=True).first()
    DeviceSession.objects.filter(connection_id=connection_id, mn="").update(mn=mn[:64], point_id=point_id)
    return point_id


def closed(connection_id: int, at: float, reason: str) -> None:
    DeviceSession.objects.filter(connection_id=connection_id, closed_at__isnull=True).update(
        closed_at=_at(at), close_reason=reason[:200])
