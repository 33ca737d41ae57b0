"""Reads other parts of the application need: recent pressure, live monitoring data, work items, calendar.

``recent_pressure(enterprise) -> int`` is the interface patrol frequency uses for an
enterprise's recent history. It adds up *pressure sources*; each source counts events
per enterprise since a date. This module registers one: open assignments about the
enterprise. Other apps register theirs with ``register_pressure_source`` in their
``AppConfig.ready`` — ``qingyuan.complaints`` adds complaints, ``qingyuan.alarms`` monitoring
alarms; rebound flags can follow — without touching the frequency rule (and without
inspections naming those apps: issue 15, join 4).
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from qingyuan import standards
from qingyuan.core.work import Colour, WorkItem
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.enterprises.permits import limits_in_force
from qingyuan.inspections import draw as drawing
from qingyuan.inspections.access import reads_any_park
from qingyuan.inspections.choices import FindingStatus
from qingyuan.inspections.frequency import PRESSURE_WINDOW_DAYS
from qingyuan.inspections.models import DrawItem, Finding, Patrol, PatrolPlan, RandomDraw
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role

# ---- recent pressure --------------------------------------------------------------------------

PressureSource = Callable[[list[int], dt.datetime], Counter]
_SOURCES: dict[str, PressureSource] = {}
_CASES: dict[str, type[models.Model]] = {}  # source → the model of its cases (their assignments are its own)


def register_pressure_source(name: str, source: PressureSource, *, cases: type[models.Model] | None = None) -> None:
    """``source(enterprise_ids, since)`` returns a Counter of events per enterprise id. ``cases``: the model
    of the source's cases (a complaint, an alarm), whose assignments that source already counts."""
    _SOURCES[name] = source
    if cases is not None:
        _CASES[name] = cases


def _open_assignments(ids: list[int], since: dt.datetime) -> Counter:
    """Open assignments about the enterprise, however old: they are pressure until closed. An
    assignment opened for a complaint or a monitoring alarm is that case's, and counted by the
    complaints or alarms source (registered with ``cases=``), not again here."""
    from qingyuan.tasks.models import Assignment

    cases = [ContentType.objects.get_for_model(m) for m in _CASES.values()]
    qs = Assignment.objects.open().filter(enterprise_id__in=ids).exclude(source_type__in=cases)
    return Counter(dict(qs.values_list("enterprise_id").annotate(n=models.Count("id")).order_by()))


register_pressure_source("open_assignments", _open_assignments)


def recent_pressures(enterprise_ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[int, int]:
    """Pressure per enterprise id (0 when nothing happened), over the last PRESSURE_WINDOW_DAYS days."""
    ids = list(enterprise_ids)
    since = (now or timezone.now()) - dt.timedelta(days=PRESSURE_WINDOW_DAYS)
    total: Counter = Counter()
    for source in _SOURCES.values():
        total.update(source(ids, since))
    return {i: int(total.get(i, 0)) for i in ids}


def recent_pressure(enterprise: Enterprise) -> int:
    return recent_pressures([enterprise.pk])[enterprise.pk]


# ---- live monitoring data for the patrol screen ----------------------------------------------

@dataclass
class LiveValue:
    code: str
    name: str
    value: float | None
    unit: str
    time: dt.datetime
    flag: str
    flag_label: str
    limit: float | None = None

    @property
    def exceeds(self) -> bool:
        return self.value is not None and self.limit is not None and self.value > self.limit


@dataclass
class LivePoint:
    point: MonitoringPoint
    online: bool | None
    last_seen: dt.datetime | None
    values: list[LiveValue] = field(default_factory=list)


LIVE_WINDOW = dt.timedelta(hours=6)


def live_monitoring(enterprise: Enterprise, *, now: dt.datetime | None = None) -> list[LivePoint]:
    """Each monitoring point's device state and newest value per parameter (last 6 hours).

    A real-time and a minute value at the same time: the real-time one is shown (``-kind``), on either path."""
    from qingyuan.monitoring import store
    from qingyuan.monitoring.models import DeviceState, Reading

    now = now or timezone.now()
    points = list(MonitoringPoint.objects.filter(outlet__enterprise=enterprise, is_active=True)
                  .select_related("outlet").order_by("name"))
    states = {s.point_id: s for s in DeviceState.objects.filter(point__in=points)}
    limits = {(lim.outlet_id, lim.pollutant_code): lim.concentration_limit for lim in limits_in_force(
        [enterprise.pk], timezone.localdate(now)).filter(concentration_limit__isnull=False)}
    newest: dict[tuple[int, str], Any] = {}
    readings: Any = Reading.objects.filter(point__in=points, kind__in=["realtime", "minute"],
                                           time__gte=now - LIVE_WINDOW).order_by("-time", "-kind")[:2000]
    ids = [p.pk for p in points]
    if any(store.has_blocks(ids, kind, now - LIVE_WINDOW, now) for kind in store.COMPACTED):
        # QINGYUAN_COMPACT_AFTER_HOURS below the window: a compacted day, read as block ∪ narrow
        readings = sorted((Reading(point_id=pid, kind=kind, **r._asdict()) for kind in store.COMPACTED
                           for pid, rs in store.rows_many(ids, kind, now - LIVE_WINDOW, now + dt.timedelta(days=366)
                                                          ).items() for r in rs),
                          key=lambda r: (r.time, r.kind), reverse=True)[:2000]
    for r in readings:
        newest.setdefault((r.point_id, r.parameter), r)
    result = []
    for p in points:
        state = states.get(p.pk)
        live = LivePoint(point=p, online=state.online if state else None, last_seen=state.last_seen if state else None)
        for (point_id, code), r in sorted(newest.items(), key=lambda kv: kv[0][1]):
            if point_id != p.pk:
                continue
            pollutant = standards.pollutant(code)
            flag = standards.data_flag(r.flag) if r.flag else None
            limit = limits.get((p.outlet_id, code)) or limits.get((None, code))
            live.values.append(LiveValue(
                code=code, name=pollutant.name_zh if pollutant else code, value=r.value,
                unit=pollutant.default_unit if pollutant else "", time=r.time, flag=r.flag,
                flag_label=flag.meaning_zh if flag else r.flag, limit=float(limit) if limit is not None else None))
        result.append(live)
    return result


# ---- random draws -----------------------------------------------------------------------------

def recorded_result(d: RandomDraw) -> tuple[drawing.Drawn, ...]:
    return tuple(drawing.Drawn(i.enterprise_id, (i.inspector_1_id, i.inspector_2_id))
                 for i in d.items.order_by("position"))


def verify_draw(d: RandomDraw) -> drawing.Verification:
    return drawing.verify(d.seed, d.enterprise_pool, d.inspector_pool, d.sample_size, recorded_result(d))


# ---- my work ----------------------------------------------------------------------------------

DUE_SOON_DAYS = 3
MAX_DUE_ITEMS = 30


def work_items(user: Any) -> list[WorkItem]:
    actor = actor_for(user)
    if not actor.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[WorkItem] = []
    for item in (DrawItem.objects.filter(models.Q(inspector_1=user) | models.Q(inspector_2=user),
                                         patrol__isnull=True)
                 .select_related("draw", "enterprise").order_by("draw__deadline")):
        items.append(WorkItem(
            kind="random_inspection", kind_label=gettext_lazy("Random inspection"),
            title=f"{item.enterprise.name} · {item.draw.title}",
            url=f"{reverse('inspections:create')}?enterprise={item.enterprise_id}&draw_item={item.pk}",
            action_label=gettext_lazy("Patrol"), deadline=item.draw.deadline,
            colour=Colour.YELLOW if item.draw.deadline < today else Colour.BLUE))
    inspector_parks = [p for p, roles in actor.roles_by_park.items() if Role.INSPECTOR in roles]
    if inspector_parks:
        due = (PatrolPlan.objects.filter(enterprise__park_id__in=inspector_parks,
                                         next_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
               .select_related("enterprise").order_by("next_due")[:MAX_DUE_ITEMS])
        for plan in due:
            items.append(WorkItem(
                kind="patrol_due", kind_label=gettext_lazy("Patrol due"), title=plan.enterprise.name,
                url=f"{reverse('inspections:create')}?enterprise={plan.enterprise_id}",
                action_label=gettext_lazy("Patrol"), deadline=plan.next_due,
                colour=Colour.YELLOW if plan.next_due < today else Colour.BLUE if plan.next_due == today
                else Colour.NONE))
    open_findings = (Finding.objects.filter(status=FindingStatus.OPEN)
                     .filter(models.Q(patrol__recorded_by=user) | models.Q(patrol__inspectors=user))
                     .select_related("patrol__enterprise").distinct().order_by("created_at")[:MAX_DUE_ITEMS])
    for finding in open_findings:
        items.append(WorkItem(
            kind="patrol_finding", kind_label=gettext_lazy("Patrol finding"),
            title=f"{finding.patrol.enterprise.name}: {finding.text[:60]}", url=finding.get_absolute_url(),
            action_label=gettext_lazy("Make an assignment or close"), colour=Colour.NONE))
    return items


# ---- calendar ---------------------------------------------------------------------------------

@dataclass
class Day:
    date: dt.date
    in_month: bool
    due: list[PatrolPlan] = field(default_factory=list)
    done: list[Patrol] = field(default_factory=list)
    overdue: list[PatrolPlan] = field(default_factory=list)


def month_calendar(user: Any, year: int, month: int, *, today: dt.date | None = None) -> list[list[Day]]:
    """Weeks (Monday first) of the month: patrols done per day, and when each plan falls due.

    A plan is due on ``next_due`` and then every interval; a plan already overdue shows
    on today. Only park readers see plans; others get the patrols they may see.
    """
    today = today or timezone.localdate()
    weeks = cal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    days = {d: Day(date=d, in_month=d.month == month) for week in weeks for d in week}
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    for patrol in (Patrol.objects.visible_to(user).filter(started_at__gte=start, started_at__lt=end)
                   .select_related("enterprise").order_by("started_at")):
        days[timezone.localtime(patrol.started_at, tz).date()].done.append(patrol)
    if reads_any_park(user):
        for plan in PatrolPlan.objects.visible_to(user).filter(next_due__lte=last).select_related("enterprise"):
            if plan.next_due < today:
                if first <= today <= last:
                    days[today].overdue.append(plan)
                due = today + dt.timedelta(days=plan.interval_days)
            else:
                due = plan.next_due
            while due <= last:
                if due >= first:
                    days[due].due.append(plan)
                due += dt.timedelta(days=plan.interval_days)
    return [[days[d] for d in week] for week in weeks]

