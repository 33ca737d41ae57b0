"""/api/v1/alarms: list and read alarms with the board's filters and access rules (read-only)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qingyuan.alarms.access import access_alarm
from qingyuan.alarms.choices import AlarmKind, AlarmStatus, Severity
from qingyuan.alarms.filters import AlarmFilterValues, apply_filters
from qingyuan.alarms.models import Alarm
from qingyuan.core.api import ERRORS, Paging, paginate

router = Router(tags=["alarms"])

KindValue = Literal[tuple(AlarmKind.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple([*AlarmStatus.values, "active"])]  # type: ignore[valid-type]
SeverityValue = Literal[tuple(Severity.values)]  # type: ignore[valid-type]


class AlarmQuery(Paging):
    kind: KindValue | None = None
    status: StatusValue | None = Field(None, description="a status, or active (anything not closed)")
    severity: SeverityValue | None = None
    enterprise: int | None = None
    point: int | None = None
    parameter: str | None = None
    since: dt.date | None = Field(None, description="last detected on or after (local date)")
    until: dt.date | None = Field(None, description="first detected on or before (local date)")


class AlarmOut(Schema):
    id: int
    park_id: int
    enterprise_id: int | None
    enterprise_name: str | None
    point_id: int
    point_name: str
    mn: str
    parameter: str
    kind: str
    kind_label: str
    severity: str
    status: str
    status_label: str
    start: dt.datetime
    end: dt.datetime
    peak: float | None
    limit: float | None
    unit: str
    count: int
    first_detected_at: dt.datetime
    last_detected_at: dt.datetime
    assignment_id: int | None
    verdict: str
    detail: dict[str, Any]

    @staticmethod
    def resolve_enterprise_name(obj: Alarm) -> str | None:
        return obj.enterprise.name if obj.enterprise_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_point_name(obj: Alarm) -> str:
        return obj.point.name

    @staticmethod
    def resolve_mn(obj: Alarm) -> str:
        return obj.point.mn

    @staticmethod
    def resolve_kind_label(obj: Alarm) -> str:
        return str(AlarmKind(obj.kind).label)

    @staticmethod
    def resolve_status_label(obj: Alarm) -> str:
        return str(AlarmStatus(obj.status).label)


class AlarmDetailOut(AlarmOut):
    explanation_kind: str
    explanation: str
    explained_at: dt.datetime | None
    explained_by_name: str
    verdict_note: str
    verified_at: dt.datetime | None
    verified_by_name: str
    closed_at: dt.datetime | None


class AlarmPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AlarmOut]


@router.get("/alarms", response={200: AlarmPage, **ERRORS})
def list_alarms(request: HttpRequest, filters: Query[AlarmQuery]) -> dict[str, Any]:
    qs = Alarm.objects.visible_to(request.user).select_related("enterprise", "point")
    qs = apply_filters(qs, AlarmFilterValues(
        kind=filters.kind or "", status=filters.status or "", severity=filters.severity or "",
        enterprise=filters.enterprise, point=filters.point, parameter=filters.parameter or "",
        since=filters.since, until=filters.until))
    return paginate(qs.order_by("-last_detected_at", "-id"), filters)


@router.get("/alarms/{alarm_id}", response={200: AlarmDetailOut, **ERRORS})
def get_alarm(request: HttpRequest, alarm_id: int) -> Alarm:
    return access_alarm(request.user, alarm_id)
