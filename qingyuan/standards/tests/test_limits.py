"""Discharge-limit lookups (values checked by hand against the data file and NOTES.md)."""

from __future__ import annotations

import pytest

from qingyuan.standards import discharge_limit, discharge_standards, limits_for, scopes, standard
from qingyuan.standards.limits import Limit


def _limit(*args: str, **kwargs: str) -> Limit:
    found = discharge_limit(*args, **kwargs)
    assert found is not None
    return found


@pytest.mark.parametrize(("category", "value"), [("grade1", 100), ("grade2", 150), ("grade3", 500)])
def test_it_finds_gb8978_cod_for_other_units_by_grade(category: str, value: float) -> None:
    limit = _limit("GB 8978-1996", "w01018", category=category)
    assert (limit.value, limit.unit, limit.table) == (value, "mg/L", "表4")
    assert limit.applies_to_zh == "其他排污单位"
    assert limit.basis == "daily_mean"
    assert limit.confidence == "P" and limit.corroborated


@pytest.mark.parametrize(("category", "value"), [("grade1", 60), ("grade2", 120), ("grade3", 500)])
def test_it_finds_the_petrochemical_row_of_gb8978_cod(category: str, value: float) -> None:
    assert _limit("GB 8978-1996", "w01018", category=category, industry="石油化工").value == value
    full = "石油化工工业（包括石油炼制）"
    assert _limit("GB 8978-1996", "w01018", category=category, industry=full).value == value


def test_it_falls_back_to_the_general_row_for_an_unlisted_industry() -> None:
    assert _limit("GB 8978-1996", "w01018", category="grade1", industry="化工").value == 100
    # NH3-N: 医药原料药、染料、石油化工工业 15/50; 其他排污单位 15/25
    assert _limit("GB 8978-1996", "w21003", category="grade2", industry="染料").value == 50
    assert _limit("GB 8978-1996", "w21003", category="grade2").value == 25


def test_it_gives_first_class_pollutants_the_table1_value_at_every_grade() -> None:
    for category in ("grade1", "grade3", "pre1998-grade2"):
        limit = _limit("GB 8978-1996", "w20111", category=category)
        assert (limit.table, limit.value, limit.unit) == ("表1", 0.05, "mg/L")


def test_it_reads_the_pre1998_table_for_old_units() -> None:
    assert _limit("GB 8978-1996", "w01018", category="pre1998-grade1").value == 100
    assert _limit("GB 8978-1996", "w01017", category="pre1998-grade1").value == 30


def test_it_finds_gb31571_water_limits_direct_indirect_and_special() -> None:
    direct = _limit("GB 31571-2015", "w01018", category="direct")
    assert (direct.value, direct.table, direct.variant("special_products")) == (60, "表1", 100)
    assert direct.confidence == "P" and not direct.corroborated
    assert discharge_limit("GB 31571-2015", "w01018", category="indirect") is None  # "—": agreed with WWTP
    assert _limit("GB 31571-2015", "w01018", category="special-direct").value == 50
    assert _limit("GB 31571-2015", "w22001", category="indirect").value == 20
    assert _limit("GB 31571-2015", "w21003", category="direct").value == 8.0


def test_it_keeps_gb31571_workshop_metal_limits_in_every_water_category() -> None:
    for category in ("direct", "indirect", "special-direct", "special-indirect"):
        lead = _limit("GB 31571-2015", "w20120", category=category)
        assert (lead.value, lead.table, lead.applies_to_zh) == (1.0, "表1", "车间或生产设施废水排放口")


def test_it_gives_gb31571_process_heaters_a_reference_oxygen_of_3_percent() -> None:
    nox = _limit("GB 31571-2015", "a21002", category="process_heater")
    assert (nox.value, nox.reference_o2_percent, nox.variant("furnace_ge_850C")) == (150, 3.0, 180)
    assert nox.basis == "hourly_mean"
    assert _limit("GB 31571-2015", "a21002", category="special-process_heater").value == 100


def test_it_reads_removal_efficiency_limits_for_organic_exhaust() -> None:
    nmhc = _limit("GB 31571-2015", "a24088", category="other_organic_gas")
    assert (nmhc.comparison, nmhc.value, nmhc.unit) == ("removal_efficiency_ge", 95, "%")
    assert nmhc.reference_o2_percent is None
    assert nmhc.is_exceeded(10.0) is None
    assert _limit("GB 31571-2015", "a24088", category="wastewater_treatment_gas").value == 120


def test_it_finds_gb13271_boiler_limits_with_fuel_reference_oxygen() -> None:
    so2 = _limit("GB 13271-2014", "a21026", category="in_use-coal")
    assert (so2.value, so2.reference_o2_percent, so2.variant("guangxi_chongqing_sichuan_guizhou")) == (
        400,
        9.0,
        550,
    )
    assert _limit("GB 13271-2014", "a21002", category="new-gas").reference_o2_percent == 3.5
    assert _limit("GB 13271-2014", "a34013", category="special-oil").value == 30
    ringelmann = _limit("GB 13271-2014", "a01010", category="new-coal")
    assert (ringelmann.comparison, ringelmann.value) == ("le", 1.0)


def test_it_finds_gb18918_class_limits_and_their_variants() -> None:
    nh3 = _limit("GB 18918-2002", "w21003", category="1A")
    assert (nh3.value, nh3.variant("cold_water_le_12C")) == (5, 8)
    tp = _limit("GB 18918-2002", "w21011", category="1B")
    assert (tp.value, tp.variant("built_before_2006")) == (1, 1.5)
    assert not tp.corroborated  # web copies cover class 1A only
    assert _limit("GB 18918-2002", "w21011", category="1A").corroborated


def test_it_finds_gb16297_concentrations_by_scope() -> None:
    assert _limit("GB 16297-1996", "a21026", category="new").value == 550
    production = "硫、二氧化硫、硫酸和其它含硫化合物生产"
    assert _limit("GB 16297-1996", "a21026", category="new", industry=production).value == 960
    assert _limit("GB 16297-1996", "a34013", category="existing").value == 150
    assert _limit("GB 16297-1996", "a21002", category="existing").basis == "hourly_mean"


def test_it_asks_for_a_category_when_the_pollutant_is_in_several() -> None:
    with pytest.raises(ValueError, match="category"):
        discharge_limit("GB 8978-1996", "w01018")


def test_it_lists_fence_line_limits_that_have_no_hj212_code() -> None:
    boundary = limits_for("GB 31571-2015", "boundary")
    assert [(lim.item_zh, lim.value, lim.unit) for lim in boundary][:2] == [
        ("颗粒物", 1.0, "mg/m3"),
        ("氯化氢", 0.2, "mg/m3"),
    ]
    assert all(lim.pollutant_code is None for lim in boundary)


def test_it_returns_none_for_a_pollutant_the_standard_does_not_limit() -> None:
    assert discharge_limit("GB 18918-2002", "a21026", category="1A") is None
    assert discharge_limit("GB 8978-1996", "w99999", category="grade1") is None
    assert discharge_limit("GB 18918-2002", "a21026") is None  # no category needed to find nothing


def test_it_refuses_unknown_standards_and_categories() -> None:
    with pytest.raises(ValueError, match="unknown discharge standard"):
        discharge_limit("GB 0000-2000", "w01018")
    with pytest.raises(ValueError, match="grade1"):
        limits_for("GB 8978-1996", "class1A")


def test_it_accepts_standard_codes_without_spaces_or_year() -> None:
    assert standard("GB8978-1996") == standard("GB 8978") == standard("gb 8978-1996")
    assert [s.code for s in discharge_standards()] == [
        "GB 8978-1996",
        "GB 31571-2015",
        "GB 16297-1996",
        "GB 13271-2014",
        "GB 18918-2002",
    ]


def test_it_judges_exceedance_strictly_above_the_limit() -> None:
    cod = _limit("GB 8978-1996", "w01018", category="grade1")
    assert cod.is_exceeded(100.0) is False
    assert cod.is_exceeded(100.01) is True
    ph = _limit("GB 8978-1996", "w01001", category="grade1")
    assert (ph.comparison, ph.range) == ("range", (6.0, 9.0))
    assert (ph.is_exceeded(6.0), ph.is_exceeded(9.0), ph.is_exceeded(9.1), ph.is_exceeded(5.9)) == (
        False,
        False,
        True,
        True,
    )
    alkyl_mercury = _limit("GB 8978-1996", "w20113", category="grade1")
    assert alkyl_mercury.comparison == "not_detected"
    assert alkyl_mercury.is_exceeded(0.0) is None


def test_it_converts_the_measured_unit_before_judging() -> None:
    mercury = _limit("GB 8978-1996", "w20111", category="grade1")  # 0.05 mg/L; HJ 212 sends µg/L
    assert mercury.is_exceeded(50, unit="ug/L") is False
    assert mercury.is_exceeded(51, unit="ug/L") is True
    with pytest.raises(ValueError, match="cannot convert"):
        mercury.is_exceeded(1, unit="mg/m3")


def test_it_lists_the_industry_scopes_of_a_standard() -> None:
    listed = scopes("GB 8978-1996", "grade1")
    assert "石油化工工业（包括石油炼制）" in listed
    assert "其他排污单位" in listed
