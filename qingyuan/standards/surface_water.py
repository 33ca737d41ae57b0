"""GB 3838-2002 surface-water classes (Table 1) and single-factor section evaluation.

* Classes are "I", "II", "III", "IV", "V", and ``WORSE_THAN_V`` = "V+" for 劣Ⅴ类
  (``CLASS_LABELS_ZH`` gives the Chinese labels for display).
* A value meets a class when it is at or below the class limit ("le" items),
  at or above it (DO, "ge"), or inside 6–9 (pH). Exactly at the limit complies;
  above it does not. The item's class is the best class it meets.
* Rivers use the default TP column; lakes and reservoirs use the 湖、库 column.
  TN has limits for lakes and reservoirs only: at a river it gets no class.
* A section's class is the worst item class (§5.1 single-factor evaluation).

Values are in the GB 3838 unit of the item (mg/L; count/L for faecal coliforms;
pH units) unless ``unit=`` says otherwise. HJ 212 sends mercury, cadmium and
Cr(VI) in µg/L, so pass ``unit="ug/L"`` for those readings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

from qingyuan.standards import _data
from qingyuan.standards.units import convert

Waterbody = Literal["river", "lake", "reservoir"]
Direction = Literal["le", "ge", "range", "none"]

CLASSES: tuple[str, ...] = ("I", "II", "III", "IV", "V")
WORSE_THAN_V = "V+"
ALL_CLASSES: tuple[str, ...] = (*CLASSES, WORSE_THAN_V)  # best to worst
CLASS_LABELS_ZH: Mapping[str, str] = MappingProxyType(
    {"I": "Ⅰ类", "II": "Ⅱ类", "III": "Ⅲ类", "IV": "Ⅳ类", "V": "Ⅴ类", WORSE_THAN_V: "劣Ⅴ类"}
)
_TOLERANCE = 1e-9  # relative; absorbs float artefacts of unit conversion only
_WATERBODIES = ("river", "lake", "reservoir")


@dataclass(frozen=True, slots=True)
class SurfaceWaterItem:
    """One GB 3838-2002 Table 1 item."""

    no: int
    key: str  # e.g. "codcr"
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    limits: tuple[float, ...] | None  # class I..V; None for pH and water temperature
    lake_limits: tuple[float, ...] | None  # TP: 湖、库 column
    ph_range: tuple[float, float] | None
    lakes_only: bool  # TN
    hj212_code: str
    hj212_alternates: tuple[str, ...]  # e.g. w20122 总铜 for copper
    hj212_default_unit: str
    source_ids: tuple[str, ...]
    confirmation: str

    def limits_at(self, waterbody: Waterbody = "river") -> tuple[float, ...] | None:
        """Class I..V limits that apply at this kind of water body (None: no class)."""
        lake = _is_lake(waterbody)
        if self.lakes_only and not lake:
            return None
        return self.lake_limits if lake and self.lake_limits is not None else self.limits


@dataclass(frozen=True, slots=True)
class SupplementaryItem:
    """GB 3838-2002 Table 2: drinking-water source supplementary items (one limit each)."""

    name_zh: str
    name_en: str
    unit: str
    limit: float
    hj212_code: str
    source_ids: tuple[str, ...]
    confirmation: str


@dataclass(frozen=True, slots=True)
class SectionResult:
    cls: str | None  # worst item class; None if no item could be classed
    worst_params: tuple[str, ...]  # item keys at the worst class, in Table 1 order
    per_param: Mapping[str, str | None]  # item key → class (None: reported, not classed)
    ignored: tuple[str, ...] = ()  # input keys that are not Table 1 items


def _is_lake(waterbody: str) -> bool:
    if waterbody not in _WATERBODIES:
        raise ValueError(f"waterbody must be one of {_WATERBODIES}, got {waterbody!r}")
    return waterbody != "river"


def _classes(limits: dict[str, float] | None) -> tuple[float, ...] | None:
    return None if limits is None else tuple(float(limits[c]) for c in CLASSES)


def _item(row: dict[str, Any]) -> SurfaceWaterItem:
    direction: Direction = row["direction"]
    ph = row["limits"]["I"] if direction == "range" else None
    return SurfaceWaterItem(
        no=row["no"],
        key=row["key"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        unit=row["unit"],
        direction=direction,
        limits=None if direction in ("range", "none") else _classes(row["limits"]),
        lake_limits=_classes(row.get("lake_reservoir_limits")),
        ph_range=None if ph is None else (float(ph[0]), float(ph[1])),
        lakes_only=row.get("applies_to") == "lakes_reservoirs_only",
        hj212_code=row["hj212_code"],
        hj212_alternates=tuple(a["code"] for a in row.get("hj212_code_alternates", ())),
        hj212_default_unit=row["hj212_default_unit"],
        source_ids=tuple(row["sources"]),
        confirmation=row["confirmation"],
    )


@cache
def _items() -> tuple[SurfaceWaterItem, ...]:
    return tuple(_item(row) for row in _data.load(_data.SURFACE_WATER)["items"])


@cache
def _lookup() -> dict[str, SurfaceWaterItem]:
    out: dict[str, SurfaceWaterItem] = {}
    for item in _items():
        for name in (item.key, item.hj212_code, *item.hj212_alternates):
            out[name] = item
    return out


def surface_water_items() -> list[SurfaceWaterItem]:
    """The 24 Table 1 items in table order."""
    return list(_items())


def surface_water_item(param: str) -> SurfaceWaterItem | None:
    """An item by key ("codcr"), HJ 212 code ("w01018") or alternate code ("w20122")."""
    return _lookup().get(param)


def supplementary_items() -> list[SupplementaryItem]:
    """GB 3838-2002 Table 2 (sulfate, chloride, nitrate, iron, manganese)."""
    rows = _data.load(_data.SURFACE_WATER)["supplementary_items_table2"]["rows"]
    return [
        SupplementaryItem(
            r["name_zh"],
            r["name_en"],
            r["unit"],
            float(r["limit"]),
            r["hj212_code"],
            tuple(r["sources"]),
            r["confirmation"],
        )
        for r in rows
    ]


def _value(item: SurfaceWaterItem, value: float, unit: str | None) -> float:
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{item.key}: value must be a finite number, got {value!r}")
    if unit is not None:
        value = convert(value, unit, item.unit)
    if value < 0 or (item.direction == "range" and value > 14):
        raise ValueError(f"{item.key}: impossible value {value!r}")
    return value


def _meets(direction: Direction, value: float, limit: float) -> bool:
    if direction == "ge":
        return value >= limit * (1 - _TOLERANCE)
    return value <= limit * (1 + _TOLERANCE)


def _class_of(item: SurfaceWaterItem, value: float, waterbody: Waterbody) -> str | None:
    if item.ph_range is not None:
        low, high = item.ph_range
        inside = low * (1 - _TOLERANCE) <= value <= high * (1 + _TOLERANCE)
        return CLASSES[0] if inside else WORSE_THAN_V
    limits = item.limits_at(waterbody)
    if limits is None:
        return None
    for cls, limit in zip(CLASSES, limits, strict=True):
        if _meets(item.direction, value, limit):
            return cls
    return WORSE_THAN_V


def _require(param: str) -> SurfaceWaterItem:
    item = surface_water_item(param)
    if item is None:
        raise KeyError(f"not a GB 3838-2002 Table 1 parameter: {param!r}")
    return item


def water_class(
    param_key_or_hj212_code: str, value: float, *, waterbody: Waterbody = "river", unit: str | None = None
) -> str | None:
    """The GB 3838-2002 class of one value: "I".."V", "V+" (劣Ⅴ), or None.

    None means the item has no class here: water temperature, or TN at a river.
    Unknown parameters raise KeyError; negative, non-finite or pH > 14 values
    raise ValueError.
    """
    item = _require(param_key_or_hj212_code)
    _is_lake(waterbody)
    return _class_of(item, _value(item, value, unit), waterbody)


def _rank(cls: str) -> int:
    return ALL_CLASSES.index(cls)


def section_class(
    values: Mapping[str, float],
    *,
    waterbody: Waterbody = "river",
    units: Mapping[str, str] | None = None,
    exclude: Iterable[str] = (),
) -> SectionResult:
    """Single-factor evaluation of a section: the worst class over its items.

    ``values`` maps item keys or HJ 212 codes to values; keys that are not
    Table 1 items (flow, conductivity, …) are returned in ``ignored``.
    ``units`` gives the unit of a value where it is not the GB 3838 unit.
    ``exclude`` drops items from the class (still reported in ``per_param``),
    e.g. ``{"fecal_coliform"}`` under the 2011 evaluation method ([U]).
    Two inputs naming the same item raise ValueError.
    """
    _is_lake(waterbody)
    excluded = {_require(p).key for p in exclude}
    per_param: dict[str, str | None] = {}
    ignored: list[str] = []
    for param, value in values.items():
        item = surface_water_item(param)
        if item is None:
            ignored.append(param)
            continue
        if item.key in per_param:
            raise ValueError(f"{param!r} repeats item {item.key!r}")
        unit = None if units is None else units.get(param)
        per_param[item.key] = _class_of(item, _value(item, value, unit), waterbody)
    order = {item.key: item.no for item in _items()}
    ranked = sorted(per_param, key=order.__getitem__)
    classed = {k: c for k in ranked if k not in excluded and (c := per_param[k]) is not None}
    worst = max(classed.values(), key=_rank, default=None)
    return SectionResult(
        cls=worst,
        worst_params=tuple(k for k, c in classed.items() if c == worst),
        per_param=MappingProxyType({k: per_param[k] for k in ranked}),
        ignored=tuple(ignored),
    )


def exceedance_multiple(
    param_key_or_hj212_code: str,
    value: float,
    target_class: str,
    *,
    waterbody: Waterbody = "river",
    unit: str | None = None,
) -> float | None:
    """超标倍数 (value − limit) / limit against ``target_class``; 0.0 if within it.

    Defined for "le" items only ([1], common usage); None for DO, pH, water
    temperature and TN at a river.
    """
    item = _require(param_key_or_hj212_code)
    if target_class not in CLASSES:
        raise ValueError(f"target_class must be one of {CLASSES}, got {target_class!r}")
    limits = item.limits_at(waterbody)
    if item.direction != "le" or limits is None:
        return None
    limit = limits[CLASSES.index(target_class)]
    measured = _value(item, value, unit)
    return 0.0 if _meets("le", measured, limit) else (measured - limit) / limit
