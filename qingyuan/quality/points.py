"""What the aggregates need to know about a monitoring point, loaded once per run."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from qingyuan.enterprises.models import MonitoringPoint, PermitLimit
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.models import StopDeclaration
from qingyuan.quality.validity import expected_per_hour, is_cycled, values_per_day, values_per_hour


def zone() -> ZoneInfo:
    """Local days and months are counted in the devices' zone (Asia/Shanghai), like DataTime."""
    return ZoneInfo(getattr(settings, "QINGYUAN_DEVICE_TIME_ZONE", "Asia/Shanghai"))


@dataclass(frozen=True)
class PointInfo:
    id: int
    park_id: int
    outlet_id: int | None
    enterprise_id: int | None
    medium: str  # "water" or "gas"
    min_interval_min: int
    is_active: bool
    measuring_cycle_min: int | None = None  # the analysers' cycle (water); None: continuous

    @property
    def water(self) -> bool:
        return self.medium != "gas"

    @property
    def flow_code(self) -> str:
        return "a00000" if self.medium == "gas" else "w00000"

    @property
    def per_hour(self) -> int:
        return expected_per_hour(self.min_interval_min)

    def cycled(self, code: str) -> bool:
        return is_cycled(code, self.water, self.measuring_cycle_min)

    def per_hour_of(self, code: str) -> int:
        """Values an hour of ``code`` should hold (the analyser's cycle, else the logger's minute interval)."""
        return values_per_hour(self.per_hour, self.measuring_cycle_min) if self.cycled(code) else self.per_hour

    def per_day_of(self, code: str) -> int:
        """Hourly values a day of ``code`` should hold: 24, fewer for an analyser measuring less than hourly."""
        return values_per_day(self.measuring_cycle_min) if self.cycled(code) else 24

    @property
    def interval_seconds(self) -> int:
        return 3600 // self.per_hour


def point_infos(ids: Iterable[int] | None = None) -> dict[int, PointInfo]:
    qs = MonitoringPoint.objects.all()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    rows = qs.values_list("id", "park_id", "outlet_id", "outlet__enterprise_id", "outlet__medium", "st",
                          "min_interval_min", "is_active", "measuring_cycle_min")
    out = {}
    for pid, park, outlet, enterprise, medium, st, interval, active, cycle in rows:
        medium = medium or ("gas" if st == "31" else "water")
        out[pid] = PointInfo(pid, park, outlet, enterprise, medium, interval or 10, active,
                             cycle if medium != "gas" else None)
    return out


def expected_parameters(infos: Iterable[PointInfo]) -> dict[int, frozenset[str]]:
    """The parameters a point must deliver: its outlet's permit-limited pollutants plus the flow.

    A point whose outlet has no permit limits gets an empty set; the KPIs then
    count the parameters it actually sent.
    """
    infos = list(infos)
    by_outlet: dict[int, set[str]] = defaultdict(set)
    outlets = {i.outlet_id for i in infos if i.outlet_id}
    limits = PermitLimit.objects.filter(outlet_id__in=outlets).filter(
        Q(concentration_limit__isnull=False) | Q(annual_load_t__isnull=False))
    for outlet_id, code in limits.values_list("outlet_id", "pollutant_code"):
        by_outlet[outlet_id].add(code)
    out = {}
    for i in infos:
        codes = by_outlet.get(i.outlet_id or 0, set())
        out[i.id] = frozenset(codes | {i.flow_code}) if codes else frozenset()
    return out


def stopped_periods(info: PointInfo, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Approved stop-production periods covering this point that overlap [start, end)."""
    if info.enterprise_id is None:
        return []
    qs = StopDeclaration.objects.filter(enterprise_id=info.enterprise_id, status=DeclarationStatus.APPROVED,
                                        start__lt=end, end__gt=start)
    qs = qs.filter(Q(points__isnull=True) | Q(points=info.id)).distinct()
    return list(qs.values_list("start", "end"))


def stopped_periods_many(infos: list[PointInfo], start: dt.datetime, end: dt.datetime
                         ) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """``stopped_periods`` for many points: two queries."""
    by_enterprise: dict[int, list[PointInfo]] = defaultdict(list)
    for i in infos:
        if i.enterprise_id is not None:
            by_enterprise[i.enterprise_id].append(i)
    out: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    if not by_enterprise:
        return out
    declarations = StopDeclaration.objects.filter(enterprise_id__in=by_enterprise, status=DeclarationStatus.APPROVED,
                                                  start__lt=end, end__gt=start).prefetch_related("points")
    for d in declarations:
        chosen = {p.pk for p in d.points.all()}
        for i in by_enterprise[d.enterprise_id]:
            if not chosen or i.id in chosen:
                out[i.id].append((d.start, d.end))
    return out


def is_stopped(moment: dt.datetime, periods: list[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(a <= moment < b for a, b in periods)
