"""Device connections as the gateway reports them: opened, authenticated (MN), closed."""

from __future__ import annotations

import datetime as dt

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring.models import DeviceSession


def _at(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def opened(connection_id: int, peer: str, at: float) -> None:
    DeviceSession.objects.update_or_create(
        connection_id=connection_id, defaults={"peer": peer[:64], "opened_at": _at(at)})


def authenticated(connection_id: int, mn: str, at: float) -> None:
    """The first stored packet of ``mn`` on the connection (a logger rarely sends for two MNs)."""
    point_id = MonitoringPoint.objects.filter(mn=mn).values_list("pk", flat=True).first()
    DeviceSession.objects.filter(connection_id=connection_id, mn="").update(mn=mn[:64], point_id=point_id)


def closed(connection_id: int, at: float, reason: str) -> None:
    DeviceSession.objects.filter(connection_id=connection_id, closed_at__isnull=True).update(
        closed_at=_at(at), close_reason=reason[:200])
