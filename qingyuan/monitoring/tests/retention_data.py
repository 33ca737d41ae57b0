"""Hand-built rows for the retention tests: readings, raw packets and blocks at chosen times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingyuan.monitoring.holds import ZONE
from qingyuan.monitoring.models import PacketBlock, RawPacket, Reading, ReadingBlock

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=ZONE)  # today is 2026-03-20 (local)
WINDOWS = {"QINGYUAN_RETAIN_REALTIME_DAYS": 10, "QINGYUAN_RETAIN_MINUTE_DAYS": 30, "QINGYUAN_RETAIN_RAW_DAYS": 20}
# First kept days: real-time 2026-03-10, minute 2026-02-18, raw 2026-02-28.


def at(day: dt.date, hh: int = 0, mm: int = 0, ss: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm, ss), ZONE)


def reading(point: Any, kind: str, when: dt.datetime, parameter: str = "w01018") -> Reading:
    value = {"rtd": 1.5} if kind == "realtime" else {"avg": 1.5}
    return Reading.objects.create(point=point, kind=kind, time=when, parameter=parameter, **value)


def packet(point: Any, when: dt.datetime, *, mn: str = "") -> RawPacket:
    return RawPacket.objects.create(point=point, mn=mn or getattr(point, "mn", "UNKNOWN"), cn="2011",
                                    received_at=when, peer="10.0.0.8:40000", text="##0000", verdict="stored")


def reading_block(point: Any, kind: str, day: dt.date, count: int = 7) -> ReadingBlock:
    return ReadingBlock.objects.create(point=point, kind=kind, day=day, parameters="w01018", count=count,
                                       data=b"x", checksum=0, compacted_at=timezone.now())


def packet_block(point: Any, day: dt.date, count: int = 5) -> PacketBlock:
    return PacketBlock.objects.create(point=point, day=day, count=count, first_received=at(day, 1),
                                      last_received=at(day, 23), index=b"i", data=b"x", checksum=0,
                                      compacted_at=timezone.now())
