"""HJ 212-2017 codes, the 2005 → 2017 mapping and data flags."""

from __future__ import annotations

import pytest

from qingyuan.standards import code_from_2005, data_flag, data_flags, pollutant, pollutants


def test_it_looks_up_a_code_with_names_units_and_old_code() -> None:
    cod = pollutant("w01018")
    assert cod is not None
    assert (cod.name_zh, cod.medium, cod.default_unit, cod.totals_unit) == (
        "化学需氧量",
        "water",
        "mg/L",
        "kg",
    )
    assert cod.old_code == "011"
    assert cod.mass_factor == 0.001


def test_it_returns_none_for_an_unknown_code() -> None:
    assert pollutant("w99999") is None
    assert pollutant("") is None


def test_it_lists_codes_by_medium() -> None:
    assert len(pollutants()) == 184
    assert len(pollutants("water")) == 63
    assert len(pollutants("gas")) == 121
    assert all(p.code.startswith("a") for p in pollutants("gas"))


def test_it_maps_the_overlapping_2005_codes_by_medium() -> None:
    assert code_from_2005("001", "water") == "w01001"  # pH
    assert code_from_2005("01", "gas") == "a34013"  # 烟尘
    assert code_from_2005("001", "gas") is None
    assert code_from_2005("01", "water") is None


@pytest.mark.parametrize(
    ("old", "medium", "new"),
    [
        ("011", "water", "w01018"),
        ("060", "water", "w21003"),
        ("065", "water", "w21001"),
        ("101", "water", "w21011"),
        ("B01", "water", "w00000"),
        ("02", "gas", "a21026"),
        ("03", "gas", "a21002"),
        ("B02", "gas", "a00000"),
        ("S01", "gas", "a19001"),
        ("s02", "gas", "a01011"),
        (" S03 ", "gas", "a01012"),
    ],
)
def test_it_maps_the_2005_codes_named_in_the_notes(old: str, medium: str, new: str) -> None:
    assert code_from_2005(old, medium) == new  # type: ignore[arg-type]


def test_it_rejects_an_unknown_medium() -> None:
    with pytest.raises(ValueError, match="medium"):
        code_from_2005("001", "air")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="medium"):
        pollutants("soil")  # type: ignore[arg-type]


def test_it_treats_only_flag_n_as_a_valid_measurement() -> None:
    assert [f.flag for f in data_flags() if f.counts_as_valid] == ["N"]
    assert {f.flag for f in data_flags(include_extensions=False)} == set("NFMSDCTB")


def test_it_marks_the_vendor_flag_h_as_an_extension() -> None:
    flag = data_flag("H")
    assert flag is not None
    assert not flag.in_standard
    assert not flag.counts_as_valid
    assert data_flag("Z") is None
