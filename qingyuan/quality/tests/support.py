"""Building readings, permits and packets for the quality and alarms tests."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.enterprises.models import MonitoringPoint, Permit, PermitLimit
from qingyuan.gateway.sink import Received
from qingyuan.hj212 import Decoder, Packet, build_packet
from qingyuan.monitoring.models import Reading

UTC = dt.UTC
LOCAL = dt.timezone(dt.timedelta(hours=8))
_QN = itertools.count(1)


def at(text: str) -> dt.datetime:
    """'2026-03-02 08:00' in Asia/Shanghai, as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def readings(point: MonitoringPoint, kind: str, start: dt.datetime, code: str, values: Sequence[float | None],
             *, step: dt.timedelta | None = None, flags: Sequence[str] | None = None, **extra: Any) -> list[Reading]:
    """Store one parameter's values from ``start`` every ``step`` (default: the kind's interval)."""
    step = step or {"minute": dt.timedelta(minutes=point.min_interval_min), "hour": dt.timedelta(hours=1),
                    "day": dt.timedelta(days=1)}[kind]
    flags = flags or ["N"] * len(values)
    rows = [Reading(point=point, kind=kind, time=start + step * i, parameter=code, avg=v, flag=f, **extra)
            for i, (v, f) in enumerate(zip(values, flags, strict=True))]
    return Reading.objects.bulk_create(rows)


def permit(enterprise: Any, outlet: Any, limits: dict[str, float], *, ref: str = "GB 8978-1996 表4 grade1",
           unit: str = "mg/L", annual_t: float | None = 10.0) -> Permit:
    p = Permit.objects.create(enterprise=enterprise, number=f"P{enterprise.pk}-{next(_QN)}", issuer="县环保局",
                              valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2030, 12, 31))
    for code, value in limits.items():
        PermitLimit.objects.create(permit=p, outlet=outlet, pollutant_code=code,
                                   concentration_limit=Decimal(str(value)), unit=unit, standard_ref=ref,
                                   annual_load_t=Decimal(str(annual_t)) if annual_t is not None else None)
    return p


def packet(point: MonitoringPoint, when: dt.datetime, values: dict[str, float | tuple[float, str]], *,
           cn: str = "2051", received_at: float | None = None) -> Received:
    """An upload of ``point`` (DataTime ``when``, local) as the gateway hands it to the sink."""
    local = when.astimezone(LOCAL)
    parts = [f"DataTime={local:%Y%m%d%H%M%S}"]
    for code, v in values.items():
        value, flag = v if isinstance(v, tuple) else (v, "N")
        parts.append(f"{code}-Avg={value},{code}-Flag={flag}")
    data = build_packet(st=point.st, cn=cn, pw=point.password, mn=point.mn, cp=";".join(parts),
                        qn=f"{local:%Y%m%d%H%M%S}{next(_QN) % 1000:03d}", flag=5)
    decoder = Decoder()
    decoder.receive_data(data)
    event = decoder.next_event()
    assert isinstance(event, Packet), event
    return Received(event, "10.0.0.9:40000", time.time() if received_at is None else received_at, 1)


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n", content_type="application/pdf")


def values(rows: Iterable[Any], *fields: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(r, f) for f in fields) for r in rows]
