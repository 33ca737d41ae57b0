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
The device's ``-Cou`` totals are kept beside the computed mass as ``cou_reported``
(kg); rows where the two differ by more than the tolerance are marked
``mismatch``. Annual totals are in t (÷ 1000) for comparison with the permit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

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
