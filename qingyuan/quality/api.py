"""/api/v1/readings (raw or aggregated) and /api/v1/kpis, with the pages' access rules.

A point is named by ``point`` (id) or ``mn``; one the user may not see is a 404,
exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from qingyuan.core.api import ERRORS, ErrorOut, Paging, paginate
from qingyuan.enterprises.access import access_enterprise, access_point, access_point_by_mn
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring import store
from qingyuan.monitoring.models import Reading
from qingyuan.quality import kpi
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue

router = Router(tags=["readings"])

MAX_SPAN = dt.timedelta(days=366)
AGGREGATES = {"hour": HourlyValue, "day": DailyValue, "month": MonthlyValue}


class ReadingFilters(Paging):
    point: int | None = Field(None, description="monitoring point id")
    mn: str | None = Field(None, description="the logger's MN (instead of point)")
    kind: Literal["realtime", "minute", "hour", "day"] = Field("minute", description="raw upload kind")
    aggregation: Literal["none", "hour", "day", "month"] = Field(
        "none", description="none: the readings as received; hour/day/month: the platform's aggregates")
    parameter: str | None = None
    since: dt.datetime | None = Field(None, description="from (inclusive); default: 24 hours before until")
    until: dt.datetime | None = Field(None, description="to (exclusive); default: now")


class ReadingOut(Schema):
    time: dt.datetime
    parameter: str
    rtd: float | None
    avg: float | None
    min: float | None
    max: float | None
    cou: float | None
    zs_avg: float | None
    flag: str


class ValueOut(Schema):
    start: dt.datetime
    parameter: str
    unit: str
    source: str
    valid: bool
    n_expected: int
    n_received: int
    n_valid: int
    mean: float | None
    mean_arith: float | None
    mean_fw: float | None
    zs_mean: float | None
    min: float | None
    max: float | None
    volume_m3: float | None
    mass_kg: float | None
    cou_reported: float | None
    device_mean: float | None
    mismatch: bool


class PointRef(Schema):
    id: int
    mn: str
    name: str
    enterprise_id: int | None


class ReadingPage(Schema):
    point: PointRef
    kind: str
    aggregation: str
    since: dt.datetime
    until: dt.datetime
    count: int
    page: int
    page_size: int
    results: list[ReadingOut] | list[ValueOut]


def _point(request: HttpRequest, point: int | None, mn: str | None) -> MonitoringPoint:
    if point is not None:
        return access_point(request.user, point)
    if mn:
        return access_point_by_mn(request.user, mn)
    raise HttpError(422, "Give point (an id) or mn.")


def _range(since: dt.datetime | None, until: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    until = until or timezone.now()
    since = since or until - dt.timedelta(hours=24)
    for moment in (since, until):
        if timezone.is_naive(moment):
            raise HttpError(422, "Times need a zone, e.g. 2026-03-02T08:00:00+08:00.")
    if since >= until:
        raise HttpError(422, "since must be before until.")
    if until - since > MAX_SPAN:
        raise HttpError(422, "At most 366 days per request.")
    return since, until


@router.get("/readings", response={200: ReadingPage, **ERRORS})
def list_readings(request: HttpRequest, filters: Query[ReadingFilters]) -> dict[str, Any]:
    """Readings of one point over a time range, raw (``aggregation=none``, by ``kind``) or aggregated."""
    point = _point(request, filters.point, filters.mn)
    since, until = _range(filters.since, filters.until)
    if filters.aggregation == "none" and store.has_blocks([point.pk], filters.kind, since, until):
        # a compacted day: the read API's rows (block ∪ narrow), in the same order
        codes = [filters.parameter] if filters.parameter else None
        page = paginate(store.rows(point.pk, filters.kind, since, until, parameters=codes), filters)
    else:
        if filters.aggregation == "none":
            qs: Any = Reading.objects.filter(point=point, kind=filters.kind, time__gte=since, time__lt=until)
            order = ("time", "parameter")
        else:
            qs = AGGREGATES[filters.aggregation].objects.filter(point=point, start__gte=since, start__lt=until)
            order = ("start", "parameter")
        if filters.parameter:
            qs = qs.filter(parameter=filters.parameter)
        page = paginate(qs.order_by(*order), filters)
    outlet = point.outlet
    return {"point": {"id": point.pk, "mn": point.mn, "name": point.name,
                      "enterprise_id": outlet.enterprise_id if outlet else None},
            "kind": filters.kind, "aggregation": filters.aggregation, "since": since, "until": until, **page}


class KpiFilters(Schema):
    point: int | None = None
    enterprise: int | None = None
    month: dt.date | None = Field(None, description="any day of the month; default: this month")


class KpiOut(Schema):
    scope: str
    id: int
    first_day: dt.date
    last_day: dt.date
    expected: int
    received: int
    valid: int
    excluded: int
    transmission_rate: float | None
    validity_rate: float | None
    effective_rate: float | None = Field(None, description="有效传输率 = valid / expected")


@router.get("/kpis", response={200: KpiOut, **ERRORS, 400: ErrorOut})
def get_kpis(request: HttpRequest, filters: Query[KpiFilters]) -> dict[str, Any]:
    """Transmission KPIs of a point or an enterprise over a month (hourly records, all parameters)."""
    first, last = kpi.month_range(filters.month or timezone.localdate())
    rows = KpiDaily.objects.filter(day__gte=first, day__lte=last)
    if filters.point is not None:
        scope, pk = "point", access_point(request.user, filters.point).pk
        rows = rows.filter(point_id=pk)
    elif filters.enterprise is not None:
        scope, pk = "enterprise", access_enterprise(request.user, filters.enterprise).pk
        rows = rows.filter(point__outlet__enterprise_id=pk)
    else:
        raise Http404
    counts = kpi.totals(rows)
    return {"scope": scope, "id": pk, "first_day": first, "last_day": last, "expected": counts.expected,
            "received": counts.received, "valid": counts.valid, "excluded": counts.excluded,
            "transmission_rate": counts.transmission_rate, "validity_rate": counts.validity_rate,
            "effective_rate": counts.effective_rate}
