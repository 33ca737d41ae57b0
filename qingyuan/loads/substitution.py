"""Emission mass of invalid or missing CEMS hours (HJ 75-2017, data review and processing): what the
accounting adds for the hours a flue-gas point did not measure, and which hours those were.

Rule (``LoadPolicy.missing_hours``; docs/loads-and-sections.md states it and its limits):

* ``hj75`` (default): a run of N consecutive invalid or missing hours between two valid hours gets, for each
  hour, the mean of the valid hour before and the valid hour after when N ≤ 24; when N > 24, the largest
  hourly mass of the up to 720 valid hours before the run;
* ``none``: measured hours only (the figures as they were before this rule).

Hours under an approved stop-production declaration are neither missing nor valid: they end a run and are
skipped when the nearest valid hours are looked for. A run still open at the end of the period (no valid hour
after it yet) and the hours before a point's first valid hour are not substituted. Only the flue-gas
pollutants HJ 75 names (SO2, NOx, particulate matter) at gas outlets are substituted: water points follow
HJ 355/356, not this rule. The substitution works on the hourly mass (``quality.HourlyValue.mass_kg``), which
is concentration × flow of that hour; substituting both and multiplying gives the same kg only when they move
together (the difference is stated in the docs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from qingyuan.enterprises.choices import Medium
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.loads.choices import MissingHours
from qingyuan.quality import mass
from qingyuan.quality.compute import local_midnight
from qingyuan.quality.models import HourlyValue
from qingyuan.quality.points import point_infos, stopped_periods_many

if TYPE_CHECKING:
    from qingyuan.loads.totals import EnterpriseLoads

HJ75_CODES = mass.HJ75_CODES
LOOKBACK_HOURS = mass.LOOKBACK_HOURS
HOUR = mass.HOUR
STOPPED = mass.STOPPED
Run = mass.Run


def _raw(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset without Django's per-value converters (a year of hours: 10⁴-10⁵ rows)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Substitutions:
    """The runs of one enterprise and period, with their counts and masses per point and pollutant."""

    method: str
    runs: list[Run]

    def hours(self, code: str | None = None) -> int:
        return sum(r.hours for r in self.runs if code is None or r.code == code)

    def kg(self, code: str | None = None) -> float:
        return sum(r.kg for r in self.runs if code is None or r.code == code)

    def kg_by_month(self, code: str) -> list[float]:
        """kg per local month (a run is split at its hours' months)."""
        out = [0.0] * 12
        for r in self.runs:
            if r.code != code:
                continue
            for h in range(r.hours):
                out[timezone.localtime(r.first + h * HOUR).month - 1] += r.kg_per_hour
        return out


def substitutions(point_ids: Iterable[int], first: dt.date, last: dt.date, method: str,
                  now: dt.datetime | None = None) -> Substitutions:
    """The substituted hours of the flue-gas ``point_ids`` in the local days ``first``..``last`` (not after
    ``now``): three queries, none when ``method`` is ``none``."""
    if method != MissingHours.HJ75:
        return Substitutions(method, [])
    start, end = local_midnight(first), local_midnight(last + dt.timedelta(days=1))
    if now is not None:
        end = min(end, now.replace(minute=0, second=0, microsecond=0))
    return Substitutions(method, hourly_runs(point_ids, start, end)[0])


def hourly_runs(point_ids: Iterable[int], start: dt.datetime, end: dt.datetime
                ) -> tuple[list[Run], dict[tuple[int, str, dt.datetime], float]]:
    """The runs of the flue-gas ``point_ids`` that begin in the hours [start, end) (their neighbours and
    look-back read up to ``end``), and the measured kg of the invalid hours in [start, end) (which the daily
    masses already hold): three queries."""
    infos = [i for i in point_infos(list(point_ids)).values() if i.medium == Medium.GAS]
    if not infos or end <= start:
        return [], {}
    lookback = start - LOOKBACK_HOURS * HOUR
    total = int((end - lookback) / HOUR)
    rows = HourlyValue.objects.filter(point_id__in=[i.id for i in infos], parameter__in=HJ75_CODES,
                                      start__gte=lookback, start__lt=end, mass_kg__isnull=False)
    series: dict[tuple[int, str], list[float | str | None]] = {}
    invalid: dict[tuple[int, str, dt.datetime], float] = {}
    for point, code, hour, kg, valid in _raw(rows.values_list("point_id", "parameter", "start", "mass_kg", "valid")):
        if isinstance(hour, str):  # SQLite: UTC, read without Django's per-row converter
            hour = dt.datetime.fromisoformat(hour)
        if hour.tzinfo is None:
            hour = hour.replace(tzinfo=dt.UTC)
        hours = series.get((point, code))
        if hours is None:
            hours = series[(point, code)] = [None] * total
        if valid:
            hours[int((hour - lookback) / HOUR)] = kg
        elif hour >= start:
            invalid[(point, code, hour)] = kg
    stops = stopped_periods_many(infos, lookback, end)
    runs: list[Run] = []
    counted_from = int((start - lookback) / HOUR)
    for (point, code), hours in sorted(series.items()):
        for a, b in stops.get(point, []):  # hours starting inside a stop
            first_hour = max(0, -int((lookback - a) // HOUR))
            for k in range(first_hour, min(total, -int((lookback - b) // HOUR))):
                hours[k] = STOPPED
        runs += mass.fill(hours, point, code, lookback, counted_from)
    return runs, invalid


@dataclass
class PollutantSubstitution:
    code: str
    hours: int
    substituted_t: float
    accounted_t: float  # the loads' year to date, which holds the substituted mass (``substituted``)

    @property
    def measured_t(self) -> float:
        """The accounted mass less the substituted hours: what the valid hours measured."""
        return self.accounted_t - self.substituted_t


@dataclass
class EnterpriseSubstitutions:
    """What the enterprise's loads page shows: the rule, the sums per pollutant and the runs with point names."""

    method: str
    pollutants: list[PollutantSubstitution]
    runs: list[tuple[str, Run]]  # (point name, run), newest first

    @property
    def hours(self) -> int:
        return sum(p.hours for p in self.pollutants)


def for_enterprise(loads: EnterpriseLoads, method: str, now: dt.datetime | None = None) -> EnterpriseSubstitutions:
    """The substituted runs of an enterprise's counted flue-gas points over its loads' year up to ``as_of``, as
    stored and counted in its totals (``substituted``); none under the policy ``none``."""
    from qingyuan.loads.substituted import stored_runs
    from qingyuan.loads.totals import counted_points  # totals adds the stored substitutions (``substituted``)

    if method != MissingHours.HJ75:
        return EnterpriseSubstitutions(method, [], [])
    found = Substitutions(method, stored_runs(counted_points([loads.enterprise.pk]), loads.year, loads.as_of))
    names = dict(MonitoringPoint.objects.filter(pk__in={r.point_id for r in found.runs}).values_list("pk", "name"))
    rows = []
    for code in sorted({r.code for r in found.runs}, key=HJ75_CODES.index):
        accounted = loads.get(code)
        rows.append(PollutantSubstitution(code, found.hours(code), found.kg(code) / 1000.0,
                                          accounted.ytd_t if accounted is not None else 0.0))
    runs = sorted(((names.get(r.point_id, ""), r) for r in found.runs), key=lambda x: x[1].first, reverse=True)
    return EnterpriseSubstitutions(method, rows, runs)
