"""The online data's proof that a plant stopped: since the stop date its points' flow is zero or
they are silent. Read from the raw readings (``monitoring.Reading``), the hourly and daily
aggregates (``quality``) and the device state (last packet).

A point is *flowing* at a time when a flow parameter (w00000 waste water, a00000 waste gas)
has a value above zero then: a raw reading's real-time or average value, or an hour's or day's mean.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.monitoring import store
from qingyuan.monitoring.models import DeviceState, Reading
from qingyuan.quality.models import DailyValue, HourlyValue
from qingyuan.quality.validity import FLOW_CODES

ZONE = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Flow:
    """One flow value: when, which parameter, how much, from which table."""

    time: dt.datetime
    parameter: str
    value: float
    source: str  # "reading", "hour", "day"


@dataclass
class PointProof:
    point: MonitoringPoint
    since: dt.datetime
    last_flow: Flow | None          # the newest non-zero flow, whenever it was
    latest: list[Flow]              # the newest flow values since the stop (zeros prove the stop)
    last_packet: dt.datetime | None  # the device's last packet

    @property
    def flowing_since_stop(self) -> bool:
        return self.last_flow is not None and self.last_flow.time >= self.since

    @property
    def silent(self) -> bool:
        """Nothing at all since the stop: no packet and no value."""
        return not self.latest and (self.last_packet is None or self.last_packet < self.since)

    @property
    def proves_stop(self) -> bool:
        return not self.flowing_since_stop


def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=ZONE)


def last_flow(point: MonitoringPoint, since: dt.datetime | None = None) -> Flow | None:
    """The newest non-zero flow of ``point`` (at or after ``since`` if given).

    A narrow reading whose key a block holds is a retransmission of it: the block's copy wins, so it
    is passed over here and the blocks are searched for the newest matching reading instead."""
    found: list[Flow] = []
    readings = Reading.objects.filter(Q(rtd__gt=0) | Q(avg__gt=0), point=point, parameter__in=FLOW_CODES)
    for table, qs, column in (("hour", HourlyValue.objects, "start"), ("day", DailyValue.objects, "start")):
        rows = qs.filter(point=point, parameter__in=FLOW_CODES, mean__gt=0)
        if since is not None:
            rows = rows.filter(**{f"{column}__gte": since})
        row = rows.order_by(f"-{column}").values_list(column, "parameter", "mean").first()
        if row:
            found.append(Flow(row[0], row[1], row[2], table))
    if since is not None:
        readings = readings.filter(time__gte=since)
    reading = next((r[:4] for r in readings.order_by("-time").values_list("time", "parameter", "rtd", "avg", "kind")
                    .iterator(chunk_size=20) if not store.in_blocks(point.pk, r[4], r[0], r[1])), None)
    in_block = store.newest_in_blocks(  # a compacted day may hold a newer one (same condition)
        point.pk, store.COMPACTED, lambda r: r.parameter in FLOW_CODES and ((r.rtd or 0) > 0 or (r.avg or 0) > 0),
        since=since, newer_than=reading[0] if reading else None)
    if in_block is not None:
        r = in_block[1]
        reading = (r.time, r.parameter, r.rtd, r.avg)
    if reading:
        value = reading[3] if reading[3] is not None else reading[2]
        found.append(Flow(reading[0], reading[1], value or 0.0, "reading"))
    return max(found, key=lambda f: f.time) if found else None


def latest_flows(point: MonitoringPoint, since: dt.datetime, n: int = 5) -> list[Flow]:
    """The newest hourly (else daily) flow values since ``since``, newest first."""
    rows = list(HourlyValue.objects.filter(point=point, parameter__in=FLOW_CODES, start__gte=since)
                .order_by("-start").values_list("start", "parameter", "mean")[:n])
    source = "hour"
    if not rows:
        rows = list(DailyValue.objects.filter(point=point, parameter__in=FLOW_CODES, start__gte=since)
                    .order_by("-start").values_list("start", "parameter", "mean")[:n])
        source = "day"
    return [Flow(t, p, v or 0.0, source) for t, p, v in rows]


def stop_proof(enterprise: Enterprise, stopped_on: dt.date) -> list[PointProof]:
    """Each outlet point of the enterprise: its data since the stop date (local midnight)."""
    since = start_of(stopped_on)
    points = list(MonitoringPoint.objects.filter(outlet__enterprise=enterprise).order_by("name", "pk"))
    packets = dict(DeviceState.objects.filter(point__in=points).values_list("point_id", "last_seen"))
    return [PointProof(p, since, last_flow(p), latest_flows(p, since), packets.get(p.pk)) for p in points]


def recent_flow(point: MonitoringPoint, days: int, now: dt.datetime | None = None) -> Flow | None:
    """A non-zero flow of ``point`` within the last ``days`` days (the newest), or None."""
    now = now or timezone.now()
    return last_flow(point, since=now - dt.timedelta(days=days))
