"""Which table and column of each discharge standard a category id means.

A *category* is what an outlet is configured with: the standard plus one
column of its limit tables (a grade, a class, direct/indirect discharge, a fuel,
a kind of exhaust). Ids are ASCII so they can be stored and put in URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qingyuan.standards.codes import Medium

Basis = Literal["daily_mean", "hourly_mean"]


@dataclass(frozen=True, slots=True)
class TableRef:
    """Rows of one table of the data file, read in one column.

    ``column`` None means the table has a single value per row (key ``limit``);
    rows without the column also fall back to ``limit`` (GB 31571 workshop rows).
    ``applies_to`` keeps only rows with that ``applies_to_zh``.
    """

    table: str
    column: str | None
    applies_to: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    medium: Medium
    description: str
    tables: tuple[TableRef, ...]
    basis: Basis
    basis_confirmation: str  # confidence marker + where the averaging basis comes from
    reference_o2_percent: float | None = None
    primary_only: bool = False  # the row's secondary sources do not cover this column


_GB8978_BASIS = "[P] GB 8978-1996 §5.2: 最高允许排放浓度按日均值计算"
_GB18918_BASIS = "[P] GB 18918-2002 表1: 日均值 (24 h composite, sampled at least every 2 h)"
_GB16297_BASIS = "[P] GB 16297-1996 §8.2: 任何1小时平均值不得超过的限值"
_GB31571_WATER_BASIS = (
    "[U] platform policy (NOTES.md §2.4): GB 31571-2015 sets no averaging period and allows "
    "instantaneous samples (§7.2); the platform judges the valid flow-weighted daily mean"
)
_GB31571_AIR_BASIS = (
    "[U] platform policy (NOTES.md §6): no averaging period recorded for GB 31571-2015 表4/表5; "
    "the platform judges the valid hourly (ZsAvg) mean"
)
_GB31571_BOUNDARY_BASIS = "[P] GB 31571-2015 表7 title: 任何1小时平均浓度"
_GB13271_BASIS = (
    "[U] platform policy (NOTES.md §6; HJ 76 alarms on the 1-h converted mean): "
    "averaging period not recorded for GB 13271-2014"
)
_WORKSHOP = "车间或生产设施废水排放口"


def _gb8978() -> tuple[Category, ...]:
    new = tuple(
        Category(
            f"grade{n}",
            "water",
            f"built from 1998-01-01: 表1 (first-class pollutants, workshop outlet) + 表4 grade {n}",
            (TableRef("表1", None), TableRef("表4", f"grade{n}")),
            "daily_mean",
            _GB8978_BASIS,
        )
        for n in (1, 2, 3)
    )
    old = tuple(
        Category(
            f"pre1998-grade{n}",
            "water",
            f"built before 1998-01-01: 表1 + 表2 grade {n} (core rows of 表2 only)",
            (TableRef("表1", None), TableRef("表2 (subset)", f"grade{n}")),
            "daily_mean",
            _GB8978_BASIS,
        )
        for n in (1, 2, 3)
    )
    return new + old


def _gb31571_water() -> tuple[Category, ...]:
    out: list[Category] = []
    for prefix, table, label in (("", "表1", "表1"), ("special-", "表2", "表2 special limits")):
        for column in ("direct", "indirect"):
            refs = [TableRef(table, column)]
            if table == "表2":  # 表2 omits the workshop-outlet rows, which equal 表1's
                refs.append(TableRef("表1", column, applies_to=_WORKSHOP))
            out.append(
                Category(
                    f"{prefix}{column}",
                    "water",
                    f"{label}, {column} discharge",
                    tuple(refs),
                    "daily_mean",
                    _GB31571_WATER_BASIS,
                )
            )
    return tuple(out)


_GB31571_GAS_COLUMNS = (
    ("process_heater", "process_heater", "工艺加热炉", 3.0),
    ("wastewater_treatment_gas", "wastewater_treatment_organic_gas", "废水处理有机废气收集处理装置", None),
    ("halogenated_organic_gas", "halogenated_hydrocarbon_organic_gas", "含卤代烃有机废气", None),
    ("other_organic_gas", "other_organic_gas", "其他有机废气", None),
)


def _gb31571_gas() -> tuple[Category, ...]:
    out: list[Category] = []
    for prefix, table in (("", "表4"), ("special-", "表5")):
        for cat_id, column, label, o2 in _GB31571_GAS_COLUMNS:
            out.append(
                Category(
                    f"{prefix}{cat_id}",
                    "gas",
                    f"{table} {label}",
                    (TableRef(table, column),),
                    "hourly_mean",
                    _GB31571_AIR_BASIS,
                    o2,
                )
            )
    out.append(
        Category(
            "boundary",
            "gas",
            "表7 企业边界 (fence-line concentration)",
            (TableRef("表7", None),),
            "hourly_mean",
            _GB31571_BOUNDARY_BASIS,
        )
    )
    return tuple(out)


def _gb16297() -> tuple[Category, ...]:
    return (
        Category(
            "new",
            "gas",
            "表2 new sources (set up from 1997-01-01), concentration limits",
            (TableRef("表2", None),),
            "hourly_mean",
            _GB16297_BASIS,
        ),
        Category(
            "existing",
            "gas",
            "表1 existing sources (before 1997-01-01), concentration limits",
            (TableRef("表1", None),),
            "hourly_mean",
            _GB16297_BASIS,
        ),
    )


# Reference O2 from GB 13271-2014 §5.2 表6 (also in the data file; a test checks they agree).
_FUELS = (("coal", "coal_fired", 9.0), ("oil", "oil_fired", 3.5), ("gas", "gas_fired", 3.5))


def _gb13271() -> tuple[Category, ...]:
    return tuple(
        Category(
            f"{period}-{fuel}",
            "gas",
            f"{table} {label}, {column}",
            (TableRef(table, column),),
            "hourly_mean",
            _GB13271_BASIS,
            o2,
        )
        for period, table, label in (
            ("in_use", "表1", "在用锅炉"),
            ("new", "表2", "新建锅炉"),
            ("special", "表3", "特别排放限值"),
        )
        for fuel, column, o2 in _FUELS
    )


def _gb18918() -> tuple[Category, ...]:
    return tuple(
        Category(
            cls,
            "water",
            f"表1 class {cls}",
            (TableRef("表1", f"class{cls}"),),
            "daily_mean",
            _GB18918_BASIS,
            primary_only=cls != "1A",
        )
        for cls in ("1A", "1B", "2", "3")  # the web copies list class 1A only (data file confirmation)
    )


CATEGORIES: dict[str, tuple[Category, ...]] = {
    "GB 8978-1996": _gb8978(),
    "GB 31571-2015": _gb31571_water() + _gb31571_gas(),
    "GB 16297-1996": _gb16297(),
    "GB 13271-2014": _gb13271(),
    "GB 18918-2002": _gb18918(),
}
