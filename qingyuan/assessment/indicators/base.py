"""The period an indicator is computed over and what it returns per unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """Dates ``start`` to ``end`` inclusive, as known on ``as_of`` (records due after it are not yet counted)."""

    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def last(self) -> dt.date:
        return min(self.end, self.as_of)

    @property
    def days(self) -> int:
        return max(0, (self.last - self.start).days + 1)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes [start 00:00, last + 1 day 00:00) in the local zone."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = dt.datetime.combine(self.start, dt.time(), zone)
        return start, dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), zone)

    @classmethod
    def of(cls, year: int, quarter: int, as_of: dt.date) -> Period:
        if quarter == 0:
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), as_of)
        first = 3 * (quarter - 1) + 1
        end = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, first + 3, 1) - dt.timedelta(days=1)
        return cls(dt.date(year, first, 1), end, as_of)


@dataclass
class Measure:
    counted: list[int] = field(default_factory=list)
    met: list[int] = field(default_factory=list)
    weighted: Decimal | None = None  # for counts: the weighted number of failures
    expected: int | None = None  # when the denominator is not a set of records (patrols due under a plan)
    rate: Decimal | None = None  # a percent not counted record by record (有效传输率 = Σ valid ÷ Σ expected hours)
    detail: dict[int, dict[str, Any]] = field(default_factory=dict)  # per counted record: what it contributed

    def percent(self) -> Decimal | None:
        if self.rate is not None:
            return self.rate.quantize(CENT, ROUND_HALF_UP)
        whole = self.expected if self.expected is not None else len(self.counted)
        if not whole:
            return None
        return (Decimal(100) * len(self.met) / whole).quantize(CENT, ROUND_HALF_UP)


def local_date(value: dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
