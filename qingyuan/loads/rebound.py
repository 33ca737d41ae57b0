"""Rebound watch (防止反弹): accepted enterprises whose discharge drifts back toward the limit.

Who is watched: enterprises whose plan acceptance passed (plans.Acceptance "passed"), or
whose status is "rectified"; only the months after the acceptance month count.

For each counted point and permit-limited pollutant, over the last ``rebound_window_months``
complete months (LoadPolicy, default 12) with at least ``rebound_min_months`` monthly means
(default 6), with r_i = monthly mean / concentration limit and t_i the month index:

* Theil–Sen slope b = median over pairs i<j of (r_j − r_i) / (t_j − t_i);
  intercept a = median of (r_i − b t_i); fitted level at the last month L = a + b t_last.
* Mann–Kendall S = Σ_{i<j} sign(r_j − r_i), Var(S) = n(n−1)(2n+5)/18 − Σ ties t(t−1)(2t+5)/18,
  Z = (S − 1)/√Var for S > 0 (0 when S = 0).

The series is **drifting** when Z ≥ 1.645 (one-sided 5 %) and b ≥ slope% of the limit per
month (default 2 %) and L ≥ level% of the limit (default 60 %). Independently, **alarms** are
rising when the exceedance and approaching-the-limit alarms of the pollutant in the last
``rebound_alarm_months`` (default 3) number at least ``rebound_alarm_min`` (default 3) and
more than in the span before. Either opens a ``ReboundFlag`` (one open per enterprise and
pollutant) and an assignment to the enterprise's linked unit; when that assignment is
closed and the drift goes on, the flag gets a new one; when it is closed and the drift has
stopped, the flag closes itself.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.alarms.choices import AlarmKind  # loads sits above alarms (docs/architecture.md)
from qingyuan.alarms.models import Alarm
from qingyuan.core import audit
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.enterprises.permits import limits_in_force
from qingyuan.loads.choices import FlagStatus
from qingyuan.loads.models import ExcludedPoint, LoadPolicy, ReboundFlag
from qingyuan.org.models import Park
from qingyuan.plans.choices import AcceptanceStatus
from qingyuan.plans.models import Acceptance, pollutant_name
from qingyuan.quality.models import MonthlyValue

log = logging.getLogger("qingyuan.loads.rebound")
Z_ONE_SIDED_5 = 1.645


# ---- the statistics (pure) -------------------------------------------------------------------------

def theil_sen(ts: list[float], ys: list[float]) -> tuple[float, float]:
    """(slope, intercept) of the Theil–Sen line through (ts, ys); needs two distinct ts."""
    slopes = [(ys[j] - ys[i]) / (ts[j] - ts[i]) for i in range(len(ts)) for j in range(i + 1, len(ts))
              if ts[j] != ts[i]]
    slope = median(slopes)
    return slope, median(y - slope * t for t, y in zip(ts, ys, strict=True))


def mann_kendall_z(ys: list[float]) -> float:
    """Mann–Kendall Z of a series in time order (normal approximation, ties corrected)."""
    n = len(ys)
    s = sum((ys[j] > ys[i]) - (ys[j] < ys[i]) for i in range(n) for j in range(i + 1, n))
    ties: dict[float, int] = defaultdict(int)
    for y in ys:
        ties[y] += 1
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties.values())) / 18
    if var <= 0 or s == 0:
        return 0.0
    return (s - 1) / math.sqrt(var) if s > 0 else (s + 1) / math.sqrt(var)


@dataclass
class Trend:
    n: int
    slope: float | None = None  # per month, as a share of the limit
    level: float | None = None  # fitted share of the limit at the last month
    z: float = 0.0

    def drifting(self, policy: LoadPolicy) -> bool:
        return (self.slope is not None and self.level is not None and self.z >= Z_ONE_SIDED_5
                and self.slope >= float(policy.rebound_slope_percent) / 100
                and self.level >= policy.rebound_level_percent / 100)


def trend(months: list[int], shares: list[float], min_months: int) -> Trend:
    """The trend of monthly shares of the limit (``months``: month indexes, ascending)."""
    if len(shares) < max(min_months, 3):
        return Trend(len(shares))
    slope, intercept = theil_sen([float(m) for m in months], shares)
    return Trend(len(shares), slope, intercept + slope * months[-1], mann_kendall_z(shares))


def alarms_rising(counts: list[int], span: int, minimum: int) -> bool:
    """The last ``span`` months have ≥ ``minimum`` alarms and more than the ``span`` before."""
    recent, before = sum(counts[-span:]), sum(counts[-2 * span:-span])
    return recent >= minimum and recent > before


# ---- the data ----------------------------------------------------------------------------------------

def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def index_month(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def watched(park_id: int) -> dict[int, tuple[Enterprise, dt.date | None]]:
    """Accepted enterprises of the park → (enterprise, acceptance day)."""
    out: dict[int, tuple[Enterprise, dt.date | None]] = {}
    rows = Acceptance.objects.filter(plan__enterprise__park_id=park_id, status=AcceptanceStatus.PASSED) \
        .select_related("plan__enterprise__linked_unit", "plan__enterprise__park").order_by("decided_at", "id")
    for a in rows:
        moment = a.decided_at
        day = timezone.localdate(moment) if moment else a.inspection_date
        out[a.plan.enterprise_id] = (a.plan.enterprise, day)
    for e in Enterprise.objects.filter(park_id=park_id, status=EnterpriseStatus.RECTIFIED).exclude(
            pk__in=list(out)).select_related("linked_unit", "park"):
        out[e.pk] = (e, e.status_since)
    return out


@dataclass
class Finding:
    enterprise: Enterprise
    accepted_on: dt.date | None
    point: MonitoringPoint
    code: str
    limit: float
    unit: str
    trend: Trend
    series: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _limits(enterprise_ids: list[int], today: dt.date) -> dict[tuple[int, int | None, str], tuple[float, str]]:
    out = {}
    for ent, outlet, code, value, unit in limits_in_force(enterprise_ids, today).filter(
            concentration_limit__isnull=False, concentration_limit__gt=0).values_list(
            "permit__enterprise_id", "outlet_id", "pollutant_code", "concentration_limit", "unit"):
        out[(ent, outlet, code)] = (float(value), unit)
    return out


def _alarm_counts(enterprise_ids: list[int], first: dt.date) -> dict[tuple[int, str, int], int]:
    out: dict[tuple[int, str, int], int] = defaultdict(int)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_current_timezone())
    for ent, code, start in Alarm.objects.filter(
            enterprise_id__in=enterprise_ids, start__gte=since,
            kind__in=[AlarmKind.EXCEEDANCE, AlarmKind.APPROACHING]).values_list("enterprise_id", "parameter", "start"):
        out[(ent, code, month_index(timezone.localdate(start)))] += 1
    return out


def evaluate(park_id: int, *, today: dt.date | None = None) -> list[Finding]:
    """Every (enterprise, point, pollutant) of the watched enterprises whose trend or alarms say rebound."""
    today = today or timezone.localdate()
    policy = LoadPolicy.for_park(park_id)
    ents = watched(park_id)
    if not ents:
        return []
    last = month_index(today) - 1  # the last complete month
    first = last - policy.rebound_window_months + 1
    limits = _limits(list(ents), today)
    points = {p.pk: p for p in MonitoringPoint.objects.filter(outlet__enterprise_id__in=list(ents))
              .exclude(pk__in=ExcludedPoint.objects.values("point_id")).select_related("outlet")}
    series: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    for pid, code, month, mean, zs in MonthlyValue.objects.filter(
            point_id__in=list(points), month__gte=index_month(first), month__lte=index_month(last),
            mean__isnull=False, n_valid__gt=0).values_list("point_id", "parameter", "month", "mean", "zs_mean"):
        gas = points[pid].outlet.medium == "gas"  # type: ignore[union-attr]
        series[(pid, code)][month_index(month)] = zs if gas and zs is not None else mean
    alarms = _alarm_counts(list(ents), index_month(last - 2 * policy.rebound_alarm_months + 1))
    found = []
    for (pid, code), by_month in sorted(series.items()):
        point = points[pid]
        ent_id = point.outlet.enterprise_id  # type: ignore[union-attr]
        enterprise, accepted = ents[ent_id]
        limit = limits.get((ent_id, point.outlet_id, code)) or limits.get((ent_id, None, code))
        if limit is None:
            continue
        start = max(first, month_index(accepted) + 1 if accepted else first)
        months = [m for m in sorted(by_month) if m >= start]
        shares = [by_month[m] / limit[0] for m in months]
        t = trend(months, shares, policy.rebound_min_months)
        counts = [alarms.get((ent_id, code, m), 0) for m in range(last - 2 * policy.rebound_alarm_months + 1, last + 1)]
        reasons = []
        if t.drifting(policy):
            reasons.append("trend")
        if alarms_rising(counts, policy.rebound_alarm_months, policy.rebound_alarm_min):
            reasons.append("alarms")
        if not reasons:
            continue
        rows = [{"month": index_month(m).isoformat(), "mean": round(by_month[m], 4),
                 "share": round(by_month[m] / limit[0], 4),
                 "alarms": alarms.get((ent_id, code, m), 0)} for m in months]
        found.append(Finding(enterprise, accepted, point, code, limit[0], limit[1], t, rows, reasons))
    return found


# ---- flags and assignments ---------------------------------------------------------------------------

def _assignment_open(flag: ReboundFlag) -> bool:
    from qingyuan.tasks.models import Assignment

    return flag.assignment_id is not None and Assignment.objects.filter(pk=flag.assignment_id).open().exists()


def _assign(flag: ReboundFlag, policy: LoadPolicy) -> None:
    """An assignment to the linked unit, sourced from the flag (none if the enterprise has no linked unit)."""
    from qingyuan.tasks.actions import do_issue_assignment

    e = flag.enterprise
    if e.linked_unit_id is None:
        return
    name = pollutant_name(flag.pollutant_code)
    try:
        with transaction.atomic():  # the assignment and the flag's link to it, audited, or neither
            a = do_issue_assignment(
                park=e.park, assignee_unit=e.linked_unit, acting_user=None, enterprise=e,
                subject=(_("Rebound watch: %(enterprise)s, %(pollutant)s rising again") % {
                    "enterprise": e.name, "pollutant": name})[:190],
                requirements=_("Since its acceptance, %(enterprise)s's monthly %(pollutant)s has been rising toward "
                               "its limit (about %(slope)s%% of the limit per month, now about %(level)s%%). Check "
                               "the treatment facilities on site, have the enterprise explain the rise and restore "
                               "the results of the rectification, and report back.") % {
                    "enterprise": e.name, "pollutant": name,
                    "slope": round((flag.slope_share or 0) * 100, 1), "level": round((flag.level_share or 0) * 100)},
                deadline=timezone.localdate() + dt.timedelta(days=policy.rebound_deadline_days),
                source=flag, source_label=_("Rebound flag #%(id)s") % {"id": flag.pk})
            ReboundFlag.objects.filter(pk=flag.pk).update(assignment=a)
            audit.record("loads.rebound_flag_assigned", flag, acting_user=None, related=a,
                         before={"assignment_id": flag.assignment_id}, after={"assignment_id": a.pk})
    except (ValidationError, ValueError) as exc:
        log.warning("rebound flag %s: no assignment issued (%s)", flag.pk, exc)
        return
    flag.assignment = a


def _fields(f: Finding) -> dict[str, Any]:
    return {"point": f.point, "limit": f.limit, "unit": f.unit, "slope_share": f.trend.slope,
            "level_share": f.trend.level, "z_score": f.trend.z, "reasons": f.reasons, "series": f.series,
            "accepted_on": f.accepted_on}


def run_park(park_id: int, *, today: dt.date | None = None) -> list[ReboundFlag]:
    """Evaluate a park; open flags (and assignments) for new findings; returns the flags opened."""
    policy = LoadPolicy.for_park(park_id)
    findings = {(f.enterprise.pk, f.code): f for f in evaluate(park_id, today=today)}
    opened = []
    open_flags = {(fl.enterprise_id, fl.pollutant_code): fl for fl in ReboundFlag.objects.filter(
        park_id=park_id, status=FlagStatus.OPEN).select_related("enterprise__park", "enterprise__linked_unit")}
    for key, flag in open_flags.items():
        if key in findings or _assignment_open(flag) or flag.assignment_id is None:
            continue
        _close(flag, _("Closed automatically: the assignment is closed and the rise has stopped."))
    for key, f in findings.items():
        flag = open_flags.get(key)
        if flag is not None and flag.status == FlagStatus.OPEN:
            if not _assignment_open(flag):
                _assign(flag, policy)
            continue
        try:
            with transaction.atomic():
                flag = ReboundFlag.objects.create(park_id=park_id, enterprise=f.enterprise, pollutant_code=f.code,
                                                  detected_at=timezone.now(), **_fields(f))
                audit.record("loads.rebound_flag", flag, acting_user=None, related=f.enterprise,
                             after={"pollutant": f.code, "reasons": f.reasons, "slope": f.trend.slope,
                                    "level": f.trend.level, "z": f.trend.z})
        except IntegrityError:  # another worker opened it meanwhile
            continue
        flag.enterprise = f.enterprise
        _assign(flag, policy)
        opened.append(flag)
    return opened


def _close(flag: ReboundFlag, note: str) -> None:
    if ReboundFlag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
            status=FlagStatus.CLOSED, closed_at=timezone.now(), close_note=note):
        flag.status = FlagStatus.CLOSED
        audit.record("loads.close_rebound_flag", flag, acting_user=None, before={"status": FlagStatus.OPEN},
                     after={"status": FlagStatus.CLOSED}, message=note)


def step() -> bool:
    """Worker step ``loads.rebound``: every park once per run (periodic)."""
    for park_id in Park.objects.values_list("pk", flat=True):
        run_park(park_id)
    return False

