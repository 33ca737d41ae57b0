"""Emission mass (排放量) per point and parameter over hours, days, months and years (NOTES §4).

The computation itself happens in ``aggregate`` (concentration × slice volume ×
unit factor, summed); this module gives the factors and the read-side totals
that load control and the pages use:

=========  ======================  ===========================================
medium     value × volume           to kg
=========  ======================  ===========================================
water      mg/L × m³ = g            × 10⁻³ (µg/L: × 10⁻⁶)
gas        mg/m³ × m³ = mg          × 10⁻⁶ (µg/m³: × 10⁻⁹, ng/m³: × 10⁻¹²)
=========  ======================  ===========================================

Example (tests): COD 50 mg/L × 1 000 m³ = 50 kg; SO2 100 mg/m³ × 10⁶ m³ = 100 kg.

Invalid or missing CEMS hours (HJ 75-2017, data review and processing): ``fill`` finds the runs of such
hours in an hourly series and the mass each of their hours is given: N ≤ 24 consecutive hours take the mean
of the valid hour before and the valid hour after; N > 24 the largest of the up to 720 valid hours before.
Load accounting applies it by its policy (``loads.substitution``, docs/loads-and-sections.md).
The device's ``-Cou`` totals are kept beside the computed mass as ``cou_reported``
(kg); rows where the two differ by more than the tolerance are marked
``mismatch``. Annual totals are in t (÷ 1000) for comparison with the permit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Sum

from qingyuan.quality.aggregate import differs, mass_factor
from qingyuan.quality.models import DailyValue, MonthlyValue


def mass_kg(code: str, concentration: float, volume_m3: float) -> float | None:
    """kg of ``code`` in ``volume_m3`` at ``concentration`` (its default unit); None if not a mass parameter."""
    factor = mass_factor(code)
    return None if factor is None else concentration * volume_m3 * factor


def cou_disagrees(mass: float | None, cou: float | None, tolerance: float = 0.10) -> bool:
    """True if the computed mass and the device's -Cou total differ by more than ``tolerance``."""
    return mass is not None and cou is not None and differs(mass, cou, tolerance)


def month_totals(point_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[tuple[int, str], float]:
    """kg per (point, parameter) over the local months ``first``..``last`` (first days), one query."""
    rows = (MonthlyValue.objects.filter(point_id__in=list(point_ids), month__gte=first.replace(day=1),
                                        month__lte=last.replace(day=1), mass_kg__isnull=False)
            .values_list("point_id", "parameter").annotate(kg=Sum("mass_kg")).order_by())
    return {(p, c): kg for p, c, kg in rows}


def year_totals(point_ids: Iterable[int], year: int) -> dict[tuple[int, str], float]:
    """kg per (point, parameter) in a calendar year (local months), from the monthly values."""
    return month_totals(point_ids, dt.date(year, 1, 1), dt.date(year, 12, 1))


def day_totals(point_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[tuple[int, str], float]:
    """kg per (point, parameter) over local days ``first``..``last`` (for a month to date)."""
    rows = (DailyValue.objects.filter(point_id__in=list(point_ids), day__gte=first, day__lte=last,
                                      mass_kg__isnull=False)
            .values_list("point_id", "parameter").annotate(kg=Sum("mass_kg")).order_by())
    return {(p, c): kg for p, c, kg in rows}


def by_parameter(totals: dict[tuple[int, str], float]) -> dict[str, float]:
    """Sum point totals per parameter (an enterprise's or the park's)."""
    out: dict[str, float] = defaultdict(float)
    for (_, code), kg in totals.items():
        out[code] += kg
    return dict(out)


# ---- invalid or missing hours (HJ 75-2017) -------------------------------------------------------------

HJ75_CODES: tuple[str, ...] = ("a21026", "a21002", "a34013")  # SO2, NOx, particulate matter
SHORT_RUN_HOURS = 24
LOOKBACK_HOURS = 720
HOUR = dt.timedelta(hours=1)
STOPPED = "stopped"


@dataclass(frozen=True)
class Run:
    """A run of consecutive substituted hours of one point and pollutant."""

    point_id: int
    code: str
    first: dt.datetime  # start of the first hour
    hours: int
    kg_per_hour: float
    rule: str  # "short" (N ≤ 24: mean of the neighbours) or "long" (N > 24: largest of the previous 720)

    @property
    def last(self) -> dt.datetime:
        """Start of the last hour."""
        return self.first + (self.hours - 1) * HOUR

    @property
    def kg(self) -> float:
        return self.kg_per_hour * self.hours


def fill(series: Sequence[float | str | None], point_id: int = 0, code: str = "", start: dt.datetime | None = None,
         counted_from: int = 0) -> list[Run]:
    """The runs to substitute in an hourly series (kg of a valid hour, None: invalid or missing, ``STOPPED``).

    ``series[i]`` is the hour ``start + i h``; only runs that begin at or after index ``counted_from`` are
    returned (the hours before it are the look-back)."""
    origin = start or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    runs: list[Run] = []
    valid: list[float] = []  # valid hours so far (the look-back of a long run)
    i, n = 0, len(series)
    while i < n:
        value = series[i]
        if value is None:
            j = i
            while j < n and series[j] is None:
                j += 1
            after = next((v for v in series[j:] if v is not None and v != STOPPED), None)
            if valid and after is not None and i >= counted_from:
                length = j - i
                if length <= SHORT_RUN_HOURS:
                    runs.append(Run(point_id, code, origin + i * HOUR, length, (valid[-1] + float(after)) / 2,
                                    "short"))
                else:
                    runs.append(Run(point_id, code, origin + i * HOUR, length, max(valid[-LOOKBACK_HOURS:]), "long"))
            i = j
            continue
        if value != STOPPED:
            valid.append(float(value))
        i += 1
    return runs
