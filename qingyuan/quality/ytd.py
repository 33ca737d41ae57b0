"""Year-to-date rows (``YearToDate``): per point, parameter and local year, the sums of its monthly values.

A province's year is a quarter of a million monthly rows (10,000 points, 2 pollutants each, 12 months); the
cockpit's load figures need only their sums per point and pollutant (``loads.park``): 20,000 rows. A row holds

* ``months``: how many monthly rows of the year it sums (a reader compares this with the monthly rows it
  would read: a month written without ``refresh`` makes the sums incomplete, and the reader reads the months);
* ``mass_kg``, ``mass_days``, ``first_mass_day``: Σ mass, Σ days with a mass and the first such day of the
  months whose days are known; ``unknown``: the months whose days are not (``mass_days`` NULL: readers add up
  the daily values of those themselves, ``loads.masses``);
* ``last_month`` and ``last_mask``: the latest month and its days with a mass, so that a reader as of a day
  knows whether the sums hold no day after it.

``refresh(point_ids, years)`` recomputes the rows from the monthly values (one read, one upsert, one delete);
the computation calls it whenever it stores months (``compute.store_months``), in the same transaction, so late
data for an old month changes its year's row too. ``rebuild(years)`` recomputes every point's rows (a database
filled with months by another writer: the bench, an import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from qingyuan.quality.models import MonthlyValue, YearToDate
from qingyuan.quality.upsert import Upsert

COLUMNS = ("point_id", "parameter", "year", "months", "unknown", "mass_kg", "mass_days", "first_mass_day",
           "last_month", "last_mask", "computed_at")
KEY = ("point_id", "parameter", "year")


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _rows(months: Any) -> list[list[Any]]:
    """The year rows of the monthly values ``months`` (ordered by point, parameter, month)."""
    now = timezone.now()
    out: list[list[Any]] = []
    key: tuple[int, str, int] | None = None
    row: list[Any] = []
    sql, params = months.values_list("point_id", "parameter", "month", "mass_kg", "mass_days", "first_mass_day",
                                     "mass_day_mask").order_by("point_id", "parameter", "month").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for point, code, month, kg, days, first, mask in fetched:
        month = _date(month)
        if (point, code, month.year) != key:
            key = (point, code, month.year)
            row = [point, code, month.year, 0, 0, None, 0, None, month, None, now]
            out.append(row)
        row[3] += 1
        row[8], row[9] = month, mask
        if days is None:
            row[4] += 1
            continue
        if kg is not None:  # SUM: NULL without a value
            row[5] = kg if row[5] is None else row[5] + kg
        row[6] += days
        first = _date(first) if first is not None else None
        if first is not None and (row[7] is None or first < row[7]):
            row[7] = first
    return out


def _years(years: Iterable[int]) -> Q:
    wanted = sorted(set(years))
    return Q(month__gte=dt.date(wanted[0], 1, 1), month__lte=dt.date(wanted[-1], 12, 1))


def refresh(point_ids: Iterable[int], years: Iterable[int]) -> int:
    """Recompute the year rows of the points in ``years`` from their monthly values; returns the rows written."""
    ids, wanted = list(point_ids), sorted(set(years))
    if not ids or not wanted:
        return 0
    months = MonthlyValue.objects.filter(_years(wanted), point_id__in=ids)
    rows = [r for r in _rows(months) if r[2] in wanted]
    Upsert(YearToDate, COLUMNS, KEY).run(rows)
    kept = {(r[0], r[1], r[2]) for r in rows}
    gone = [pk for pk, point, code, year in YearToDate.objects.filter(point_id__in=ids, year__in=wanted)
            .values_list("pk", "point_id", "parameter", "year") if (point, code, year) not in kept]
    if gone:
        YearToDate.objects.filter(pk__in=gone).delete()
    return len(rows)


def rebuild(years: Iterable[int]) -> int:
    """Recompute every point's year rows of ``years`` (after months written in bulk without ``refresh``)."""
    wanted = sorted(set(years))
    if not wanted:
        return 0
    YearToDate.objects.filter(year__in=wanted).delete()
    rows = [r for r in _rows(MonthlyValue.objects.filter(_years(wanted))) if r[2] in wanted]
    for start in range(0, len(rows), 20000):
        Upsert(YearToDate, COLUMNS, KEY).run(rows[start:start + 20000])
    return len(rows)
