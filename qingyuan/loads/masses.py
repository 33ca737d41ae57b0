"""Masses per enterprise, pollutant and month of a year, and the days with data: what ``totals`` projects.

Read from ``quality.MonthlyValue`` (a month's ``mass_kg`` is the sum of its days'; ``mass_days``,
``mass_day_mask`` and ``first_mass_day`` say which days had a mass), not from every daily value:
a year of a province's points is a few hundred thousand monthly rows against millions of daily ones.
The figures are those of the daily values (``tests/test_masses_equivalence.py`` holds the two paths
together):

* a month is read from its monthly row when the row knows its days (not NULL) and, for the month of
  ``as_of``, has no day after ``as_of``; otherwise (a row written without its days, a day after
  ``as_of``) from that point's daily values of the month, up to ``as_of``;
* an enterprise's days are the days on which any of its points had a mass (distinct days, as
  ``COUNT(DISTINCT day)`` over daily values): a single point's count is its ``mass_days``; where
  several points have data in one month their masks are OR-ed.

The quality worker recomputes a month whenever it computes one of its days (late data included), in
the same transaction; a writer that stores daily values directly must compute their months again
(``quality.compute.refresh_months``) or leave the days NULL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, Func, IntegerField, Min, Q, Sum, Value
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, Substr

from qingyuan.enterprises.choices import DischargeRoute
from qingyuan.quality.models import DailyValue, MonthlyValue

KG_PER_T = 1000.0
DIRECT = "point__outlet__route"


@dataclass
class Mass:
    months_t: list[float] = field(default_factory=lambda: [0.0] * 12)
    days: int = 0
    direct_months_t: list[float] = field(default_factory=lambda: [0.0] * 12)
    direct_days: int = 0
    first_day: dt.date | None = None  # the first day of the year with data
    direct_first_day: dt.date | None = None


def _part(column: str, start: int) -> Func:
    """The month (start 6) or day (start 9) of a date column, computed by the database: on SQLite a date is
    'YYYY-MM-DD' text, and Django's Extract* there calls a Python function for every row."""
    if connection.vendor == "sqlite":
        return Cast(Substr(column, start, 2), IntegerField())
    return Cast(ExtractMonth(column) if start == 6 else ExtractDay(column), IntegerField())


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


class _Group:
    """One (enterprise, pollutant, month) while it is added up: sums, counts, and masks when needed."""

    __slots__ = ("kg", "direct_kg", "days", "direct_days", "first", "direct_first", "n", "direct_n", "masks")

    def __init__(self) -> None:
        self.kg = self.direct_kg = 0.0
        self.days = self.direct_days = self.n = self.direct_n = 0
        self.first: dt.date | None = None
        self.direct_first: dt.date | None = None
        self.masks: list[tuple[bool, int]] | None = None  # (direct, mask) of each part, when days overlap

    def add(self, kg: float | None, direct_kg: float | None, days: int, direct_days: int, first: dt.date | None,
            direct_first: dt.date | None, n: int, direct_n: int) -> None:
        self.kg += kg or 0.0
        self.direct_kg += direct_kg or 0.0
        self.days += days or 0
        self.direct_days += direct_days or 0
        self.first = _earlier(self.first, first)
        self.direct_first = _earlier(self.direct_first, direct_first)
        self.n += n
        self.direct_n += direct_n


def masses(points: dict[int, int], year: int, as_of: dt.date, codes: Iterable[str] | None = None
           ) -> dict[tuple[int, str], Mass]:
    """(enterprise, pollutant) → tonnes per month and days with data, all outlets and direct ones."""
    ids, wanted = list(points), list(codes) if codes is not None else None
    first_month, last_month = dt.date(year, 1, 1), as_of.replace(day=1)
    months = MonthlyValue.objects.filter(point_id__in=ids, month__gte=first_month, month__lte=last_month)
    if wanted is not None:
        months = months.filter(parameter__in=wanted)
    usable = Q(mass_days__isnull=False) & (Q(month__lt=last_month) | Q(mass_day_mask__lt=1 << as_of.day))
    direct = Q(**{DIRECT: DischargeRoute.DIRECT})
    some = Q(mass_days__gt=0)
    groups: dict[tuple[int, str, int], _Group] = defaultdict(_Group)
    rows = (months.filter(usable).annotate(m=_part("month", 6))
            .values_list("point__outlet__enterprise_id", "parameter", "m")
            .annotate(kg=Sum("mass_kg"), direct_kg=Sum("mass_kg", filter=direct), days=Sum("mass_days"),
                      direct_days=Sum("mass_days", filter=direct), first=Min("first_mass_day"),
                      direct_first=Min("first_mass_day", filter=direct), n=Count("id", filter=some),
                      direct_n=Count("id", filter=some & direct)).order_by())
    for ent, code, month, *sums in rows:
        groups[(ent, code, month)].add(*sums)
    stale = list(months.exclude(usable).values_list("point_id", "parameter", "month"))
    if stale:
        _add_days(groups, stale, as_of)
    overlapping = {k for k, g in groups.items() if g.n > 1 or g.direct_n > 1}
    if overlapping:
        _or_masks(groups, overlapping, months.filter(usable))
    return _by_enterprise(groups)


def _add_days(groups: dict[tuple[int, str, int], _Group], stale: list[tuple[int, str, dt.date]],
              as_of: dt.date) -> None:
    """The months whose rows cannot be used, from their daily values (one query); each such point-month
    counts as a part whose days may overlap the others'."""
    by_month: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for point, code, month in stale:
        by_month[(code, month)].append(point)
    where = Q()
    for (code, month), pts in by_month.items():
        end = min(as_of, (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        where |= Q(point_id__in=pts, parameter=code, day__gte=month, day__lte=end)
    bit = Value(1).bitleftshift(_part("day", 9) - 1)
    rows = (DailyValue.objects.filter(where, mass_kg__isnull=False).annotate(m=_part("day", 6))
            .values_list("point__outlet__enterprise_id", "parameter", "m", DIRECT, "point_id")
            .annotate(kg=Sum("mass_kg"), days=Count("id"), first=Min("day"), mask=Sum(bit)).order_by())
    for ent, code, month, route, _point, kg, days, first, mask in rows:
        g = groups[(ent, code, month)]
        is_direct = route == DischargeRoute.DIRECT
        g.add(kg, kg if is_direct else None, days, days if is_direct else 0, first, first if is_direct else None,
              1, 1 if is_direct else 0)
        g.masks = [*(g.masks or []), (is_direct, int(mask))]


def _or_masks(groups: dict[tuple[int, str, int], _Group], keys: set[tuple[int, str, int]], usable: Any) -> None:
    """Distinct days where several points of one enterprise had data in one month: OR of their masks."""
    ents = sorted({k[0] for k in keys})
    rows = (usable.filter(point__outlet__enterprise_id__in=ents, mass_days__gt=0)
            .annotate(m=_part("month", 6), ent=F("point__outlet__enterprise_id"))
            .values_list("ent", "parameter", "m", DIRECT, "mass_day_mask"))
    for ent, code, month, route, mask in rows:
        g = groups.get((ent, code, month))
        if g is not None and (ent, code, month) in keys:
            g.masks = [*(g.masks or []), (route == DischargeRoute.DIRECT, mask)]
    for key in keys:
        g = groups[key]
        every = direct = 0
        for is_direct, mask in g.masks or []:
            every |= mask
            direct |= mask if is_direct else 0
        g.days, g.direct_days = every.bit_count(), direct.bit_count()


def _by_enterprise(groups: dict[tuple[int, str, int], _Group]) -> dict[tuple[int, str], Mass]:
    out: dict[tuple[int, str], Mass] = {}
    for (ent, code, month), g in groups.items():
        mass = out.setdefault((ent, code), Mass())
        mass.months_t[month - 1] += g.kg / KG_PER_T
        mass.direct_months_t[month - 1] += g.direct_kg / KG_PER_T
        mass.days += g.days
        mass.direct_days += g.direct_days
        mass.first_day = _earlier(mass.first_day, g.first)
        mass.direct_first_day = _earlier(mass.direct_first_day, g.direct_first)
    return out
