"""Discharge and emission limits: GB 8978, GB 31571, GB 16297, GB 13271, GB 18918.

Keying (see docs/standards.md): a limit is found by

* ``standard_code``: "GB 8978-1996" (spaces and the year are optional: "GB8978"),
* ``pollutant_code``: the HJ 212-2017 code (rows without a code are listed by
  ``limits_for`` but cannot be looked up by code),
* ``category``: the column of the standard an outlet is held to, e.g. "grade1",
  "special-direct", "new-coal", "1A" (``Standard.categories`` lists them),
* ``industry``: for rows that differ by industry or scope (GB 8978 表4,
  GB 16297 scopes). Without it the general row (一切/其他排污单位) applies.

Equality complies: a value equal to the limit is not an exceedance (民法典 Art. 1259).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from qingyuan.standards import _data
from qingyuan.standards._categories import CATEGORIES, Basis, Category, TableRef
from qingyuan.standards.units import convert

Comparison = Literal["le", "range", "not_detected", "removal_efficiency_ge"]
Confidence = Literal["P", "2", "1", "U"]

_TOLERANCE = 1e-9  # relative; absorbs float artefacts of unit conversion only
_GENERAL_SCOPES = frozenset({"一切排污单位", "其他排污单位", "企业废水总排放口", "车间或生产设施废水排放口"})
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[-~～]\s*(\d+(?:\.\d+)?)\s*$")
_LE = re.compile(r"^\s*<=\s*(\d+(?:\.\d+)?)\s*$")
_REMOVAL = re.compile(r"^removal efficiency >= (\d+(?:\.\d+)?)%$")


@dataclass(frozen=True, slots=True)
class Standard:
    code: str
    title_zh: str
    title_en: str
    in_force_from: str | None
    categories: tuple[Category, ...]
    source_ids: tuple[str, ...]
    note: str | None

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


@dataclass(frozen=True, slots=True)
class Limit:
    standard_code: str
    category: str
    table: str  # as printed, e.g. "表4"
    column: str | None  # column key in the data file, e.g. "grade1"; None for single-value tables
    pollutant_code: str | None  # HJ 212-2017 code; None where HJ 212 has none
    item_zh: str
    item_en: str | None
    applies_to_zh: str | None  # industry, scope or monitoring location of the row
    general_scope: bool  # True if the row applies when no industry is given
    comparison: Comparison
    value: float | None  # upper limit ("le") or minimum removal efficiency in %
    range: tuple[float, float] | None  # ("range", pH)
    unit: str
    basis: Basis
    basis_confirmation: str
    reference_o2_percent: float | None  # convert to this O2 before comparing; None = measured value
    variants: tuple[tuple[str, float], ...]  # other values of the same cell, e.g. ("water_temp_le_12C", 8.0)
    source_ids: tuple[str, ...]
    confirmation: str
    confidence: Confidence  # P primary text read; 2 two+ secondaries; 1 one; U unconfirmed
    corroborated: bool  # more than one source agrees
    note: str | None

    def variant(self, name: str) -> float | None:
        """The value that replaces ``value`` under condition ``name`` (see ``variants``)."""
        return dict(self.variants).get(name)

    def is_exceeded(self, measured: float, unit: str | None = None) -> bool | None:
        """True if ``measured`` exceeds this limit (equal complies); None if not decidable.

        ``unit`` converts ``measured`` into ``self.unit`` first (e.g. µg/L → mg/L).
        "Not detectable" and removal-efficiency limits give None.
        """
        if not math.isfinite(measured):
            raise ValueError(f"measured must be finite, got {measured!r}")
        value = measured if unit is None else convert(measured, unit, self.unit)
        if self.comparison == "le" and self.value is not None:
            return value > self.value * (1 + _TOLERANCE)
        if self.comparison == "range" and self.range is not None:
            low, high = self.range
            return value < low * (1 - _TOLERANCE) or value > high * (1 + _TOLERANCE)
        return None


def standard_key(code: str) -> str:
    """Spelling-insensitive key: "gb 8978-1996" → "GB8978-1996"."""
    return "".join(code.split()).upper()


def _confidence(source_ids: tuple[str, ...]) -> Confidence:
    if any(s.endswith("_PDF") for s in source_ids):
        return "P"
    return "2" if len(source_ids) >= 2 else "1" if source_ids else "U"


def _cell(cell: Any) -> tuple[Comparison, float | None, tuple[float, float] | None, str | None]:
    """Parse a table cell → (comparison, value, range, unit override)."""
    if isinstance(cell, bool):
        raise ValueError(f"unexpected cell {cell!r}")
    if isinstance(cell, int | float):
        return "le", float(cell), None, None
    text = str(cell)
    if match := _RANGE.match(text):
        return "range", None, (float(match[1]), float(match[2])), None
    if match := _LE.match(text):
        return "le", float(match[1]), None, None
    if match := _REMOVAL.match(text):
        return "removal_efficiency_ge", float(match[1]), None, "%"
    if text.startswith("不得检出"):
        return "not_detected", None, None, None
    raise ValueError(f"cannot read limit cell {cell!r}")


def _variants(row: dict[str, Any], column: str | None) -> tuple[tuple[str, float], ...]:
    """Conditional values of a cell: ``<column>_<name>`` keys and ``{name: {column: v}}`` blocks."""
    if column is None:
        return ()
    out: list[tuple[str, float]] = []
    for key, value in row.items():
        if key.startswith(column + "_") and isinstance(value, int | float):
            out.append((key[len(column) + 1 :], float(value)))
        elif isinstance(value, dict) and isinstance(value.get(column), int | float):
            out.append((key, float(value[column])))
    return tuple(out)


def _general(standard_code: str, applies_to: str | None) -> bool:
    if applies_to is None or applies_to in _GENERAL_SCOPES:
        return True
    # GB 16297 scopes: the 其它/…使用 row is the general one, …生产 rows are specific.
    return standard_code == "GB 16297-1996" and applies_to.endswith(("其它", "使用"))


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row reduced to what a Limit needs (GB 16297 scopes become rows)."""

    data: dict[str, Any]
    applies_to: str | None
    cell: Any
    note: str | None


def _rows(table: dict[str, Any], ref: TableRef) -> list[_Row]:
    out: list[_Row] = []
    for row in table["rows"]:
        if ref.applies_to is not None and row.get("applies_to_zh") != ref.applies_to:
            continue
        if "max_concentration" in row:  # GB 16297: one row per scope
            for scope in row["max_concentration"]:
                banned = "一级区禁排 (grade-1 areas: discharge prohibited)" if "grade1" in scope else None
                out.append(_Row(row, scope["scope_zh"], scope["limit"], banned))
            continue
        cell = row[ref.column] if ref.column is not None and ref.column in row else row.get("limit")
        out.append(_Row(row, row.get("applies_to_zh"), cell, row.get("note")))
    return out


def _limits(std: dict[str, Any], category: Category) -> list[Limit]:
    tables = {t["table"]: t for t in std["tables"]}
    out: list[Limit] = []
    for ref in category.tables:
        table = tables[ref.table]
        for row in _rows(table, ref):
            if row.cell is None:  # "—" in the standard: no limit in this column
                continue
            comparison, value, value_range, unit = _cell(row.cell)
            sources = tuple(row.data.get("sources", ()))
            if category.primary_only:
                sources = tuple(s for s in sources if s.endswith("_PDF"))
            out.append(
                Limit(
                    standard_code=std["code"],
                    category=category.id,
                    table=ref.table,
                    column=ref.column,
                    pollutant_code=row.data.get("hj212_code"),
                    item_zh=row.data["item_zh"],
                    item_en=row.data.get("item_en"),
                    applies_to_zh=row.applies_to,
                    general_scope=_general(std["code"], row.applies_to),
                    comparison=comparison,
                    value=value,
                    range=value_range,
                    unit=unit or row.data.get("unit") or table["unit"],
                    basis=category.basis,
                    basis_confirmation=category.basis_confirmation,
                    reference_o2_percent=category.reference_o2_percent,
                    variants=_variants(row.data, ref.column),
                    source_ids=sources,
                    confirmation=row.data.get("confirmation", ""),
                    confidence=_confidence(sources),
                    corroborated=len(sources) >= 2,
                    note=row.note,
                )
            )
    return out


def _standard(std: dict[str, Any]) -> Standard:
    effective = std.get("effective")
    in_force = std.get("implemented") or (effective or {}).get("new_facilities")
    return Standard(
        code=std["code"],
        title_zh=std["title_zh"],
        title_en=std["title_en"],
        in_force_from=in_force,
        categories=CATEGORIES[std["code"]],
        source_ids=tuple(std.get("sources", ())),
        note=std.get("note") or std.get("sources_note"),
    )


@dataclass(frozen=True, slots=True)
class _Index:
    standards: dict[str, Standard]  # by standard_key of the full code and of the code without year
    limits: dict[tuple[str, str], tuple[Limit, ...]]  # (full code, category id) → limits


@cache
def _index() -> _Index:
    standards: dict[str, Standard] = {}
    limits: dict[tuple[str, str], tuple[Limit, ...]] = {}
    for std in _data.load(_data.DISCHARGE_LIMITS)["standards"]:
        parsed = _standard(std)
        standards[standard_key(parsed.code)] = parsed
        standards[standard_key(parsed.code.rsplit("-", 1)[0])] = parsed
        for category in parsed.categories:
            limits[(parsed.code, category.id)] = tuple(_limits(std, category))
    return _Index(standards, limits)


def discharge_standards() -> list[Standard]:
    """The shipped discharge/emission standards, in data-file order."""
    return list(dict.fromkeys(_index().standards.values()))


def standard(standard_code: str) -> Standard | None:
    """One standard by code ("GB 8978-1996", "GB8978-1996" or "GB 8978"), or None."""
    return _index().standards.get(standard_key(standard_code))


def _require(standard_code: str, category: str | None) -> tuple[Standard, list[Category]]:
    found = standard(standard_code)
    if found is None:
        raise ValueError(f"unknown discharge standard {standard_code!r}")
    if category is None:
        return found, list(found.categories)
    chosen = found.category(category)
    if chosen is None:
        ids = ", ".join(c.id for c in found.categories)
        raise ValueError(f"{found.code} has no category {category!r}; use one of: {ids}")
    return found, [chosen]


def limits_for(standard_code: str, category: str | None = None) -> list[Limit]:
    """Every limit of a standard's category (all categories if None), in table order."""
    found, categories = _require(standard_code, category)
    return [limit for c in categories for limit in _index().limits[(found.code, c.id)]]


def _industry_tokens(text: str) -> set[str]:
    """Industries of an applies_to list: 甜菜制糖、…、有机磷农药工业 → {甜菜制糖, …, 有机磷农药}."""
    tokens = re.sub(r"（[^）]*）|\([^)]*\)", "", text).split("、")
    return {t.strip().removesuffix("工业") for t in tokens if t.strip()}


def _pick(candidates: list[Limit], industry: str | None) -> Limit | None:
    if industry is not None:
        exact = [c for c in candidates if c.applies_to_zh == industry]
        if not exact:
            wanted = _industry_tokens(industry)
            exact = [c for c in candidates if c.applies_to_zh and wanted & _industry_tokens(c.applies_to_zh)]
        if len(exact) > 1:
            raise ValueError(
                f"industry {industry!r} matches several rows: {[c.applies_to_zh for c in exact]}"
            )
        if exact:
            return exact[0]
    general = [c for c in candidates if c.general_scope]
    if len(general) > 1:
        raise ValueError(f"several general rows for {candidates[0].pollutant_code}; pass industry=")
    return general[0] if general else None


def discharge_limit(
    standard_code: str, pollutant_code: str, *, category: str | None = None, industry: str | None = None
) -> Limit | None:
    """The limit for one pollutant, or None if the standard sets none for it.

    ``category`` may be omitted only when the pollutant is limited in exactly
    one category of the standard; otherwise ValueError names the choices.
    ``industry`` selects an industry- or scope-specific row (exact
    ``applies_to_zh`` text, or one industry of a 、-separated list such as
    "石油化工"); rows for other industries never apply, the general row does.
    """
    found, categories = _require(standard_code, category)
    by_category = {
        c.id: [lim for lim in _index().limits[(found.code, c.id)] if lim.pollutant_code == pollutant_code]
        for c in categories
    }
    present = [cid for cid, rows in by_category.items() if rows]
    if not present:
        return None
    if len(present) > 1:
        raise ValueError(
            f"{found.code} limits {pollutant_code} in several categories; pass category= one of {present}"
        )
    return _pick(by_category[present[0]], industry)


def scopes(standard_code: str, category: str | None = None) -> list[str]:
    """The distinct industry/scope texts (``applies_to_zh``) of a standard's rows."""
    return list(
        dict.fromkeys(lim.applies_to_zh for lim in limits_for(standard_code, category) if lim.applies_to_zh)
    )
