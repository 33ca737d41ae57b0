"""The substituted mass (HJ 75-2017, ``loads.substitution``) kept as stored data, so that every load figure adds
it without re-running the substitution in the request (issue 15 rule 7).

Storage: ``SubstitutedMass``, one row per run and local month it touches (a run across a month end is split),
owned by the run's first hour. Refreshing a point from hour ``t`` recomputes every run that can have changed:
those that begin after the last valid hour before ``t`` (of any of the three pollutants): the run that ``t``'s
new values close or split starts there, and any later long run reads ``t`` in its look-back. The rows of those
runs are deleted and written again; earlier runs are kept. The quality worker calls ``on_period`` whenever it
(re)computes a point's hours or days (``quality.queue.register_period_listener``: new data, late data, a stop
declaration approved later); ``rebuild`` does a whole span (the demo, a bulk recompute). A change bumps the
loads cache's *measured* version (``loads.cache``), as new daily values do: the rows are written without
model signals.

Reading: ``by_enterprise`` gives per (enterprise, pollutant) the net kg per month, at all counted outlets and at
direct ones, and the local days wholly substituted (they count as days with data in the projection: their
mass is known, so they are not gaps estimated at the mean rate). The net kg is the substituted kg less the
measured kg of the run's invalid hours, which the daily masses already hold (an invalid hour is replaced, not
added to). One query; the policy ``none`` reads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qingyuan.enterprises.choices import DischargeRoute, Medium
from qingyuan.loads import cache
from qingyuan.loads.choices import MissingHours
from qingyuan.loads.models import SubstitutedMass
from qingyuan.loads.substitution import HJ75_CODES, HOUR, Run, hourly_runs
from qingyuan.quality.choices import Period
from qingyuan.quality.compute import floor_hour, local_midnight
from qingyuan.quality.models import HourlyValue
from qingyuan.quality.points import PointInfo

KG_PER_T = 1000.0
DAY = dt.timedelta(days=1)


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _month_of(moment: dt.datetime) -> dt.date:
    return _local(moment).date().replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def full_days(first: dt.datetime, hours: int) -> int:
    """The local days wholly inside the hours [first, first + hours h)."""
    end = first + hours * HOUR
    day = _local(first).date()
    if local_midnight(day) < first:
        day += DAY
    count = 0
    while local_midnight(day + DAY) <= end:
        count += 1
        day += DAY
    return count


def pieces(run: Any, invalid: dict[tuple[int, str, dt.datetime], float]) -> list[tuple[dt.date, dt.datetime, int, float]]:
    """(month, first hour, hours, measured kg of its invalid hours) of a run, split at local month ends."""
    out = []
    first, left = run.first, run.hours
    while left > 0:
        month = _month_of(first)
        n = min(left, int((local_midnight(_next_month(month)) - first) / HOUR))
        replaced = sum(invalid.get((run.point_id, run.code, first + k * HOUR), 0.0) for k in range(n))
        out.append((month, first, n, replaced))
        first, left = first + n * HOUR, left - n
    return out


def _since(point_id: int, t: dt.datetime) -> dt.datetime:
    """The first hour after the last valid hour before ``t`` of any substituted pollutant (``t`` when a
    pollutant has none: nothing before its first valid hour is substituted)."""
    lasts = dict(HourlyValue.objects.filter(point_id=point_id, parameter__in=HJ75_CODES, valid=True,
                                            mass_kg__isnull=False, start__lt=t)
                 .values_list("parameter").annotate(last=Max("start")).order_by())
    found = [lasts[c] + HOUR for c in HJ75_CODES if c in lasts]
    return min([t, *found])


def refresh(point_id: int, t: dt.datetime, now: dt.datetime | None = None, *, since: dt.datetime | None = None
            ) -> int:
    """Recompute the runs of a flue-gas point that the hours from ``t`` on can change; returns rows written."""
    end = floor_hour(now or timezone.now())
    since = since or _since(point_id, floor_hour(t))
    runs, invalid = hourly_runs([point_id], since, end) if since < end else ([], {})
    stamp = timezone.now()
    rows = [SubstitutedMass(point_id=point_id, parameter=r.code, run_start=r.first, month=month, first=first,
                            hours=n, kg_per_hour=r.kg_per_hour, replaced_kg=replaced, rule=r.rule, computed_at=stamp)
            for r in runs for month, first, n, replaced in pieces(r, invalid)]
    with transaction.atomic():
        old = SubstitutedMass.objects.filter(point_id=point_id, run_start__gte=since)
        deleted = old._raw_delete(old.db)  # derived rows: no per-row signals (the bump below says it once)
        SubstitutedMass.objects.bulk_create(rows)
    if deleted or rows:
        cache.bump_measured()
    return len(rows)


def rebuild(point_ids: Iterable[int], first: dt.date, now: dt.datetime | None = None) -> int:
    """Recompute the runs of the points from local day ``first`` on (idempotent)."""
    return sum(refresh(pid, local_midnight(first), now) for pid in point_ids)


def _unchanged(rows: list[tuple[dt.datetime, Any]], since: dt.datetime) -> bool:
    """The new hours are valid and follow a valid hour without a hole: no run can begin or change."""
    by_code: dict[str, set[dt.datetime]] = {}
    for start, stats in rows:
        if stats.parameter in HJ75_CODES:
            if not stats.valid or stats.mass_kg is None:
                return False
            by_code.setdefault(stats.parameter, set()).add(start)
    for hours in by_code.values():
        if len(hours) != int((max(hours) - since) / HOUR) + 1:
            return False
    return True


def on_period(info: PointInfo, period: str, rows: list[tuple[dt.datetime, Any]]) -> None:
    """Quality's period listener: a flue-gas point's hours or days were (re)computed."""
    if info.medium != Medium.GAS or not rows:
        return
    t = min(start for start, _ in rows)
    if period != Period.HOUR:
        refresh(info.id, t)
        return
    mine = [(start, stats) for start, stats in rows if stats.parameter in HJ75_CODES]
    if not mine:
        return
    t = min(start for start, _ in mine)
    since = _since(info.id, t)
    if not SubstitutedMass.objects.filter(point_id=info.id, run_start__gte=since).exists():
        if since == t and _unchanged(mine, t):
            return  # valid hours after a valid hour: no run begins or changes
        if not any(stats.valid and stats.mass_kg is not None for _, stats in mine) and not HourlyValue.objects.filter(
                point_id=info.id, parameter__in=HJ75_CODES, valid=True, mass_kg__isnull=False,
                start__gt=max(start for start, _ in mine)).exists():
            return  # invalid hours with nothing valid after them: an open run grows, nothing is substituted yet
    refresh(info.id, t, since=since)


# ---- reading --------------------------------------------------------------------------------------

def _of_year(point_ids: Any, year: int, as_of: dt.date, codes: Iterable[str] | None = None) -> Any:
    rows = SubstitutedMass.objects.filter(point_id__in=point_ids, month__gte=dt.date(year, 1, 1),
                                          month__lte=as_of.replace(day=1))
    return rows.filter(parameter__in=list(codes)) if codes is not None else rows


def _clipped(rows: Iterable[tuple[Any, ...]], as_of: dt.date) -> Iterable[tuple[Any, ...]]:
    """Rows ending (…, first, hours, kg per hour, replaced kg), the hours after ``as_of`` cut off (the month of
    ``as_of``: the replaced kg pro rata); rows left without hours dropped."""
    end = local_midnight(as_of + DAY)
    for *head, first, hours, per_hour, replaced in rows:
        if first + hours * HOUR > end:
            share = max(0, int((end - first) / HOUR))
            replaced, hours = replaced * share / hours, share
        if hours > 0:
            yield (*head, first, hours, per_hour, replaced)


def stored_runs(point_ids: Any, year: int, as_of: dt.date) -> list[Run]:
    """The stored runs of the points with hours in ``year`` up to ``as_of`` (their hours in that span)."""
    runs: dict[tuple[int, str, dt.datetime], Run] = {}
    rows = _of_year(point_ids, year, as_of).order_by("point_id", "parameter", "run_start", "month")
    for point, code, run_start, rule, first, hours, per_hour, _replaced in _clipped(
            rows.values_list("point_id", "parameter", "run_start", "rule", "first", "hours", "kg_per_hour",
                             "replaced_kg"), as_of):
        key = (point, code, run_start)
        found = runs.get(key)
        runs[key] = Run(point, code, first, hours, per_hour, rule) if found is None else \
            Run(point, code, found.first, found.hours + hours, per_hour, rule)
    return list(runs.values())


@dataclass
class Substituted:
    """An enterprise's substituted mass of one pollutant: net t per month, all outlets and direct ones."""

    months_t: list[float] = field(default_factory=lambda: [0.0] * 12)
    direct_months_t: list[float] = field(default_factory=lambda: [0.0] * 12)
    days: int = 0  # local days wholly substituted
    direct_days: int = 0
    hours: int = 0


def by_enterprise(point_ids: Any, year: int, as_of: dt.date, method: str, codes: Iterable[str] | None = None
                  ) -> dict[tuple[int, str], Substituted]:
    """(enterprise, pollutant) → substituted mass of the counted points ``point_ids`` in ``year`` up to
    ``as_of`` (hours after it are cut off); empty under the policy ``none``."""
    if method != MissingHours.HJ75:
        return {}
    rows = _of_year(point_ids, year, as_of, codes)
    out: dict[tuple[int, str], Substituted] = {}
    for ent, code, route, month, first, hours, per_hour, replaced in _clipped(
            rows.values_list("point__outlet__enterprise_id", "parameter", "point__outlet__route", "month", "first",
                             "hours", "kg_per_hour", "replaced_kg"), as_of):
        found = out.setdefault((ent, code), Substituted())
        t = (per_hour * hours - replaced) / KG_PER_T
        days = full_days(first, hours)
        found.months_t[month.month - 1] += t
        found.days += days
        found.hours += hours
        if route == DischargeRoute.DIRECT:
            found.direct_months_t[month.month - 1] += t
            found.direct_days += days
    return out


def add_to_park(direct: dict[tuple[int, str], list[Any]], by_month: dict[str, list[list[float]]],
                points: dict[int, tuple[int, bool]], plants: set[int], park_id: int, year: int, as_of: dt.date,
                codes: list[str]) -> None:
    """``park.park_figures``' sums plus the substituted mass, as ``totals.enterprise_loads`` adds it: kg and
    wholly substituted days at each enterprise's direct outlets; t per month at all, direct and the
    treatment plants' direct outlets."""
    from qingyuan.enterprises.models import MonitoringPoint
    from qingyuan.loads.models import ExcludedPoint, LoadPolicy

    method = LoadPolicy.for_park(park_id).missing_hours
    if method != MissingHours.HJ75 or not points:
        return
    counted = MonitoringPoint.objects.filter(outlet__enterprise__park_id=park_id).exclude(
        pk__in=ExcludedPoint.objects.values("point_id")).values("pk")  # a subquery: no parameter per point
    subs = by_enterprise(counted, year, as_of, method, codes)
    for (ent, code), sub in subs.items():
        d = direct.setdefault((ent, code), [0.0, 0, None, 0])
        d[0] += sum(sub.direct_months_t) * KG_PER_T
        d[1] += sub.direct_days
        months = by_month[code]
        for m in range(12):
            months[0][m] += sub.months_t[m]
            months[1][m] += sub.direct_months_t[m]
            if ent in plants:
                months[2][m] += sub.direct_months_t[m]
