"""An enterprise's whole story on its page: what is wrong now, its data, and what was done about it.

``gather(enterprise, user)`` collects each section from its own app, scoped by that app's
``visible_to(user)`` (an enterprise user sees its own rows, a unit officer what its unit
sees, a reader of the park everything), and returns the page's context. Each section has a
fixed number of queries, whatever the number of points, alarms or assignments, so the page
costs the same for a small plant and a large one (test_story_page asserts it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from qingyuan.alarms.choices import AlarmKind
from qingyuan.alarms.models import Alarm
from qingyuan.closures import services as closure_services
from qingyuan.complaints.models import Complaint
from qingyuan.core import audit
from qingyuan.core.audit_display import readable
from qingyuan.core.templatetags.units import unit_label
from qingyuan.enterprises.lifecycle import LIFECYCLE
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.inspections.access import sees_patrols_of
from qingyuan.inspections.models import Patrol
from qingyuan.loads import services as load_services
from qingyuan.plans.models import Acceptance, EnterprisePlan, Measure
from qingyuan.quality.compute import local_day
from qingyuan.quality.models import DailyValue, HourlyValue, StopDeclaration
from qingyuan.quality.services import LimitRow, limits_of, parameter_label
from qingyuan.quality.validity import is_concentration
from qingyuan.tasks.models import Assignment

SECTION_ROWS = 10  # newest rows per section; the section links to the full list
HISTORY_ROWS = 30
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


def _plans(enterprise: Enterprise, user: Any) -> list[EnterprisePlan]:
    return list(EnterprisePlan.objects.visible_to(user).filter(enterprise=enterprise).with_totals()
                .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("order", "deadline", "id"),
                                           to_attr="measure_rows"),
                                  Prefetch("acceptances", queryset=Acceptance.objects.order_by("-number"),
                                           to_attr="acceptance_rows"))
                .order_by("-deadline", "-id"))


def _visible_entries(entries: list[Any], user: Any) -> list[Any]:
    """Entries about objects the user may see: a model with ``visible_to`` (patrol plans, patrols, alarms ...)
    is asked once for the ids among the entries; the enterprise's own registry rows have no rule of their own."""
    ids_by_type: dict[int, set[str]] = defaultdict(set)
    for e in entries:
        ids_by_type[e.object_type_id].add(e.object_id)
    hidden: set[tuple[int, str]] = set()
    for type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        manager = getattr(model, "objects", None)
        if model is None or not hasattr(manager, "visible_to"):
            continue
        seen = {str(pk) for pk in manager.visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True)}
        hidden |= {(type_id, i) for i in ids - seen}
    return [e for e in entries if (e.object_type_id, e.object_id) not in hidden]


def _history(enterprise: Enterprise, user: Any) -> list[Any]:
    entries = list(audit.trail(enterprise)[:HISTORY_ROWS * 3])
    return readable(_visible_entries(entries, user)[:HISTORY_ROWS], workflows=[LIFECYCLE])


def gather(enterprise: Enterprise, user: Any) -> dict[str, Any]:
    """The sections of the enterprise page, each scoped by its app's ``visible_to(user)``."""
    today = local_day(timezone.now())
    points = list(MonitoringPoint.objects.filter(outlet__enterprise=enterprise).select_related("outlet")
                  .order_by("outlet__code", "name"))
    limit_rows = limits_of(enterprise)
    limits = {(r.outlet_id, r.code): r for r in limit_rows}
    alarms = Alarm.objects.visible_to(user).filter(enterprise=enterprise)
    assignments = Assignment.objects.visible_to(user).filter(enterprise=enterprise)
    complaints = Complaint.objects.visible_to(user).filter(enterprise=enterprise)
    declarations = StopDeclaration.objects.visible_to(user).filter(enterprise=enterprise)
    patrols = Patrol.objects.visible_to(user).filter(enterprise=enterprise)
    return {
        "exceeding": alarms.active().filter(kind=AlarmKind.EXCEEDANCE).count(),
        "overdue": assignments.open().filter(deadline__lt=today).count(),
        "points_now": latest_values(points, limits),
        "limit_rows": limit_rows,
        "charts": charts(points, limits, today),
        "alarms": list(alarms.select_related("point").order_by("-last_detected_at", "-id")[:SECTION_ROWS]),
        "assignments": list(assignments.select_related("assignee_unit").order_by("-issued_on", "-id")
                            [:SECTION_ROWS]),
        "plans": _plans(enterprise, user),
        "patrols": list(patrols.annotate(finding_count=Count("findings")).order_by("-started_at", "-id")[:SECTION_ROWS]),
        "sees_patrols": sees_patrols_of(user, enterprise),
        "complaints": list(complaints.order_by("-received_at", "-id")[:SECTION_ROWS]),
        "declarations": list(declarations.order_by("-start", "-id")[:SECTION_ROWS]),
        "loads": load_services.enterprise_year(enterprise, today=today),
        "readable_history": _history(enterprise, user),
        "closure_case": closure_services.case_of(enterprise, user),
        "story_today": today,
    }
