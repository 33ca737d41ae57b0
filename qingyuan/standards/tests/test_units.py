"""Unit checks, conversions and emission masses."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qingyuan.standards import convert, mass_kg, unit_matches


def test_it_computes_water_mass_from_mg_per_litre() -> None:
    assert mass_kg(10, "mg/L", 1000) == 10.0  # 10 g/m³ × 1000 m³ = 10 000 g


def test_it_computes_gas_mass_from_mg_per_cubic_metre() -> None:
    assert mass_kg(100, "mg/m3", 10_000) == 1.0  # 100 mg/m³ × 10 000 m³ = 10⁶ mg


def test_it_computes_mass_from_micrograms() -> None:
    assert mass_kg(500, "µg/L", 2000) == 1.0  # 0.5 mg/L × 2000 m³ = 1000 g
    assert mass_kg(500, "μg/L", 2000) == 1.0  # Greek mu spelling
    assert mass_kg(250, "ug/m3", 4_000_000) == 1.0  # 250 µg × 4·10⁶ = 10⁹ µg


def test_it_matches_the_hj212_cheat_sheet_examples() -> None:
    assert mass_kg(50, "mg/L", 1000) == 50.0  # COD, NOTES.md §4
    assert mass_kg(100, "mg/m3", 1_000_000) == 100.0  # SO2, NOTES.md §4


def test_it_accepts_zh_and_spelling_variants() -> None:
    assert mass_kg(10, "毫克/升", 1000) == 10.0
    assert mass_kg(100, "mg/m³", 10_000) == 1.0
    assert mass_kg(100, " MG / M3 ", 10_000) == 1.0


@pytest.mark.parametrize("unit", ["%", "mg/kg", "kg", "dimensionless", "L/s", "parsec"])
def test_it_refuses_mass_for_units_that_are_not_concentrations(unit: str) -> None:
    with pytest.raises(ValueError, match="mass concentration"):
        mass_kg(1, unit, 1)


@pytest.mark.parametrize(("conc", "volume"), [(-1.0, 10.0), (1.0, -10.0), (math.nan, 1.0), (1.0, math.inf)])
def test_it_refuses_impossible_mass_inputs(conc: float, volume: float) -> None:
    with pytest.raises(ValueError):
        mass_kg(conc, "mg/L", volume)


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("w01018", "mg/L"),
        ("w20111", "ug/L"),  # HJ 212 default for total mercury
        ("w20111", "mg/L"),  # GB 8978 expresses the limit in mg/L: same family
        ("a21026", "mg/m3"),
        ("a21026", "mg/Nm3"),
        ("w01001", "无量纲"),
        ("a01010", "grade"),  # Ringelmann in GB 13271
        ("w02003", "个/L"),
        ("a00000", "m3/h"),
        ("w00000", "m3/s"),
    ],
)
def test_it_accepts_units_of_the_right_family(code: str, unit: str) -> None:
    assert unit_matches(code, unit)


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("w01018", "mg/m3"),  # gas unit on a water code
        ("a21026", "mg/L"),  # water unit on a gas code
        ("w01002", "dilution factor"),  # GB 8978 colour is 稀释倍数, HJ 212 sends colour degrees
        ("a19001", "mg/m3"),  # O2 is a percentage
        ("w01001", "mg/L"),  # pH is dimensionless
        ("w01018", "furlong"),  # unknown unit
        ("w99999", "mg/L"),  # unknown code
    ],
)
def test_it_detects_unit_mismatches(code: str, unit: str) -> None:
    assert not unit_matches(code, unit)


def test_it_converts_within_a_family_and_refuses_across() -> None:
    assert convert(50, "ug/L", "mg/L") == 0.05
    assert convert(0.1, "mg/L", "ug/L") == 100.0
    assert convert(3600, "m3/h", "m3/s") == 1.0
    with pytest.raises(ValueError, match="cannot convert"):
        convert(1, "mg/L", "mg/m3")
    with pytest.raises(ValueError, match="unknown unit"):
        convert(1, "mg/L", "oz/gal")


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.sampled_from(["ng/L", "ug/L", "g/L"]))
def test_it_round_trips_conversions(value: float, unit: str) -> None:
    assert convert(convert(value, "mg/L", unit), unit, "mg/L") == pytest.approx(value, rel=1e-12)


@given(
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_it_gives_a_thousandth_of_gas_mass_for_the_same_number_in_water(conc: float, volume: float) -> None:
    # mg/L = g/m³ is 1000 × mg/m³, so the same number gives 1000 × the mass.
    assert mass_kg(conc, "mg/L", volume) == pytest.approx(1000 * mass_kg(conc, "mg/m3", volume), rel=1e-12)
