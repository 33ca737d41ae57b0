"""The park's load figures (``totals.ParkPollutant``) without a row per enterprise and month: the cockpit.

``totals.park_totals(totals.enterprise_loads(...))`` builds every enterprise's months to add them up; at a
province's size (5,000 enterprises, 10,000 points) that is a quarter of a million monthly groups. Here
the database adds up what the park's figures need, from the monthly values (``masses.py``):

* per point and pollutant, the year's mass and days with a mass (the projection is per enterprise:
  ``ytd + ytd / days × (gaps + days left)`` at its direct outlets);
* per pollutant and month, the park's masses: all outlets, direct ones, the treatment plants' direct ones.

An enterprise for which a sum of its points' days could differ from its distinct days (several direct
points with data for one pollutant), or whose monthly rows cannot be used (``masses.py``: days not known,
a day after ``as_of``), is added up month by month through ``masses.masses``. The figures equal
``park_totals`` (``tests/test_park_figures.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import connections
from django.db.models import Case, CharField, Count, Min, Q, Sum, Value, When
from django.db.models.functions import Cast

from qingyuan.enterprises.choices import DischargeRoute
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.loads.choices import KEY_POLLUTANTS
from qingyuan.loads.masses import KG_PER_T, masses
from qingyuan.loads.models import BaselineLoad, ExcludedPoint, LoadPolicy
from qingyuan.loads.routes import Routes, is_water, plant_balances, routes_of
from qingyuan.loads.substituted import add_to_park
from qingyuan.loads.totals import (
    ParkPollutant,
    ledger_sums,
    load_targets,
    project,
    quotas,
    stop_days_with_data,
    stopped_days,
    stopped_since,
)
from qingyuan.quality.models import MonthlyValue, YearToDate


def _raw(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset without Django's per-value converters (dates may be text), from the
    database the router reads it from (the standby inside ``reads_from_replica``)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _points(counted: Any) -> dict[int, tuple[int, bool]]:
    """point → (enterprise, direct outlet), for the points that count toward loads."""
    rows = counted.values_list("pk", "outlet__enterprise_id", "outlet__route")
    return {pk: (ent, route == DischargeRoute.DIRECT) for pk, ent, route in _raw(rows)}


@dataclass(frozen=True)
class Measured:
    """What the measurements give the park's figures: per pollutant the year to date (t), the projection (t)
    and the most days with data of an enterprise; per pollutant the monthly masses (``months=True``)."""

    sums: dict[str, tuple[float, float, int]]
    months: dict[str, list[list[float]]]


def park_figures(park_id: int, year: int, as_of: dt.date, codes: Iterable[str] = KEY_POLLUTANTS, *,
                 months: bool = True, routes: Routes | None = None, measured: Measured | None = None
                 ) -> list[ParkPollutant]:
    """The park's figures of ``codes`` in ``year`` up to ``as_of``, as ``totals.park_totals`` gives them.

    ``months=False`` (the cockpit, which shows none of them) leaves the monthly figures at zero and the
    treatment plants' balances out: one pass over the year's monthly values instead of two. ``routes`` and
    ``measured`` (``measured_part``) may come from a cache (``cockpit.figures``): an edit of a target,
    baseline, ledger entry or permit then adds up only the figures it touches."""
    codes = [c for c in KEY_POLLUTANTS if c in set(codes)]
    ids = Enterprise.objects.filter(park_id=park_id).values("pk")  # a subquery wherever it is used
    routes = routes if routes is not None else routes_of(ids)
    if measured is None:
        measured = measured_part(park_id, year, as_of, codes, months=months, plants=set(routes.plants))
    return _assemble(park_id, year, as_of, ids, routes if months else replace(routes, plants={}), codes, measured)


def measured_part(park_id: int, year: int, as_of: dt.date, codes: Iterable[str] = KEY_POLLUTANTS, *,
                  months: bool = True, plants: set[int] | frozenset[int] = frozenset(), ytd: bool = False
                  ) -> Measured:
    """The part of the figures read from the measurements (monthly and daily values, stop declarations,
    the points and their outlets' routes): the costly one. ``plants``: the treatment plants' ids
    (``routes.plants``), for the monthly masses of their effluent (``months=True``). ``ytd``: the sums per
    point from the year rows (``quality.ytd``; the cockpit) when they cover the monthly values, else the months'."""
    codes = [c for c in KEY_POLLUTANTS if c in set(codes)]
    ids = Enterprise.objects.filter(park_id=park_id).values("pk")
    counted = MonitoringPoint.objects.filter(outlet__enterprise__park_id=park_id).exclude(
        pk__in=ExcludedPoint.objects.values("point_id"))
    points = _points(counted)
    first_month, last_month = dt.date(year, 1, 1), as_of.replace(day=1)
    rows_of_year = MonthlyValue.objects.filter(month__gte=first_month, month__lte=last_month, parameter__in=codes)
    usable = Q(mass_days__isnull=False) & (Q(month__lt=last_month) | Q(mass_day_mask__lt=1 << as_of.day))
    direct: dict[tuple[int, str], list[Any]] = {}  # (enterprise, pollutant) → [kg, days, first day, points]
    redo: set[int] = set()
    found = _year_rows(counted, points, codes, year, as_of) if ytd else None
    if found is None:
        found = _raw(rows_of_year.filter(point_id__in=counted.values("pk")).values_list("point_id", "parameter")
                     .annotate(kg=Sum("mass_kg", filter=usable), days=Sum("mass_days", filter=usable),
                               first=Min("first_mass_day", filter=usable), stale=Count("id", filter=~usable))
                     .order_by())
    dates: dict[Any, dt.date | None] = {}  # a few hundred first days among 20,000 rows: each parsed once
    for point, code, kg, days, first, stale in found:
        ent, is_direct = points[point]
        if stale:
            redo.add(ent)
        if not is_direct:
            continue
        day = dates[first] if first in dates else dates.setdefault(first, _date(first))
        d = direct.get((ent, code))
        if d is None:
            direct[(ent, code)] = [kg or 0.0, days or 0, day, 1 if days else 0]
        else:
            d[0], d[1], d[2], d[3] = d[0] + (kg or 0.0), d[1] + (days or 0), _earliest(d[2], day), \
                d[3] + (1 if days else 0)
    redo |= {ent for (ent, _), d in direct.items() if d[3] > 1}
    by_month: dict[str, list[list[float]]] = defaultdict(lambda: [[0.0] * 12 for _ in range(3)])
    plants = set(plants) if months else set()
    if months:
        by_month = _park_months(rows_of_year.filter(usable), points, redo, plants)
    if redo:
        _add_redone(direct, by_month, points, redo, year, as_of, codes, plants)
    add_to_park(direct, by_month, points, plants, park_id, year, as_of, codes)  # HJ 75 substituted hours
    if not months:
        by_month.clear()
    return Measured(_projections(ids, year, as_of, codes, direct, counted.values("pk")), dict(by_month))


def _year_rows(counted: Any, points: dict[int, tuple[int, bool]], codes: list[str], year: int, as_of: dt.date
               ) -> list[tuple[Any, ...]] | None:
    """(point, pollutant, kg, days, first day, stale) as the monthly values give them, from the year rows
    (``quality.ytd``): one row per point and pollutant instead of one per month. A row is stale (its
    enterprise added up month by month) when a month does not know its days or the sums hold a day after
    ``as_of``. None when the year rows do not count every monthly value of the counted points (months
    written without them). The rows of the year are read whole and kept for the counted ``points`` here: a
    lookup per point in the database costs more than the rows of other parks.

    The coverage check first compares the totals over every point: one count over the months' index with no
    lookup per point (~13 ms instead of ~40 at a province's size, SQLite). A year row never counts more months
    than are stored (a month is deleted only with its point, and the point's year rows with it), so equal
    totals mean every point's rows count all its months, the counted points' too. When they differ (a writer
    left some year rows behind, perhaps another park's) the counted points are checked alone, as before."""
    last_month, limit = as_of.replace(day=1), 1 << as_of.day
    # stale by the database: a month without its days, or a last month later than as_of's or holding a day
    # after it (a NULL mask is not below the limit: stale); the first day as text: a few hundred distinct ones
    # among 20,000, each parsed once (the SQLite driver would parse every date column value)
    usable = Q(unknown=0) & (Q(last_month__lt=last_month) | Q(last_month=last_month, last_mask__lt=limit))
    found = _raw(YearToDate.objects.filter(year=year, parameter__in=codes).annotate(
        first=Cast("first_mass_day", CharField()), stale=Case(When(usable, then=Value(0)), default=Value(1))
    ).values_list("point_id", "parameter", "mass_kg", "mass_days", "first", "stale", "months"))
    out, summed, every = [], 0, 0
    append = out.append
    for point, code, kg, days, first, stale, n in found:
        every += n
        if point in points:
            summed += n
            append((point, code, kg, days, first, stale))
    stored = MonthlyValue.objects.filter(month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1),
                                         parameter__in=codes)
    if stored.count() == every:
        return out
    return out if summed == stored.filter(point_id__in=counted.values("pk")).count() else None


def _projections(ids: Any, year: int, as_of: dt.date, codes: list[str], direct: dict[tuple[int, str], list[Any]],
                 counted: Any) -> dict[str, tuple[float, float, int]]:
    """pollutant → (year to date, projected, most days) over the enterprises' direct outlets.

    ``totals.project`` inlined for the enterprises without a stop (20,000 calls at a province's size), with
    the same operations in the same order, so the sums are those of ``project`` to the last bit
    (``tests/test_park_ytd.py``)."""
    stopped = stopped_days(ids, year, as_of)
    kept = stop_days_with_data(counted, stopped, codes)
    sums = {code: [0.0, 0.0, 0] for code in codes}  # year to date, projected, most days
    remaining = (dt.date(as_of.year, 12, 31) - as_of).days
    since: dict[dt.date, int] = {}  # first day → days from it to as_of (a few hundred distinct ones)
    for (ent, code), (kg, days, first, _) in direct.items():
        acc = sums.get(code)
        if acc is None:
            continue
        ytd = kg / KG_PER_T
        acc[0] += ytd
        stops = stopped.get(ent) if stopped else None
        if stops:
            acc[1] += project(ytd, days, as_of, first, stopped_since(stops, first, kept.get((ent, code),
                                                                                      (set(), set()))[1]))
        else:  # project(ytd, days, as_of, first, 0)
            if first is None:
                gaps = 0
            else:
                span = since.get(first)
                if span is None:
                    span = since[first] = (as_of - first).days + 1
                gaps = max(0, span - days)
            rate = ytd / days if days else 0.0
            acc[1] += ytd + rate * (gaps + remaining)
        if days > acc[2]:
            acc[2] = days
    return {code: (float(ytd), float(projected), int(days)) for code, (ytd, projected, days) in sums.items()}


def _earliest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


def _park_months(usable: Any, points: dict[int, tuple[int, bool]], redo: set[int], plants: set[int]
                 ) -> dict[str, list[list[float]]]:
    """pollutant → [all, direct, plants' direct] masses per month (t), the enterprises in ``redo`` left out."""
    kept = [p for p, (ent, _) in points.items() if ent not in redo]
    direct = [p for p in kept if points[p][1]]
    effluent = [p for p in direct if points[p][0] in plants]
    rows = (usable.filter(point_id__in=kept).values_list("parameter", "month")
            .annotate(kg=Sum("mass_kg"), direct=Sum("mass_kg", filter=Q(point_id__in=direct)),
                      effluent=Sum("mass_kg", filter=Q(point_id__in=effluent or [0]))).order_by())
    out: dict[str, list[list[float]]] = defaultdict(lambda: [[0.0] * 12 for _ in range(3)])
    for code, month, *kgs in _raw(rows):
        m = _date(month).month  # type: ignore[union-attr]
        for i, kg in enumerate(kgs):
            out[code][i][m - 1] += (kg or 0.0) / KG_PER_T
    return out


def _add_redone(direct: dict[tuple[int, str], list[Any]], by_month: dict[str, list[list[float]]],
                points: dict[int, tuple[int, bool]], redo: set[int], year: int, as_of: dt.date, codes: list[str],
                plants: set[int]) -> None:
    """The enterprises in ``redo`` month by month, through ``masses``."""
    found = masses({p: ent for p, (ent, _) in points.items() if ent in redo}, year, as_of, codes)
    for ent in redo:
        for code in codes:
            direct.pop((ent, code), None)
    for (ent, code), mass in found.items():
        direct[(ent, code)] = [sum(mass.direct_months_t) * KG_PER_T, mass.direct_days, mass.direct_first_day, 1]
        for m in range(12):
            by_month[code][0][m] += mass.months_t[m]
            by_month[code][1][m] += mass.direct_months_t[m]
            if ent in plants:
                by_month[code][2][m] += mass.direct_months_t[m]


def _baseline_sums(ids: Any, year: int, routes: Any) -> dict[str, float]:
    """Σ counted baselines per pollutant (an indirect-only enterprise's water figures are inside its plant's)."""
    inside = list(routes.indirect_only)
    rows = (BaselineLoad.objects.filter(enterprise_id__in=ids, year=year).values_list("pollutant_code")
            .annotate(every=Sum("load_t"), inside=Sum("load_t", filter=Q(enterprise_id__in=inside or [0])))
            .order_by())
    return {code: float(every or 0) - (float(inside_t or 0) if is_water(code) else 0.0)
            for code, every, inside_t in _raw(rows)}


def _assemble(park_id: int, year: int, as_of: dt.date, ids: Any, routes: Routes, codes: list[str],
              measured: Measured) -> list[ParkPollutant]:
    targets, ledger = load_targets(park_id), ledger_sums(park_id, routes)
    policy = LoadPolicy.for_park(park_id)
    base = _baseline_sums(ids, policy.baseline_year, routes)
    quota: dict[str, float] = defaultdict(float)
    for ent, by_code in quotas(ids, year, as_of).items():
        for code, tonnes in by_code.items():
            if routes.counts(ent, code):
                quota[code] += tonnes
    out = []
    for code in codes:
        t = targets.get(code)
        every, direct_months, effluent = measured.months.get(code) or [[0.0] * 12 for _ in range(3)]
        row = ParkPollutant(code, float(t.baseline_t) if t else None, float(t.target_t) if t else None,
                            base.get(code, 0.0), ledger.get(code, 0.0), quota.get(code, 0.0), 0.0, 0.0,
                            list(direct_months), [a - d for a, d in zip(every, direct_months, strict=True)],
                            list(effluent))
        row.ytd_t, row.projected_t, row.data_days = measured.sums.get(code, (0.0, 0.0, 0))
        out.append(row)
    index = {r.code: r for r in out}
    for balance in plant_balances(park_id, routes.plants, year, as_of, codes):
        index[balance.code].plants.append(balance)
    return out
