"""GB 3838-2002 item classes and single-factor section evaluation (hand-computed values)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qingyuan.standards import (
    ALL_CLASSES,
    CLASS_LABELS_ZH,
    WORSE_THAN_V,
    exceedance_multiple,
    section_class,
    surface_water_item,
    water_class,
)


@pytest.mark.parametrize(
    ("value", "cls"),
    [(0, "I"), (15, "I"), (15.01, "III"), (20, "III"), (20.01, "IV"), (30, "IV"), (40, "V"), (40.01, "V+")],
)
def test_it_classes_cod_at_and_just_above_each_limit(value: float, cls: str) -> None:
    # COD limits I..V: 15, 15, 20, 30, 40 mg/L. At the limit complies, above does not.
    assert water_class("codcr", value) == cls
    assert water_class("w01018", value) == cls


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (9.0, "I"),
        (7.5, "I"),
        (7.49, "II"),
        (6, "II"),
        (5.99, "III"),
        (5, "III"),
        (3, "IV"),
        (2, "V"),
        (1.99, "V+"),
    ],
)
def test_it_classes_dissolved_oxygen_higher_is_better(value: float, cls: str) -> None:
    # DO limits I..V: 7.5, 6, 5, 3, 2 mg/L, value must be at or above.
    assert water_class("w01009", value) == cls


@pytest.mark.parametrize(
    ("value", "cls"), [(6, "I"), (7.2, "I"), (9, "I"), (5.99, "V+"), (9.01, "V+"), (0, "V+")]
)
def test_it_classes_ph_by_the_6_to_9_range(value: float, cls: str) -> None:
    assert water_class("ph", value) == cls


def test_it_uses_the_lake_column_for_total_phosphorus() -> None:
    # river 0.02/0.1/0.2/0.3/0.4; 湖、库 0.01/0.025/0.05/0.1/0.2
    assert water_class("w21011", 0.05) == "II"
    assert water_class("w21011", 0.05, waterbody="lake") == "III"
    assert water_class("w21011", 0.05, waterbody="reservoir") == "III"
    assert water_class("w21011", 0.3, waterbody="lake") == "V+"


def test_it_classes_total_nitrogen_only_for_lakes() -> None:
    assert water_class("tn", 1.0) is None
    assert water_class("w21001", 1.0, waterbody="lake") == "III"
    assert water_class("w21001", 2.01, waterbody="lake") == "V+"


def test_it_gives_no_class_for_water_temperature() -> None:
    assert water_class("w01010", 25.0) is None


def test_it_converts_micrograms_before_classing_mercury() -> None:
    # Hg limits 0.00005/0.00005/0.0001/0.001/0.001 mg/L; 0.08 µg/L = 0.00008 mg/L → III
    assert water_class("w20142", 0.08, unit="ug/L") == "III"
    assert water_class("w20142", 0.1, unit="µg/L") == "III"
    assert water_class("w20142", 0.11, unit="µg/L") == "IV"


def test_it_accepts_the_total_metal_alternate_codes() -> None:
    assert surface_water_item("w20122") == surface_water_item("cu")
    assert water_class("w20122", 0.01) == "I"
    assert water_class("w20122", 0.02) == "II"


def test_it_refuses_unknown_parameters_and_impossible_values() -> None:
    with pytest.raises(KeyError):
        water_class("w00000", 1.0)
    with pytest.raises(ValueError):
        water_class("codcr", -0.1)
    with pytest.raises(ValueError):
        water_class("codcr", float("nan"))
    with pytest.raises(ValueError):
        water_class("ph", 15)
    with pytest.raises(ValueError):
        water_class("codcr", 1, waterbody="sea")  # type: ignore[arg-type]


def test_it_names_worse_than_v_as_v_plus() -> None:
    assert WORSE_THAN_V == "V+"
    assert CLASS_LABELS_ZH["V+"] == "劣Ⅴ类"
    assert ALL_CLASSES[-1] == "V+"


def test_it_takes_the_worst_parameter_as_the_section_class() -> None:
    result = section_class({"w01018": 18, "w21003": 1.2, "w01009": 6.0, "w21011": 0.15})
    # COD 18 → III; NH3-N 1.2 → IV; DO 6 → II; TP 0.15 → III
    assert result.cls == "IV"
    assert result.worst_params == ("nh3n",)
    assert dict(result.per_param) == {"do": "II", "codcr": "III", "nh3n": "IV", "tp": "III"}


def test_it_lists_every_parameter_tied_at_the_worst_class() -> None:
    result = section_class({"nh3n": 2.5, "codcr": 41, "do": 7.0})
    assert result.cls == "V+"
    assert result.worst_params == ("codcr", "nh3n")


def test_it_reports_but_does_not_class_tn_at_a_river_and_ignores_other_codes() -> None:
    result = section_class({"codcr": 10, "tn": 5.0, "w00000": 12.0, "w01010": 20.0})
    assert result.cls == "I"
    assert result.per_param["tn"] is None
    assert result.per_param["water_temp"] is None
    assert result.ignored == ("w00000",)
    lake = section_class({"codcr": 10, "tn": 5.0}, waterbody="lake")
    assert lake.cls == "V+"
    assert lake.worst_params == ("tn",)


def test_it_can_exclude_faecal_coliforms_from_the_section_class() -> None:
    values = {"codcr": 10, "fecal_coliform": 50_000}
    assert section_class(values).cls == "V+"
    result = section_class(values, exclude=["fecal_coliform"])
    assert result.cls == "I"
    assert result.per_param["fecal_coliform"] == "V+"


def test_it_converts_units_per_parameter_in_a_section() -> None:
    result = section_class({"w20143": 4.0, "codcr": 10}, units={"w20143": "ug/L"})
    # Cd 4 µg/L = 0.004 mg/L; limits 0.001/0.005/... → II
    assert result.per_param["cd"] == "II"
    assert result.cls == "II"


def test_it_refuses_two_inputs_for_the_same_parameter() -> None:
    with pytest.raises(ValueError, match="repeats"):
        section_class({"codcr": 10, "w01018": 12})


def test_it_gives_no_section_class_without_classable_values() -> None:
    result = section_class({"w00000": 1.0})
    assert result.cls is None
    assert result.worst_params == ()


def test_it_computes_the_exceedance_multiple() -> None:
    assert exceedance_multiple("codcr", 30, "III") == 0.5  # (30 − 20) / 20
    assert exceedance_multiple("codcr", 20, "III") == 0.0
    assert exceedance_multiple("do", 1.0, "III") is None
    assert exceedance_multiple("tn", 3.0, "III") is None


_LE_ITEMS = ["codcr", "codmn", "bod5", "nh3n", "tp", "cu", "zn", "hg", "cd", "fecal_coliform"]


@given(st.sampled_from(_LE_ITEMS), st.floats(0, 1e5), st.floats(0, 1e5))
def test_it_never_gives_a_better_class_to_a_higher_concentration(item: str, a: float, b: float) -> None:
    low, high = sorted((a, b))
    low_cls, high_cls = water_class(item, low), water_class(item, high)
    assert low_cls is not None and high_cls is not None
    assert ALL_CLASSES.index(low_cls) <= ALL_CLASSES.index(high_cls)


@given(st.floats(0, 20), st.floats(0, 20))
def test_it_never_gives_a_worse_class_to_more_oxygen(a: float, b: float) -> None:
    low, high = sorted((a, b))
    low_cls, high_cls = water_class("do", low), water_class("do", high)
    assert low_cls is not None and high_cls is not None
    assert ALL_CLASSES.index(high_cls) <= ALL_CLASSES.index(low_cls)


@given(st.dictionaries(st.sampled_from(_LE_ITEMS), st.floats(0, 1e4), min_size=1))
def test_it_makes_the_section_class_the_maximum_of_the_item_classes(values: dict[str, float]) -> None:
    result = section_class(values)
    singles = [water_class(k, v) for k, v in values.items()]
    assert result.cls == max((c for c in singles if c), key=ALL_CLASSES.index)
