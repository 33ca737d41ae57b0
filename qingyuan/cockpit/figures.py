"""The cockpit's tiles: each number computed from the same queryset as the list it links to.

A tile's ``url`` opens the filtered list behind its number (the list pages' own filters), so the
number and the list agree by construction: counts come from ``Model.objects.visible_to(user)``
filtered exactly as the list filters them. Load, section and capacity figures come from the
``loads`` and ``sections`` computations, never recomputed here. A fixed number of queries whatever
the number of enterprises (tests/test_queries.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from qingyuan.alarms.choices import ACTIVE_STATUSES, AlarmKind
from qingyuan.alarms.models import Alarm
from qingyuan.complaints.models import Complaint
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.filters import exceeding_ids
from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections.models import Patrol
from qingyuan.inspections.services import month_calendar
from qingyuan.loads import cache as loads_cache
from qingyuan.loads import ledger, park, totals
from qingyuan.loads.choices import KEY_POLLUTANTS
from qingyuan.loads.routes import routes_of
from qingyuan.sections import services as section_services
from qingyuan.sections.choices import SectionKind
from qingyuan.sections.evaluation import class_label
from qingyuan.sections.models import Section
from qingyuan.tasks.choices import EscalationLevel
from qingyuan.tasks.models import Assignment


def link(name: str, args: list[Any] | None = None, **query: Any) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass
class Count_:
    label: Any
    n: int
    url: str
    css: str = ""


# ---- enterprises ---------------------------------------------------------------------------------

@dataclass
class StatusTile:
    rows: list[Count_]
    total: int
    rectified: int
    in_rectification: int  # rectifying + rectified: the enterprises listed for rectification

    @property
    def rectified_share(self) -> float | None:
        return self.rectified / self.in_rectification if self.in_rectification else None


def status_tile(user: Any) -> StatusTile:
    counts = dict(Enterprise.objects.visible_to(user).order_by().values_list("status").annotate(n=Count("id")))
    rows = [Count_(s.label, counts.get(s.value, 0), link("enterprises:list", status=s.value), s.value)
            for s in EnterpriseStatus]
    rectified = counts.get(EnterpriseStatus.RECTIFIED, 0)
    return StatusTile(rows, sum(counts.values()), rectified, rectified + counts.get(EnterpriseStatus.RECTIFYING, 0))


def exceedance_tile(user: Any) -> dict[str, Count_]:
    exceeding = Enterprise.objects.visible_to(user).filter(pk__in=exceeding_ids()).count()
    alarms = Alarm.objects.visible_to(user).filter(kind=AlarmKind.EXCEEDANCE, status__in=ACTIVE_STATUSES).count()
    return {"enterprises": Count_("", exceeding, link("enterprises:list", exceeding="on")),
            "alarms": Count_("", alarms, link("alarms:board", kind=AlarmKind.EXCEEDANCE, status="active"))}


# ---- loads and capacity --------------------------------------------------------------------------

@dataclass
class LoadRow:
    row: totals.ParkPollutant

    @property
    def light(self) -> str:
        """green: the projection meets the target; red: it does not; grey: no target or no data."""
        met = self.row.meets_target
        return "secondary" if met is None else ("success" if met else "danger")


def load_rows(park_id: int, today: dt.date) -> list[LoadRow]:
    """The park's figures of the loads page (``park_totals``), added up by the database (``loads.park``);
    the tile shows no monthly figures, so none are added up. Cached (``loads.cache``): an edit of a ledger
    entry, baseline, permit... recomputes them at once, new measurements within ``QINGYUAN_FIGURES_MAX_LAG``."""
    rows = loads_cache.cached("park_figures", park_id, today)
    return [LoadRow(r) for r in rows]


def capacity_rows(park_id: int, today: dt.date) -> list[ledger.CapacityRow]:
    account = loads_cache.cached("capacity", park_id, today)
    return [account[c] for c in KEY_POLLUTANTS if c in account]


def register_figures() -> None:
    """The cockpit's cached figures, by name, for ``loads.cache.refresh`` (from ``CockpitConfig.ready``).

    The part read from the measurements (``park_measured``) and the routes are cached on the masses basis:
    an edit of a target, baseline, ledger entry, permit or status adds up only the rest (``loads.cache``)."""
    loads_cache.register("routes", lambda park_id, today: routes_of(
        Enterprise.objects.filter(park_id=park_id).values("pk")), basis="masses", measured=False)
    loads_cache.register("park_measured", lambda park_id, today: park.measured_part(
        park_id, today.year, today, KEY_POLLUTANTS, months=False, ytd=True), basis="masses")
    loads_cache.register("park_figures", lambda park_id, today: park.park_figures(
        park_id, today.year, today, KEY_POLLUTANTS, months=False,
        routes=loads_cache.cached("routes", park_id, today),
        measured=loads_cache.cached("park_measured", park_id, today)))
    loads_cache.register("capacity", lambda park_id, today: ledger.capacity(
        park_id, routes=loads_cache.cached("routes", park_id, today)))


# ---- the outbound section ------------------------------------------------------------------------

@dataclass
class SectionTile:
    section: Section
    this_month: str  # class label, "—" without an observation this month
    this_month_compliant: bool | None
    latest_label: str  # the latest month with a class, for "no sample yet this month"
    latest_month: dt.date | None
    year_rate: float | None
    trend: list[list[Any]] = field(default_factory=list)  # [["2026-01", rank], …] for the chart
    target_rank: int | None = None


def section_tile(park_id: int, today: dt.date) -> SectionTile | None:
    section = Section.objects.filter(park_id=park_id, kind=SectionKind.OUTBOUND, is_active=True).order_by(
        "order", "name").first()
    if section is None:
        return None
    summary = section_services.summarise(section, months=13, today=today)
    month = today.replace(day=1)
    current = next((r for r in summary.months if r.month == month), None)
    latest = summary.latest_month
    year = next((y for y in summary.years if y.year == today.year), None)
    return SectionTile(
        section, class_label(current.result.cls) if current else "—", current.compliant if current else None,
        latest.label if latest else "—", latest.month if latest else None, year.rate if year else None,
        [[r.month.isoformat()[:7], section_services.class_rank(r.result.cls)] for r in summary.months],
        section_services.class_rank(section.target_class))


# ---- assignments ---------------------------------------------------------------------------------

@dataclass
class TasksTile:
    overdue: Count_
    by_unit: list[Count_]
    levels: list[Count_]


def tasks_tile(user: Any, today: dt.date) -> TasksTile:
    open_ = Assignment.objects.visible_to(user).open()
    overdue = open_.filter(deadline__lt=today)
    by_unit = [Count_(name, n, link("tasks:list", overdue="on", assignee_unit=unit))
               for unit, name, n in overdue.order_by().values_list("assignee_unit", "assignee_unit__name")
               .annotate(n=Count("id")).order_by("-n", "assignee_unit__name")]
    levels = dict(open_.filter(escalation_level__gt=0).order_by().values_list("escalation_level")
                  .annotate(n=Count("id")))
    return TasksTile(Count_("", sum(r.n for r in by_unit), link("tasks:list", overdue="on")), by_unit,
                     [Count_(lv.label, levels.get(lv.value, 0), link("tasks:list", status="open", level=lv.value),
                             lv.colour.css) for lv in EscalationLevel if lv.value > 0])


# ---- complaints and patrols ----------------------------------------------------------------------

def complaints_tile(user: Any, today: dt.date) -> list[Count_]:
    years = dict(Complaint.objects.visible_to(user).filter(year__in=[today.year - 1, today.year]).order_by()
                 .values_list("year").annotate(n=Count("id")))
    return [Count_(y, years.get(y, 0), link("complaints:board", year=y)) for y in (today.year, today.year - 1)]


@dataclass
class PatrolTile:
    done: Count_
    outstanding: int  # due for the rest of the month, and overdue now
    overdue: int
    calendar_url: str

    @property
    def planned(self) -> int:
        return self.done.n + self.outstanding

    @property
    def share(self) -> float:
        return self.done.n / self.planned if self.planned else 0.0


def patrol_tile(user: Any, today: dt.date) -> PatrolTile:
    """Done this month (the patrol list of the month) against planned: done + what the plans still
    ask for this month (the calendar's due and overdue entries from today on)."""
    month = f"{today:%Y-%m}"
    weeks = month_calendar(user, today.year, today.month, today=today)
    days = [d for week in weeks for d in week if d.in_month and d.date >= today]
    overdue = sum(len(d.overdue) for d in days)
    outstanding = sum(len(d.due) for d in days) + overdue
    done = Patrol.objects.visible_to(user).filter(started_at__year=today.year, started_at__month=today.month).count()
    return PatrolTile(Count_("", done, link("inspections:list", month=month)), outstanding, overdue,
                      link("inspections:calendar", month=month))
