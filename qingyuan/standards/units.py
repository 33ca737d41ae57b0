"""Units of measured values: which unit fits which parameter, conversions, masses.

Every unit string belongs to a *family* (mass per litre of water, mass per cubic
metre of gas, dimensionless, colour degree, ...). A unit is valid for a
parameter when it is in the same family as the parameter's HJ 212-2017 default
unit; values convert exactly (``fractions.Fraction``) within a family.

Mass (HJ 212-2017 App. D; NOTES.md §4):

* water: mg/L × m³ = g, so kg = c × V / 10³ (µg/L: / 10⁶, ng/L: / 10⁹)
* gas:   mg/m³ × m³ = mg, so kg = c × V / 10⁶ (µg/m³: / 10⁹, ng/m³: / 10¹²)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from qingyuan.standards.codes import pollutant

LIQUID = "mass_per_litre"
GAS = "mass_per_cubic_metre"


@dataclass(frozen=True, slots=True)
class Unit:
    """One known unit: its family and its size in the family's base unit."""

    family: str
    to_base: Fraction


def _family(family: str, units: dict[str, Fraction | int]) -> dict[str, Unit]:
    return {name: Unit(family, Fraction(factor)) for name, factor in units.items()}


_MILLI = Fraction(1, 1000)
_MICRO = Fraction(1, 10**6)

# Keys are normalised spellings (see normalise_unit). Base units: mg/L, mg/m3, L/s, Pa, uS/cm.
_UNITS: dict[str, Unit] = {
    **_family(
        LIQUID,
        {
            "g/l": 1000,
            "mg/l": 1,
            "ug/l": _MILLI,
            "ng/l": _MICRO,
            "毫克/升": 1,
            "微克/升": _MILLI,
            "纳克/升": _MICRO,
        },
    ),
    **_family(
        GAS,
        {
            "g/m3": 1000,
            "mg/m3": 1,
            "ug/m3": _MILLI,
            "ng/m3": _MICRO,
            "mg/nm3": 1,
            "毫克/立方米": 1,
            "微克/立方米": _MILLI,
            "纳克/立方米": _MICRO,
        },
    ),
    **_family("dimensionless", {"dimensionless": 1, "无量纲": 1, "grade": 1, "级": 1}),
    **_family("colour_degree", {"degree(colour)": 1, "[色]度": 1, "度": 1}),
    **_family("dilution_factor", {"dilutionfactor": 1, "稀释倍数": 1, "倍": 1}),
    **_family("count_per_litre", {"count/l": 1, "个/l": 1, "个/升": 1, "mpn/l": 1}),
    **_family("celsius", {"°c": 1, "℃": 1, "摄氏度": 1}),
    **_family("percent", {"%": 1}),
    **_family("pressure", {"pa": 1, "kpa": 1000, "千帕": 1000}),
    **_family("speed", {"m/s": 1, "米/秒": 1}),
    **_family(
        "volume_flow",
        {
            "l/s": 1,
            "升/秒": 1,
            "m3/s": 1000,
            "立方米/秒": 1000,
            "m3/h": Fraction(1000, 3600),
            "m3/d": Fraction(1000, 86400),
        },
    ),
    **_family("area", {"m2": 1, "平方米": 1}),
    **_family("radioactivity", {"bq/l": 1, "贝可[勒尔]/升": 1}),
    **_family("conductivity", {"us/cm": 1, "ms/cm": 1000, "微西[门子]/厘米": 1}),
    **_family("angle", {"degree(angle)": 1, "°": 1, "[角]度": 1}),
    **_family("dustfall", {"t/(km2·month)": 1, "吨/平方千米•月": 1}),
}

# kg = concentration (in the family base unit) × volume (m³) / divisor
_MASS_DIVISOR = {LIQUID: Fraction(1000), GAS: Fraction(10**6)}


def normalise_unit(unit: str) -> str:
    """Spelling-insensitive key: no spaces, lower case, µ/μ → u, ³ → 3, ² → 2, m^3 → m3."""
    text = "".join(unit.split()).casefold()
    for old, new in (("µ", "u"), ("μ", "u"), ("³", "3"), ("²", "2"), ("^", "")):
        text = text.replace(old, new)
    return text


def unit_info(unit: str) -> Unit | None:
    """The family and size of a unit, or None if the unit is not known."""
    return _UNITS.get(normalise_unit(unit))


def unit_matches(pollutant_code: str, unit: str) -> bool:
    """True if ``unit`` is a valid unit for a measured value of ``pollutant_code``.

    Valid means: same family as the HJ 212-2017 default unit of the code (so
    µg/L and mg/L both fit w20111 total mercury, mg/m³ fits a21026 SO2, but
    mg/m³ does not fit a water code and "dilution factor" does not fit w01002
    colour, which HJ 212 reports in colour degrees). Unknown codes and unknown
    units give False. This checks concentration-type units (Rtd/Avg/Min/Max),
    not the unit of the ``-Cou`` total.
    """
    found = pollutant(pollutant_code)
    if found is None:
        return False
    given, default = unit_info(unit), unit_info(found.default_unit)
    return given is not None and default is not None and given.family == default.family


def _finite(name: str, value: float) -> Fraction:
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return Fraction(value)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between two units of the same family (exact, rounded once)."""
    source, target = unit_info(from_unit), unit_info(to_unit)
    if source is None or target is None:
        raise ValueError(f"unknown unit: {from_unit!r}" if source is None else f"unknown unit: {to_unit!r}")
    if source.family != target.family:
        raise ValueError(f"cannot convert {from_unit!r} ({source.family}) to {to_unit!r} ({target.family})")
    return float(_finite("value", value) * source.to_base / target.to_base)


def mass_kg(concentration: float, conc_unit: str, volume_m3: float) -> float:
    """Mass in kg discharged in ``volume_m3`` cubic metres at ``concentration``.

    ``conc_unit`` must be a mass concentration: per litre (water) or per cubic
    metre (gas). 10 mg/L × 1000 m³ = 10 kg; 100 mg/m³ × 10 000 m³ = 1 kg.
    Negative or non-finite inputs raise ValueError (negative readings are
    invalid data, NOTES.md §2.2).
    """
    info = unit_info(conc_unit)
    if info is None or info.family not in _MASS_DIVISOR:
        raise ValueError(f"not a mass concentration unit: {conc_unit!r}")
    conc, volume = _finite("concentration", concentration), _finite("volume_m3", volume_m3)
    if conc < 0 or volume < 0:
        raise ValueError("concentration and volume must not be negative")
    return float(conc * info.to_base * volume / _MASS_DIVISOR[info.family])
