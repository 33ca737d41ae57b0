"""Publication rules: what of each kind of data the public may see, and from when.

Every public page, feed and download reads through these functions and shows only what they
return: plain dicts of named fields, never model instances, so nothing internal (notes, people,
drafts, live values of today) can slip into a template. The rules, in one place (docs/portal.md
cites the law for each):

* enterprises: name, credit code, industry, address, status (every enterprise of the park)
* permit limits: the limits of the permit in force, with pollutant names and units
* daily values: a day's valid daily mean becomes public on the next local day
  (``DAILY_DELAY_DAYS``); invalid days are never published, only counted as "no valid data"
* compliance: of published daily values only, judged as the alarm engine judges them (``verdicts``: the
  permit's limit or the standard's column, the special one under special limits; O2-corrected where the
  limit has a reference O2; a value equal to the limit complies); a day it cannot judge is counted apart
* exceedances: alarms of kind "exceedance" once closed, or ``EXCEEDANCE_AFTER`` after detection;
  with the peak, limit, period and what was done (the explanation's kind, the regulator's verdict,
  the closing date); never the free-text explanation or the names of the people involved
* plan progress: the enterprise plan once approved, measure by measure (title, kind, deadline,
  status, date done, investment); never descriptions, responsible persons or review opinions
* section class: a month's class once the month is over (its samples judged at month end)
* loads against target: park totals of the key pollutants per completed month of the year
* complaint statistics: counts by month and category, original cases received before today
* complaint replies: only where the complainant consented (``Complaint.publish_reply``), replied
  or closed; category, month and the reply with the complainant's name, phone, address and any
  long digit run masked
* notices: published ones; withdrawn ones stay, marked withdrawn with the reason; drafts never
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from qingyuan.alarms.choices import AlarmKind, AlarmStatus
from qingyuan.alarms.models import Alarm
from qingyuan.complaints.choices import Category, ReviewLevel, Status
from qingyuan.complaints.models import Complaint
from qingyuan.core.pollutants import pollutant_name
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.org.models import Park
from qingyuan.plans.choices import MeasureStatus, PlanStatus
from qingyuan.plans.models import EnterprisePlan, Measure, ParkPlan
from qingyuan.portal import verdicts
from qingyuan.portal.choices import NoticeKind
from qingyuan.portal.models import Notice
from qingyuan.quality.models import DailyValue
from qingyuan.quality.services import limits_of

DAILY_DELAY_DAYS = 1
EXCEEDANCE_AFTER = dt.timedelta(hours=24)
PUBLIC_PLAN_STATUSES = (PlanStatus.APPROVED, PlanStatus.ACCEPTANCE, PlanStatus.ACCEPTED)
PUBLIC_REPLY_STATUSES = (Status.REPLIED, Status.CLOSED)
WINDOWS = (30, 365)


def today() -> dt.date:
    return timezone.localdate()


def last_public_day(on: dt.date | None = None) -> dt.date:
    """The newest day whose daily values are public on ``on`` (default: today)."""
    return (on or today()) - dt.timedelta(days=DAILY_DELAY_DAYS)


# ---- enterprises -----------------------------------------------------------------------------------

def enterprise_row(e: Enterprise) -> dict[str, Any]:
    return {"id": e.pk, "name": e.name, "credit_code": e.credit_code, "industry": e.get_industry_display(),
            "address": e.address, "status": e.status, "status_label": e.get_status_display(),
            "longitude": float(e.longitude) if e.longitude is not None else None,
            "latitude": float(e.latitude) if e.latitude is not None else None}


def enterprises(park: Park) -> list[dict[str, Any]]:
    return [enterprise_row(e) for e in Enterprise.objects.filter(park=park).order_by("name", "id")]


def status_counts(park: Park) -> list[dict[str, Any]]:
    counts = dict(Enterprise.objects.filter(park=park).values_list("status").annotate(n=Count("id")).order_by())
    return [{"status": s.value, "label": str(s.label), "count": counts.get(s.value, 0)}
            for s in EnterpriseStatus if counts.get(s.value)]


def permit_limits(e: Enterprise) -> list[dict[str, Any]]:
    """The limits the enterprise is judged by (``quality.services.limits_of``: the alarm engine's, permit rows
    and the standard's where no row limits), each with its source."""
    return [{"code": r.code, "name": r.label, "unit": r.unit, "outlet": r.outlet, "outlet_id": r.outlet_id,
             "limit": r.limit, "low": r.low, "annual_t": r.annual_t, "standard": r.standard,
             "standard_title": r.standard_title, "basis": r.basis, "reference_o2": r.reference_o2,
             "source": r.source, "source_label": r.source_label} for r in limits_of(e)]


# ---- daily values and compliance ---------------------------------------------------------------------

def published_daily(points: list[int], first: dt.date, last: dt.date) -> Any:
    """Valid daily values of these points from ``first`` to ``last``, capped at the last public day."""
    last = min(last, last_public_day())
    return (DailyValue.objects.filter(point_id__in=points, day__gte=first, day__lte=last, valid=True)
            .order_by("point_id", "parameter", "day"))


def points_of(e: Enterprise) -> list[MonitoringPoint]:
    return list(MonitoringPoint.objects.filter(outlet__enterprise=e).select_related("outlet")
                .order_by("outlet__code", "name"))


def daily_rows(e: Enterprise, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The open-data rows: one per published daily value, with its limit and whether it complied, as the alarm
    engine judges it (``verdicts``: O2-corrected where the limit has a reference O2, the variant in force)."""
    points = {p.pk: p for p in points_of(e)}
    values = published_daily(list(points), first, last).values("point_id", "parameter", "day", "mean", "unit",
                                                               "zs_mean")
    rows = []
    for d, rule, ok in verdicts.judged(points, values, first, min(last, last_public_day())):
        p = points[d["point_id"]]
        mean = d["mean"]
        rows.append({"enterprise": e.name, "point": p.name, "outlet": p.outlet.code if p.outlet else "",
                     "parameter": d["parameter"], "parameter_name": pollutant_name(d["parameter"]),
                     "day": d["day"].isoformat(), "mean": round(mean, 4) if mean is not None else None,
                     "unit": d["unit"], "limit": rule.shown if rule is not None else None, "compliant": ok})
    return rows


def compliance(e: Enterprise, *, limits: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Per point and limited parameter: published valid days judged, and days within the limit, per window.

    Each day is judged as the alarm engine judges it (``verdicts``); a day it cannot judge (no valid O2 for a
    corrected limit…) is counted apart (``unjudged``), neither compliant nor exceeding. ``limits`` is not
    used any more (the engine's limits are read); kept for callers. Four queries and the engine's context; only
    the limited parameters' days are read."""
    points = points_of(e)
    last = last_public_day()
    first = last - dt.timedelta(days=max(WINDOWS) - 1)
    published = published_daily([p.pk for p in points], first, last)
    contexts = verdicts.limits([p.pk for p in points])
    limited = Q()
    for point_id, code in published.values_list("point_id", "parameter").distinct().order_by():
        if verdicts.rule_of(contexts.get(point_id), code) is not None:
            limited |= Q(point_id=point_id, parameter=code)
    if not limited:
        return []
    values = published.filter(limited).values("point_id", "parameter", "day", "mean", "zs_mean")
    names = {p.pk: p.name for p in points}
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for d, rule, ok in verdicts.judged(names, values, first, last, contexts=contexts):
        if rule is None:
            continue
        key = (d["point_id"], d["parameter"])
        row = out.get(key)
        if row is None:
            row = out[key] = {"point": names[key[0]], "code": key[1], "name": pollutant_name(key[1]),
                              "limit": rule.shown, "windows": {n: {"days": 0, "compliant": 0, "unjudged": 0}
                                                               for n in WINDOWS}}
        for n in WINDOWS:
            if d["day"] > last - dt.timedelta(days=n):
                w = row["windows"][n]
                if ok is None:
                    w["unjudged"] += 1
                else:
                    w["days"] += 1
                    w["compliant"] += 1 if ok else 0
    order = {p.pk: i for i, p in enumerate(points)}
    rows = sorted(out.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    for _, row in rows:
        for w in row["windows"].values():
            w["rate"] = w["compliant"] / w["days"] if w["days"] else None
    return [row for _, row in rows]


# ---- exceedances -------------------------------------------------------------------------------------

def public_exceedances(park: Park, enterprise: Enterprise | None = None, *, now: dt.datetime | None = None) -> Any:
    now = now or timezone.now()
    qs = Alarm.objects.filter(park=park, kind=AlarmKind.EXCEEDANCE).filter(
        Q(status=AlarmStatus.CLOSED) | Q(first_detected_at__lte=now - EXCEEDANCE_AFTER))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise", "point").order_by("-start", "-id")


def exceedance_row(a: Alarm) -> dict[str, Any]:
    return {"id": a.pk, "enterprise": a.enterprise.name if a.enterprise else "", "enterprise_id": a.enterprise_id,
            "point": a.point.name if a.point else "", "code": a.parameter, "name": pollutant_name(a.parameter),
            "start": a.start, "end": a.end, "peak": a.peak, "limit": a.limit, "unit": a.unit,
            "status": a.get_status_display(), "closed": a.status == AlarmStatus.CLOSED,
            "explanation": a.get_explanation_kind_display() if a.explanation_kind else "",
            "verdict": a.get_verdict_display() if a.verdict else "", "closed_at": a.closed_at,
            "published": max(a.first_detected_at + EXCEEDANCE_AFTER, a.closed_at or a.first_detected_at
                             + EXCEEDANCE_AFTER) if a.status != AlarmStatus.CLOSED else a.closed_at}


def exceedances(park: Park, enterprise: Enterprise | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
    return [exceedance_row(a) for a in public_exceedances(park, enterprise)[:limit]]


# ---- plans -------------------------------------------------------------------------------------------

def plan_progress(e: Enterprise) -> dict[str, Any] | None:
    plan = (EnterprisePlan.objects.filter(enterprise=e, status__in=PUBLIC_PLAN_STATUSES)
            .order_by("-start_date", "-id").first())
    if plan is None:
        return None
    measures = [{"title": m.title, "kind": m.get_kind_display(), "deadline": m.deadline,
                 "status": m.status, "status_label": m.get_status_display(), "done_on": m.done_on,
                 "investment": m.investment}
                for m in Measure.objects.filter(plan=plan).exclude(status=MeasureStatus.CANCELLED)
                .order_by("order", "deadline", "id")]
    done = sum(1 for m in measures if m["status"] == MeasureStatus.DONE)
    return {"title": plan.title, "status": plan.get_status_display(), "outcome": plan.get_outcome_display(),
            "start": plan.start_date, "deadline": plan.deadline, "measures": measures, "done": done,
            "share": done / len(measures) if measures else None}


def park_progress(park: Park) -> dict[str, Any] | None:
    from qingyuan.plans.progress import compute

    plan = ParkPlan.objects.filter(park=park, status="approved").order_by("-approved_on", "-id").first()
    if plan is None:
        return None
    p = compute(plan)
    return {"title": plan.title, "deadline": plan.deadline, "headline": float(p.headline),
            "targets": len(p.rows), "reached": sum(1 for r in p.rows if r.reached),
            "measures": p.measures, "measures_done": p.measures_done,
            "milestones": [{"title": m.milestone.title, "due": m.milestone.due_date, "done": m.done}
                           for m in p.milestones]}


# ---- the river -----------------------------------------------------------------------------------------

def section_classes(park: Park, *, months: int = 12) -> dict[str, Any] | None:
    """The outbound section's class per month, for months that are over."""
    from qingyuan.sections import evaluation
    from qingyuan.sections.choices import SectionKind
    from qingyuan.sections.models import Section
    from qingyuan.sections.services import class_rank, summarise

    section = Section.objects.filter(park=park, kind=SectionKind.OUTBOUND, is_active=True).order_by("order").first()
    if section is None:
        return None
    this_month = today().replace(day=1)
    summary = summarise(section, months=months + 1)
    rows = [{"month": r.month, "class": r.result.cls, "label": evaluation.class_label(r.result.cls),
             "rank": class_rank(r.result.cls), "compliant": r.compliant}
            for r in summary.months if r.month < this_month]
    return {"name": section.name, "river": section.river, "target": section.get_target_class_display(),
            "target_rank": class_rank(section.target_class), "months": rows[-months:],
            "latest": rows[-1] if rows else None}


# ---- loads ---------------------------------------------------------------------------------------------

def loads_against_target(park: Park) -> list[dict[str, Any]]:
    """Per key pollutant: the park's discharge per completed month this year, cumulated, and the target."""
    from qingyuan.loads import totals
    from qingyuan.loads.models import LoadPolicy

    day = today()
    year, done_months = day.year, day.month - 1
    if done_months == 0:
        return []
    as_of = day.replace(day=1) - dt.timedelta(days=1)  # the last day of the last completed month
    policy = LoadPolicy.for_park(park.pk)
    rows = totals.enterprise_loads(totals.park_enterprises(park.pk), year, as_of, policy)
    out = []
    for p in totals.park_totals(rows, park.pk, year):
        cumulative, running = [], 0.0
        for t in p.months_t[:done_months]:
            running += t
            cumulative.append(round(running, 3))
        out.append({"code": p.code, "name": p.name, "target_t": round(p.target_t, 3) if p.target_t else None,
                    "months_t": [round(t, 3) for t in p.months_t[:done_months]], "cumulative_t": cumulative,
                    "ytd_t": cumulative[-1] if cumulative else 0.0,
                    "share": cumulative[-1] / p.target_t if cumulative and p.target_t else None})
    return out


# ---- complaints --------------------------------------------------------------------------------------

def complaint_statistics(park: Park, year: int) -> dict[str, Any]:
    qs = Complaint.objects.filter(park=park, year=year, review_level=ReviewLevel.ORIGINAL, received_on__lt=today())
    counts = qs.values_list("month", "category").annotate(n=Count("id")).order_by()
    by_month = [0] * 12
    by_category: dict[str, int] = defaultdict(int)
    for month, category, n in counts:
        by_month[month - 1] += n
        by_category[category] += n
    return {"year": year, "total": sum(by_month), "months": by_month,
            "categories": [{"label": str(c.label), "count": by_category[c.value]} for c in Category
                           if by_category.get(c.value)]}


_DIGITS = re.compile(r"\d[\d\s-]{5,}\d")


def anonymise(text: str, *secrets: str) -> str:
    """The text with each secret (name, phone, address) and every run of 7 or more digits masked."""
    for secret in sorted({s.strip() for s in secrets if s and len(s.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _DIGITS.sub("***", text)


def published_replies(park: Park, *, limit: int = 20) -> list[dict[str, Any]]:
    qs = (Complaint.objects.filter(park=park, publish_reply=True, status__in=PUBLIC_REPLY_STATUSES,
                                   review_level=ReviewLevel.ORIGINAL).exclude(reply="")
          .order_by("-replied_at", "-id")[:limit])
    return [{"category": c.get_category_display(), "month": dt.date(c.year, c.month, 1),
             "replied_on": c.replied_on, "reply": anonymise(c.reply, c.name, c.phone, c.address)} for c in qs]


# ---- notices -----------------------------------------------------------------------------------------

def notice_row(n: Notice) -> dict[str, Any]:
    return {"id": n.pk, "kind": n.kind, "kind_label": NoticeKind(n.kind).label, "title": n.title, "body": n.body,
            "issuer": n.issuer, "enterprise": n.enterprise.name if n.enterprise else "",
            "enterprise_id": n.enterprise_id, "published_at": n.published_at, "withdrawn": n.is_withdrawn,
            "withdrawn_at": n.withdrawn_at, "withdraw_reason": n.withdraw_reason}


def notices(park: Park, *, enterprise: Enterprise | None = None, limit: int = 50) -> list[dict[str, Any]]:
    qs = Notice.objects.public().filter(park=park).select_related("enterprise")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return [notice_row(n) for n in qs.order_by("-published_at", "-id")[:limit]]


def notice(pk: Any) -> dict[str, Any] | None:
    """One notice as the public sees it, or None (unknown, or not published: a draft is never found)."""
    try:
        n = Notice.objects.public().select_related("enterprise", "park").get(pk=int(pk))
    except (Notice.DoesNotExist, ValueError, TypeError):
        return None
    return notice_row(n) | {"park_code": n.park.code}
