"""The period's facts, one function per section: figures, a drafted text, and the records counted.

Each returns a ``Draft`` whose ``evidence`` lists, per group, exactly the ids of the records
the figures count, so every number in the briefing traces back to its records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingyuan.alarms.choices import AlarmStatus
from qingyuan.alarms.models import Alarm
from qingyuan.complaints.choices import FINISHED_STATUSES
from qingyuan.complaints.models import Complaint
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections.models import Finding, Patrol
from qingyuan.loads import totals
from qingyuan.loads.models import LoadPolicy
from qingyuan.org.models import Park
from qingyuan.plans.choices import AcceptanceStatus, MeasureStatus
from qingyuan.plans.models import Acceptance, Measure
from qingyuan.sections import evaluation
from qingyuan.sections.models import Sample, Section
from qingyuan.tasks.choices import AssignmentStatus
from qingyuan.tasks.models import Assignment

CLOSED_STATES = (EnterpriseStatus.CLOSED, EnterpriseStatus.RELOCATED, EnterpriseStatus.TRANSFORMED)


@dataclass
class Draft:
    key: str
    heading: str
    text: str
    figures: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)


def _ids(rows: Any) -> list[int]:
    return sorted(r.pk for r in rows)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    return (dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz))


def tasks(park: Park, start: dt.date, end: dt.date) -> Draft:
    """Assignments issued and closed in the period, and overdue at its end, by assignee unit."""
    lo, hi = _bounds(start, end)
    qs = Assignment.objects.filter(park=park).exclude(status=AssignmentStatus.WITHDRAWN).select_related("assignee_unit")
    issued = list(qs.filter(issued_on__gte=start, issued_on__lte=end))
    closed = list(qs.filter(status=AssignmentStatus.COMPLETED, closed_at__gte=lo, closed_at__lt=hi))
    overdue = list(qs.filter(issued_on__lte=end, deadline__lt=end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=hi)))
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, group in enumerate((issued, closed, overdue)):
        for a in group:
            units[a.assignee_unit.name][i] += 1
    rows = [[name, *counts] for name, counts in sorted(units.items(), key=lambda kv: (-kv[1][2], -kv[1][0], kv[0]))]
    header = [_("Unit"), pgettext("briefing figures", "Issued"), pgettext("briefing figures", "Closed"), pgettext("briefing figures", "Overdue")]
    text = _("In the period %(issued)d assignments were issued and %(closed)d closed; %(overdue)d were overdue "
             "at its end.") % {"issued": len(issued), "closed": len(closed), "overdue": len(overdue)}
    worst = [r for r in rows if r[3]]
    if worst:
        text += "\n\n" + "\n".join(f"- **{r[0]}**: " + _("%(n)d overdue") % {"n": r[3]} for r in worst)
    return Draft("tasks", _("Assignments by unit"), text,
                 {"issued": len(issued), "closed": len(closed), "overdue": len(overdue),
                  "table": {"header": header, "rows": rows},
                  "chart": {"title": _("Assignments by unit"), "labels": [r[0] for r in rows],
                            "series": {h: [r[i + 1] for r in rows] for i, h in enumerate(header[1:])},
                            "axis": _("assignments")}},
                 {"issued": {"model": "tasks.assignment", "ids": _ids(issued)},
                  "closed": {"model": "tasks.assignment", "ids": _ids(closed)},
                  "overdue": {"model": "tasks.assignment", "ids": _ids(overdue)}})


def alarms(park: Park, start: dt.date, end: dt.date) -> Draft:
    """Alarms first detected in the period and how far each was handled."""
    lo, hi = _bounds(start, end)
    found = list(Alarm.objects.filter(park=park, first_detected_at__gte=lo, first_detected_at__lt=hi))
    handled = [a for a in found if a.status in (AlarmStatus.VERIFIED, AlarmStatus.CLOSED)]
    by_status = Counter(a.get_status_display() for a in found)
    text = _("%(n)d alarms were raised; %(handled)d were verified or closed, %(open)d are still being handled.") % {
        "n": len(found), "handled": len(handled), "open": len(found) - len(handled)}
    return Draft("alarms", _("Alarms and their handling"), text,
                 {"total": len(found), "handled": len(handled),
                  "table": {"header": [_("Status"), _("Alarms")], "rows": sorted([k, v] for k, v in by_status.items())}},
                 {"raised": {"model": "alarms.alarm", "ids": _ids(found)},
                  "handled": {"model": "alarms.alarm", "ids": _ids(handled)}})


def loads(park: Park, start: dt.date, end: dt.date) -> Draft:
    """The park's loads this year up to the period's end against the plan's targets (loads.totals)."""
    enterprises = totals.park_enterprises(park.pk)
    rows_in = totals.enterprise_loads(enterprises, end.year, end, LoadPolicy.for_park(park.pk))
    park_rows = totals.park_totals(rows_in, park.pk, end.year)
    rows, labels, shares = [], [], []
    for p in park_rows:
        share = round(100 * p.projected_t / p.plan_target_t, 1) if p.plan_target_t else None
        rows.append([p.name, round(p.ytd_t, 3), round(p.projected_t, 3),
                     round(p.plan_target_t, 3) if p.plan_target_t is not None else "—",
                     share if share is not None else "—"])
        if share is not None:
            labels.append(p.name)
            shares.append(share)
    over = [r[0] for r in rows if isinstance(r[4], float) and r[4] > 100]
    text = (_("Projected annual loads exceed the target for: %(list)s.") % {"list": "、".join(over)} if over
            else _("Every key pollutant's projected annual load is within the target."))
    counted = [e.enterprise.pk for e in rows_in if e.pollutants]
    return Draft("loads", _("Loads against target"), text,
                 {"table": {"header": [_("Pollutant"), _("This year to date (t)"), _("Projected (t/a)"),
                                       _("Target (t/a)"), _("Projected / target (%)")], "rows": rows},
                  "chart": {"title": _("Projected load against target"), "labels": labels,
                            "series": {_("Projected / target (%)"): shares}, "axis": "%", "limit": 100}},
                 {"enterprises": {"model": "enterprises.enterprise", "ids": sorted(counted)}})


def sections(park: Park, start: dt.date, end: dt.date) -> Draft:
    """Each active section's class over the period (monthly means, GB 3838)."""
    secs = list(Section.objects.filter(park=park, is_active=True).order_by("order", "id"))
    obs = evaluation.observations_of(secs, start, end)
    rows, failing = [], []
    for s in secs:
        months = evaluation.monthly(s, obs.get(s.pk, []))
        last = months[-1] if months else None
        ok = last.compliant if last else None
        rows.append([s.name, s.get_target_class_display(), last.label if last else "—",
                     (_("yes") if ok else _("no")) if ok is not None else "—"])
        if ok is False:
            failing.append(s.name)
    samples = Sample.objects.filter(section__in=secs, date__gte=start, date__lte=end)
    text = (_("Sections below their target class: %(list)s.") % {"list": "、".join(failing)} if failing
            else _("Every section with data met its target class."))
    return Draft("sections", _("Section water quality"), text,
                 {"table": {"header": [_("Section"), _("Target class"), _("Class"), _("Meets target")], "rows": rows}},
                 {"sections": {"model": "sections.section", "ids": _ids(secs)},
                  "samples": {"model": "sections.sample", "ids": sorted(samples.values_list("pk", flat=True))}})


def complaints(park: Park, start: dt.date, end: dt.date) -> Draft:
    found = list(Complaint.objects.filter(park=park, received_on__gte=start, received_on__lte=end))
    finished = [c for c in found if c.status in FINISHED_STATUSES]
    by_cat = Counter(c.get_category_display() for c in found)
    text = _("%(n)d complaints were received; %(done)d have been answered.") % {"n": len(found), "done": len(finished)}
    return Draft("complaints", _("Complaints"), text,
                 {"total": len(found), "finished": len(finished),
                  "table": {"header": [_("Category"), _("Complaints")], "rows": sorted([k, v] for k, v in by_cat.items())}},
                 {"received": {"model": "complaints.complaint", "ids": _ids(found)},
                  "finished": {"model": "complaints.complaint", "ids": _ids(finished)}})


def patrols(park: Park, start: dt.date, end: dt.date) -> Draft:
    lo, hi = _bounds(start, end)
    found = list(Patrol.objects.filter(park=park, started_at__gte=lo, started_at__lt=hi))
    findings = list(Finding.objects.filter(patrol__in=found))
    text = _("%(n)d patrols were recorded at %(e)d enterprises, with %(f)d findings.") % {
        "n": len(found), "e": len({p.enterprise_id for p in found}), "f": len(findings)}
    return Draft("patrols", _("Patrols"), text, {"total": len(found), "findings": len(findings)},
                 {"patrols": {"model": "inspections.patrol", "ids": _ids(found)},
                  "findings": {"model": "inspections.finding", "ids": _ids(findings)}})


def plans(park: Park, start: dt.date, end: dt.date) -> Draft:
    lo, hi = _bounds(start, end)
    done = list(Measure.objects.filter(plan__park_plan__park=park, status=MeasureStatus.DONE,
                                       done_on__gte=start, done_on__lte=end))
    late = list(Measure.objects.filter(plan__park_plan__park=park, deadline__lt=end)
                .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.CANCELLED]))
    decided = list(Acceptance.objects.filter(plan__park_plan__park=park, decided_at__gte=lo, decided_at__lt=hi))
    passed = [a for a in decided if a.status == AcceptanceStatus.PASSED]
    text = _("%(done)d plan measures were completed and %(late)d are past their deadline; %(acc)d acceptances were "
             "decided, %(passed)d passed.") % {"done": len(done), "late": len(late), "acc": len(decided),
                                              "passed": len(passed)}
    return Draft("plans", _("Plan progress and acceptances"), text,
                 {"measures_done": len(done), "measures_late": len(late), "acceptances": len(decided),
                  "passed": len(passed)},
                 {"measures_done": {"model": "plans.measure", "ids": _ids(done)},
                  "measures_late": {"model": "plans.measure", "ids": _ids(late)},
                  "acceptances": {"model": "plans.acceptance", "ids": _ids(decided)}})


def closures(park: Park, start: dt.date, end: dt.date) -> Draft:
    found = list(Enterprise.objects.filter(park=park, status__in=CLOSED_STATES, status_since__gte=start,
                                           status_since__lte=end).order_by("status_since", "name"))
    text = (_("Closed, relocated or transformed in the period: %(list)s.")
            % {"list": "、".join(f"{e.name}（{e.get_status_display()}）" for e in found)} if found
            else _("No enterprise closed, relocated or transformed in the period."))
    return Draft("closures", _("Closures"), text,
                 {"total": len(found), "table": {"header": [_("Enterprise"), _("Status"), _("Since")],
                                                 "rows": [[e.name, e.get_status_display(), e.status_since.isoformat()]
                                                          for e in found]}},
                 {"enterprises": {"model": "enterprises.enterprise", "ids": _ids(found)}})


SECTIONS: list[Callable[[Park, dt.date, dt.date], Draft]] = [
    tasks, alarms, loads, sections, complaints, patrols, plans, closures]


def gather(park: Park, start: dt.date, end: dt.date, progress: Callable[[int, int, str], None] | None = None
           ) -> list[Draft]:
    out = []
    for i, func in enumerate(SECTIONS):
        out.append(func(park, start, end))
        if progress:
            progress(i + 1, len(SECTIONS), out[-1].heading)
    return out
