"""HJ 212-2017 pollutant codes, the HJ/T 212-2005 → 2017 mapping, and data flags.

Source: ``data/pollutant_codes.json`` (HJ 212-2017 Appendix B Tables B.1/B.2 and
Table 8, cross-checked against two independent code tables; see SOURCES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from qingyuan.standards import _data

Medium = Literal["water", "gas"]
MEDIA: tuple[Medium, ...] = ("water", "gas")


@dataclass(frozen=True, slots=True)
class Pollutant:
    """One HJ 212-2017 code (``w…`` water, ``a…`` gas)."""

    code: str
    medium: Medium
    name_zh: str
    name_en: str  # editorial translation, not part of the standard
    default_unit: str  # unit of Rtd/Avg/Min/Max, e.g. "mg/L"
    default_unit_zh: str
    totals_unit: str | None  # unit of the -Cou total, e.g. "kg"; None if the code has no total
    totals_unit_zh: str | None
    mass_factor: float | None  # Avg × volume (m³) × mass_factor = total in totals_unit
    old_code: str | None  # HJ/T 212-2005 code, e.g. "011"
    data_type: str | None  # e.g. "N5.1"
    common_in_park: bool
    source_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DataFlag:
    """A value of ``xxxxxx-Flag`` and how the platform treats it."""

    flag: str
    meaning_zh: str
    meaning_en: str | None
    validity: str  # platform policy, free text from the data file
    counts_as_valid: bool  # True only for N; S and T are not treated as valid measurements
    in_standard: bool  # False for vendor extensions (H) that are not in HJ 212-2017 Table 8
    source_ids: tuple[str, ...]


def _medium(value: object) -> Medium:
    if value not in MEDIA:
        raise ValueError(f"medium must be 'water' or 'gas', got {value!r}")
    return value


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _pollutant(row: dict[str, Any]) -> Pollutant:
    return Pollutant(
        code=row["code"],
        medium=_medium(row["medium"]),
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        default_unit=row["default_unit"],
        default_unit_zh=row["default_unit_zh"],
        totals_unit=row["totals_unit"],
        totals_unit_zh=row["totals_unit_zh"],
        mass_factor=_optional_float(row.get("mass_factor")),
        old_code=row["old_code_hjt212_2005"],
        data_type=row.get("data_type") or None,
        common_in_park=bool(row.get("commonly_used_in_park")),
        source_ids=tuple(row["sources"]),
    )


@cache
def _by_code() -> dict[str, Pollutant]:
    rows = _data.load(_data.POLLUTANT_CODES)["codes"]
    return {row["code"]: _pollutant(row) for row in rows}


@cache
def _old_to_new() -> dict[tuple[str, Medium], str]:
    rows = _data.load(_data.POLLUTANT_CODES)["old_code_mapping"]
    return {(row["old_code"].upper(), _medium(row["medium"])): row["new_code"] for row in rows}


def _flag(row: dict[str, Any], *, in_standard: bool) -> DataFlag:
    return DataFlag(
        flag=row["flag"],
        meaning_zh=row["meaning_zh"],
        meaning_en=row.get("meaning_en"),
        validity=row["platform_validity"],
        counts_as_valid=row["platform_validity"] == "valid",
        in_standard=in_standard,
        source_ids=tuple(row["sources"]),
    )


@cache
def _flags() -> dict[str, DataFlag]:
    doc = _data.load(_data.POLLUTANT_CODES)
    standard = [_flag(row, in_standard=True) for row in doc["data_flags"]]
    extra = [_flag(row, in_standard=False) for row in doc["extension_flags_seen_in_the_wild"]]
    return {flag.flag: flag for flag in standard + extra}


def pollutant(code: str) -> Pollutant | None:
    """The HJ 212-2017 code ``code`` (exact, e.g. "w01018"), or None if unknown."""
    return _by_code().get(code)


def pollutants(medium: Medium | None = None) -> list[Pollutant]:
    """All codes in table order, or only the water or gas ones."""
    wanted = None if medium is None else _medium(medium)
    return [p for p in _by_code().values() if wanted is None or p.medium == wanted]


def code_from_2005(old_code: str, medium: Medium) -> str | None:
    """The 2017 code for an HJ/T 212-2005 code, or None if it has no mapping.

    The medium is part of the key because old water and gas codes overlap
    textually: ``("001", "water")`` is pH (w01001), ``("01", "gas")`` is 烟尘
    (a34013). Tell them apart by the packet's ST (32 water, 31 gas).
    """
    return _old_to_new().get((old_code.strip().upper(), _medium(medium)))


def data_flag(flag: str) -> DataFlag | None:
    """The data flag ``flag`` (N, F, M, S, D, C, T, B, or the vendor H), or None."""
    return _flags().get(flag)


def data_flags(*, include_extensions: bool = True) -> list[DataFlag]:
    """HJ 212-2017 Table 8 flags, plus vendor extensions unless excluded."""
    return [f for f in _flags().values() if include_extensions or f.in_standard]
