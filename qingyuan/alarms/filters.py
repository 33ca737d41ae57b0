"""The board's and the API's filters, applied in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.dateparse import parse_date

from qingyuan.alarms.choices import ACTIVE_STATUSES, AlarmKind, AlarmStatus, Severity
from qingyuan.quality.compute import local_midnight


@dataclass(frozen=True)
class AlarmFilterValues:
    kind: str = ""
    status: str = ""
    severity: str = ""
    enterprise: int | None = None
    point: int | None = None
    parameter: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, data: Any) -> AlarmFilterValues:
        def number(name: str) -> int | None:
            value = data.get(name, "")
            return int(value) if str(value).isdigit() else None

        def choice(name: str, values: list[str]) -> str:
            value = data.get(name, "")
            return value if value in values else ""

        return cls(kind=choice("kind", AlarmKind.values), status=choice("status", [*AlarmStatus.values, "active"]),
                   severity=choice("severity", Severity.values), enterprise=number("enterprise"),
                   point=number("point"), parameter=data.get("parameter", "").strip()[:16],
                   since=parse_date(data.get("since", "") or "") if _is_date(data.get("since")) else None,
                   until=parse_date(data.get("until", "") or "") if _is_date(data.get("until")) else None,
                   q=data.get("q", "").strip()[:60])


def _is_date(value: Any) -> bool:
    try:
        return bool(value) and parse_date(value) is not None
    except ValueError:
        return False


def apply_filters(qs: Any, f: AlarmFilterValues) -> Any:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.enterprise is not None:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.point is not None:
        qs = qs.filter(point_id=f.point)
    if f.parameter:
        qs = qs.filter(parameter=f.parameter)
    if f.since is not None:
        qs = qs.filter(last_detected_at__gte=local_midnight(f.since))
    if f.until is not None:
        qs = qs.filter(first_detected_at__lt=local_midnight(f.until + dt.timedelta(days=1)))
    if f.q:
        qs = qs.filter(Q(point__name__icontains=f.q) | Q(point__mn__icontains=f.q) | Q(enterprise__name__icontains=f.q))
    return qs
