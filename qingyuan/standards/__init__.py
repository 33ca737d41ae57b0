"""Reference data for Qingyuan: HJ 212 codes, discharge limits, GB 3838 classes, units.

Standard library only, so the gateway, the ingest sink, Django apps and
scripts can all use it. Data is read once, on first use, from ``data/``.
See docs/standards.md for the data, its confidence markers and corrections.
"""

from __future__ import annotations

from qingyuan.standards._categories import Category
from qingyuan.standards.codes import (
    DataFlag,
    Medium,
    Pollutant,
    code_from_2005,
    data_flag,
    data_flags,
    pollutant,
    pollutants,
)
from qingyuan.standards.limits import (
    Limit,
    Standard,
    discharge_limit,
    discharge_standards,
    limits_for,
    scopes,
    standard,
)
from qingyuan.standards.surface_water import (
    ALL_CLASSES,
    CLASS_LABELS_ZH,
    CLASSES,
    WORSE_THAN_V,
    SectionResult,
    SupplementaryItem,
    SurfaceWaterItem,
    Waterbody,
    exceedance_multiple,
    section_class,
    supplementary_items,
    surface_water_item,
    surface_water_items,
    water_class,
)
from qingyuan.standards.units import convert, mass_kg, unit_matches

__all__ = [
    "ALL_CLASSES",
    "CLASSES",
    "CLASS_LABELS_ZH",
    "WORSE_THAN_V",
    "Category",
    "DataFlag",
    "Limit",
    "Medium",
    "Pollutant",
    "SectionResult",
    "Standard",
    "SupplementaryItem",
    "SurfaceWaterItem",
    "Waterbody",
    "code_from_2005",
    "convert",
    "data_flag",
    "data_flags",
    "discharge_limit",
    "discharge_standards",
    "exceedance_multiple",
    "limits_for",
    "mass_kg",
    "pollutant",
    "pollutants",
    "scopes",
    "section_class",
    "standard",
    "supplementary_items",
    "surface_water_item",
    "surface_water_items",
    "unit_matches",
    "water_class",
]
