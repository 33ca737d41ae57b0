"""The bytes of a queued :class:`DeviceCommand`, built when the gateway takes it.

The QN is fixed when the command is queued (the device's 9011/9012 answers
carry it back); the payload is built at sending time so that a 1012 sets the
clock to the time it is sent, in the device's zone (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from qingyuan import hj212
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring.choices import CommandKind

VERSION_BITS = {"2005": 0, "2017": 1, "2025": 2}


def device_zone() -> ZoneInfo:
    """The zone of DataTime and of the clocks of the park's loggers."""
    return ZoneInfo(getattr(settings, "QINGYUAN_DEVICE_TIME_ZONE", "Asia/Shanghai"))


def device_now(now: dt.datetime | None = None) -> dt.datetime:
    """The current time as a device shows it: naive, in the device zone."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(device_zone()).replace(tzinfo=None)


def new_qn(now: dt.datetime | None = None) -> str:
    return hj212.new_qn(device_now(now))


def payload(kind: str, params: dict[str, object], point: MonitoringPoint, qn: str,
            now: dt.datetime | None = None) -> bytes:
    """The command frame for ``point``. Raises :class:`hj212.CommandError` on a bad parameter."""
    common = {"st": point.st or "32", "version": VERSION_BITS.get(point.protocol_version, 1)}
    mn, pw = point.mn, point.password
    if kind == CommandKind.SET_TIME:
        return hj212.set_time(mn, pw, device_now(now), qn, **common)  # type: ignore[arg-type]
    if kind == CommandKind.SET_OVERTIME:
        return hj212.set_overtime_recount(
            mn, pw, int(params["over_time"]), int(params["re_count"]), qn, **common  # type: ignore[arg-type,call-overload]
        )
    if kind == CommandKind.SET_RTD_INTERVAL:
        return hj212.set_rtd_interval(mn, pw, int(params["seconds"]), qn, **common)  # type: ignore[arg-type,call-overload]
    if kind == CommandKind.SET_MIN_INTERVAL:
        return hj212.set_min_interval(mn, pw, int(params["minutes"]), qn, **common)  # type: ignore[arg-type,call-overload]
    if kind == CommandKind.START_REALTIME:
        return hj212.start_realtime(mn, pw, qn, **common)  # type: ignore[arg-type]
    if kind == CommandKind.STOP_REALTIME:
        return hj212.stop_realtime(mn, pw, qn, **common)  # type: ignore[arg-type]
    if kind == CommandKind.START_STATUS:
        return hj212.start_facility_status(mn, pw, qn, **common)  # type: ignore[arg-type]
    if kind == CommandKind.GET_FIELD_INFO:
        return hj212.get_field_info(
            mn, pw, qn, polid=str(params["polid"]), info_id=str(params["info_id"]), **common  # type: ignore[arg-type]
        )
    raise hj212.CommandError(f"unknown command kind {kind!r}")
