"""Read-side helpers: labels, the compliance page's data, declarations waiting on a reviewer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from qingyuan.core.pollutants import pollutant_name
from qingyuan.core.templatetags.units import unit_label
from qingyuan.core.work import Colour, WorkItem
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.enterprises.permits import limits_in_force
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import PARK_MANAGER_ROLES, Role
from qingyuan.quality import kpi
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.compute import local_day, local_midnight
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, StopDeclaration
from qingyuan.quality.validity import is_concentration


def parameter_label(code: str) -> str:
    """The pollutant's name in the reader's language (core.pollutants)."""
    return pollutant_name(code)


def today() -> dt.date:
    return local_day(timezone.now())


# ---- the compliance page ---------------------------------------------------------------------------

LIMIT_SOURCES = {
    "permit": gettext_lazy("Permit"),
    "standard": gettext_lazy("Discharge standard"),
    "special": gettext_lazy("Discharge standard, special emission limits"),
    "none": gettext_lazy("No limit: not judged"),
}


@dataclass
class LimitRow:
    code: str
    label: str
    unit: str
    outlet: str
    outlet_id: int | None
    limit: float | None  # the upper limit (a range's upper end: ``low`` holds the lower)
    annual_t: float | None
    basis: str
    standard: str  # the permit row's standard reference, or the standard's column ("GB 31571-2015 表2 special-direct")
    source: str = "permit"  # a key of LIMIT_SOURCES
    reference_o2: float | None = None  # gas judged on the value corrected to this O2 (%)
    low: float | None = None
    standard_title: str = ""  # the standard's name, for a limit taken from the standard

    @property
    def source_label(self) -> str:
        return str(LIMIT_SOURCES.get(self.source, self.source))


@dataclass
class PointSummary:
    point: MonitoringPoint
    hours: list[HourlyValue] = field(default_factory=list)  # the newest hour per parameter
    days: dict[str, list[DailyValue]] = field(default_factory=dict)  # last days per parameter
    kpi_month: kpi.Counts = field(default_factory=kpi.Counts)


_limits_reader: list[Callable[[Enterprise], list[LimitRow]]] = []


def register_limits_reader(fn: Callable[[Enterprise], list[LimitRow]]) -> None:
    """The alarm engine registers the reader of the limits it judges by (``alarms.shown``) from ``ready()``:
    quality does not import alarms."""
    _limits_reader[:] = [fn]


def limits_of(enterprise: Enterprise) -> list[LimitRow]:
    """The limits the enterprise is judged by, per outlet: the permit rows in force and, for pollutants no row
    limits, the discharge standard's (the registered reader, ``alarms.shown.limits_shown``); the permit rows
    alone when no reader is registered."""
    if _limits_reader:
        return _limits_reader[0](enterprise)
    return permit_limits(enterprise)


def permit_limits(enterprise: Enterprise) -> list[LimitRow]:
    """The permit in force: concentration limits per outlet and annual loads, with the averaging basis."""
    from qingyuan.standards.basis import basis_of, standard_in

    rows = []
    for lim in limits_in_force([enterprise.pk], today()).select_related("outlet").order_by("outlet__code",
                                                                                          "pollutant_code"):
        medium = lim.outlet.medium if lim.outlet else "water"
        std = standard_in(lim.standard_ref) or (lim.outlet.standard if lim.outlet else "")
        basis, corrected = basis_of(std, medium, lim.standard_ref) if std else ("", False)
        rows.append(LimitRow(lim.pollutant_code, parameter_label(lim.pollutant_code), lim.unit,
                             str(lim.outlet) if lim.outlet else "", lim.outlet_id,
                             float(lim.concentration_limit) if lim.concentration_limit is not None else None,
                             float(lim.annual_load_t) if lim.annual_load_t is not None else None,
                             basis, lim.standard_ref))
    return rows


def compliance(enterprise: Enterprise, *, days: int = 14, limits: list[LimitRow] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """Per point: the newest hourly value of each parameter, the last ``days`` daily values, and this month's
    KPIs; the enterprise's KPIs this month and last. A fixed number of queries per point."""
    points = list(MonitoringPoint.objects.filter(outlet__enterprise=enterprise).select_related("outlet")
                  .order_by("outlet__code", "name"))
    first = today() - dt.timedelta(days=days)
    month_first, month_last = kpi.month_range(today())
    prev_first, prev_last = kpi.month_range(month_first - dt.timedelta(days=1))
    summaries = []
    for p in points:
        s = PointSummary(p)
        newest = HourlyValue.objects.filter(point=p).order_by("-start").values_list("start", flat=True).first()
        if newest is not None:
            first_per: dict[str, HourlyValue] = {}
            for h in HourlyValue.objects.filter(point=p, start__gte=newest - dt.timedelta(hours=6)) \
                    .order_by("-start", "parameter"):
                first_per.setdefault(h.parameter, h)
            s.hours = [first_per[c] for c in sorted(first_per)]
        by_code: dict[str, list[DailyValue]] = defaultdict(list)
        for d in DailyValue.objects.filter(point=p, day__gte=first).order_by("day"):
            by_code[d.parameter].append(d)
        s.days = dict(sorted(by_code.items()))
        s.kpi_month = kpi.totals(KpiDaily.objects.filter(point=p, day__gte=month_first, day__lte=month_last))
        summaries.append(s)
    rows = KpiDaily.objects.filter(point__in=points)
    return {
        "points": summaries,
        "kpi_month": kpi.totals(rows.filter(day__gte=month_first, day__lte=month_last)),
        "kpi_previous": kpi.totals(rows.filter(day__gte=prev_first, day__lte=prev_last)),
        "month": month_first, "previous_month": prev_first,
        "chart": _chart(summaries, {(r.outlet_id, r.code): r.limit for r in limits}),
    }


def _chart(summaries: list[PointSummary], limits: dict[tuple[int | None, str], float | None]
           ) -> list[dict[str, Any]]:
    """Daily means per point and parameter (with the limit) for the ECharts trend."""
    out = []
    for s in summaries:
        for code, rows in s.days.items():
            if not is_concentration(code):
                continue  # the trend is about pollutants; flows, O2, temperatures are in the tables
            limit = limits.get((s.point.outlet_id, code), limits.get((None, code)))
            out.append({"point": s.point.name, "code": code, "name": parameter_label(code), "limit": limit,
                        "unit": unit_label(rows[0].unit) if rows else "",
                        "data": [[r.day.isoformat(), round(r.mean, 4) if r.mean is not None else None,
                                  r.valid] for r in rows]})
    return out


# ---- declarations waiting on a reviewer --------------------------------------------------------------

def reviewable(user: Any) -> Any:
    actor = actor_for(user)
    if actor.is_superuser:
        return StopDeclaration.objects.all()
    managed = list(actor.park_ids_with(PARK_MANAGER_ROLES))
    units = [u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles]
    return StopDeclaration.objects.filter(Q(enterprise__park_id__in=managed)
                                          | Q(enterprise__linked_unit_id__in=units))


def work_items(user: Any) -> list[WorkItem]:
    if not actor_for(user).is_authenticated:
        return []
    items = []
    for d in reviewable(user).filter(status=DeclarationStatus.SUBMITTED).select_related("enterprise")[:50]:
        items.append(WorkItem(kind="stop_declaration", kind_label=gettext_lazy("Stop-production declaration"),
                              title=f"{d.enterprise.name} {local_day(d.start)} – {local_day(d.end)}",
                              url=d.get_absolute_url(), action_label=gettext_lazy("Review the declaration"),
                              colour=Colour.BLUE))
    return items


def hours_of(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(day), local_midnight(day + dt.timedelta(days=1))
