"""Transmission KPIs (NOTES §5): transmission rate, validity rate and valid transmission rate (有效传输率).

Counted on hourly records, per parameter of a point per local day (``KpiDaily``):

* expected = 24 hours minus the hours an approved stop-production declaration covers
  (an hour is excluded when its start lies inside the declared period);
* received = expected hours with data for the parameter (minute records or the
  device's own hourly value);
* valid = received hours whose hourly value is valid (``HourlyValue.valid``).

transmission = received / expected, validity = valid / received, valid
transmission = transmission × validity = valid / expected (the 有效率 denominator
is the number received, common practice [U]). Months, enterprises and the park
add up the counts first and divide once, so a rate is never an average of rates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from qingyuan.quality.aggregate import Stats


@dataclass(frozen=True)
class Counts:
    expected: int = 0
    received: int = 0
    valid: int = 0
    excluded: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.expected + other.expected, self.received + other.received,
                      self.valid + other.valid, self.excluded + other.excluded)

    @property
    def transmission_rate(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def validity_rate(self) -> float | None:
        return self.valid / self.received if self.received else None

    @property
    def effective_rate(self) -> float | None:
        """有效传输率 = transmission × validity = valid / expected."""
        return self.valid / self.expected if self.expected else None


def day_counts(hours: Sequence[dt.datetime], by_hour: Mapping[dt.datetime, Stats | None],
               stopped: Iterable[dt.datetime], *, per_day: int = 24) -> Counts:
    """One parameter's counts over the ``hours`` of a day; ``by_hour`` maps an hour to its value (or None).

    ``per_day`` < 24: an analyser measuring less than hourly (``validity.values_per_day``): a 120-min COD
    analyser should give 12 values a day, so expected is 12 (scaled down for stopped hours) and received
    and valid count at most that many.
    """
    if per_day < len(hours):
        full = _hour_counts(hours, by_hour, stopped)
        expected = (full.expected * per_day) // len(hours)
        received = min(full.received, expected)
        return Counts(expected, received, min(full.valid, received), full.excluded)
    return _hour_counts(hours, by_hour, stopped)


def _hour_counts(hours: Sequence[dt.datetime], by_hour: Mapping[dt.datetime, Stats | None],
                 stopped: Iterable[dt.datetime]) -> Counts:
    stopped = set(stopped)
    expected = received = valid = excluded = 0
    for hour in hours:
        if hour in stopped:
            excluded += 1
            continue
        expected += 1
        value = by_hour.get(hour)
        if value is None or not (value.n_received or value.source == "device"):
            continue
        received += 1
        if value.valid:
            valid += 1
    return Counts(expected, received, valid, excluded)


def totals(rows: QuerySet) -> Counts:  # type: ignore[type-arg]
    """The sum of ``KpiDaily`` rows (a filtered queryset): one query."""
    agg = rows.aggregate(e=Sum("expected"), r=Sum("received"), v=Sum("valid"), x=Sum("excluded"))
    return Counts(agg["e"] or 0, agg["r"] or 0, agg["v"] or 0, agg["x"] or 0)


def totals_by(rows: QuerySet, field: str) -> dict[object, Counts]:  # type: ignore[type-arg]
    """Counts per value of ``field`` (``point_id``, ``point__outlet__enterprise_id``, ``day``...): one query."""
    out = {}
    for key, e, r, v, x in (rows.values_list(field).annotate(Sum("expected"), Sum("received"), Sum("valid"),
                                                             Sum("excluded")).order_by(field)):
        out[key] = Counts(e or 0, r or 0, v or 0, x or 0)
    return out


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month of ``month``."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)
