"""The monitoring sections of an enterprise's page: the newest values against the permit, 30 days of
daily means, and the stop declarations (registered with ``enterprises.page`` from ``QualityConfig.ready``).

Moved from ``enterprises.story`` (issue 15, join 3): enterprises no longer imports quality.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q

from qingyuan.core.templatetags.units import unit_label
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.quality.models import DailyValue, HourlyValue, StopDeclaration
from qingyuan.quality.services import LimitRow, limits_of, parameter_label
from qingyuan.quality.validity import is_concentration

SECTION_ROWS = 10  # newest rows per section; the section links to the full list
CHART_DAYS = 30
LATEST_WINDOW = dt.timedelta(hours=6)  # parameters of a point reported within this of its newest hour


@dataclass
class Reading:
    """A parameter's newest hourly value and its limit."""

    code: str
    name: str
    start: dt.datetime
    mean: float | None
    unit: str
    valid: bool
    limit: float | None
    basis: str

    @property
    def over(self) -> bool:
        return self.limit is not None and self.mean is not None and self.mean > self.limit


@dataclass
class PointNow:
    point: MonitoringPoint
    readings: list[Reading] = field(default_factory=list)

    @property
    def over_count(self) -> int:
        return sum(1 for r in self.readings if r.over)


def _limit_for(limits: dict[tuple[int | None, str], LimitRow], outlet_id: int | None, code: str
               ) -> LimitRow | None:
    return limits.get((outlet_id, code)) or limits.get((None, code))


def latest_values(points: list[MonitoringPoint], limits: dict[tuple[int | None, str], LimitRow]
                  ) -> list[PointNow]:
    """Each point's newest hourly value of each parameter, against its permitted limit. Two queries."""
    newest = dict(HourlyValue.objects.filter(point__in=points).values("point").annotate(last=Max("start"))
                  .values_list("point", "last"))
    window = Q(pk__in=[])
    for point_id, last in newest.items():
        window |= Q(point_id=point_id, start__gte=last - LATEST_WINDOW)
    first: dict[tuple[int, str], HourlyValue] = {}
    if newest:
        for h in HourlyValue.objects.filter(window).order_by("-start", "parameter"):
            first.setdefault((h.point_id, h.parameter), h)
    out = []
    for p in points:
        now = PointNow(p)
        for (point_id, code), h in sorted(first.items(), key=lambda kv: kv[0][1]):
            if point_id != p.pk:
                continue
            lim = _limit_for(limits, p.outlet_id, code)
            now.readings.append(Reading(code, parameter_label(code), h.start, h.mean, unit_label(h.unit), h.valid,
                                        lim.limit if lim else None, lim.basis if lim else ""))
        out.append(now)
    return out


def charts(points: list[MonitoringPoint], limits: dict[tuple[int | None, str], LimitRow], today: dt.date
           ) -> list[dict[str, Any]]:
    """Daily means of the last CHART_DAYS days per point and pollutant, with the limit. One query."""
    by_key: dict[tuple[int, str], list[DailyValue]] = defaultdict(list)
    for d in DailyValue.objects.filter(point__in=points, day__gt=today - dt.timedelta(days=CHART_DAYS)) \
            .order_by("day"):
        if is_concentration(d.parameter):
            by_key[(d.point_id, d.parameter)].append(d)
    out = []
    for p in points:
        for code in sorted(c for (pid, c) in by_key if pid == p.pk):
            rows = by_key[(p.pk, code)]
            lim = _limit_for(limits, p.outlet_id, code)
            out.append({"point": p.name, "code": code, "name": parameter_label(code),
                        "unit": unit_label(rows[0].unit), "limit": lim.limit if lim else None,
                        "data": [[r.day.isoformat(), round(r.mean, 4) if r.mean is not None else None, r.valid]
                                 for r in rows]})
    return out


def section(enterprise: Enterprise, user: Any, today: dt.date) -> dict[str, Any]:
    points = list(MonitoringPoint.objects.filter(outlet__enterprise=enterprise).select_related("outlet")
                  .order_by("outlet__code", "name"))
    limit_rows = limits_of(enterprise)
    limits = {(r.outlet_id, r.code): r for r in limit_rows}
    declarations = StopDeclaration.objects.visible_to(user).filter(enterprise=enterprise)
    return {
        "points_now": latest_values(points, limits),
        "limit_rows": limit_rows,
        "charts": charts(points, limits, today),
        "declarations": list(declarations.order_by("-start", "-id")[:SECTION_ROWS]),
    }
