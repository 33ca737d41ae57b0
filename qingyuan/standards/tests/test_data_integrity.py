"""The shipped data checked against itself: codes, units, monotonic limits, counts, duplicates."""

from __future__ import annotations

from collections import Counter

import pytest

from qingyuan.standards import (
    CLASSES,
    _data,
    code_from_2005,
    discharge_limit,
    discharge_standards,
    limits_for,
    mass_kg,
    pollutant,
    pollutants,
    supplementary_items,
    surface_water_items,
    unit_matches,
)
from qingyuan.standards.limits import Limit

_ALL_LIMITS = [lim for std in discharge_standards() for lim in limits_for(std.code)]
_KG_PER = {"kg": 1.0, "g": 1e-3, "mg": 1e-6}


def _categories() -> list[tuple[str, str]]:
    return [(s.code, c.id) for s in discharge_standards() for c in s.categories]


def test_it_loads_the_row_counts_the_data_files_declare() -> None:
    codes = _data.load(_data.POLLUTANT_CODES)
    assert len(pollutants()) == codes["row_counts"]["codes"] == 184
    assert len(codes["old_code_mapping"]) == codes["row_counts"]["old_code_mapping"] == 93
    limits = _data.load(_data.DISCHARGE_LIMITS)
    for std in limits["standards"]:
        for table in std["tables"]:
            assert len(table["rows"]) == limits["row_counts"][std["code"]][table["table"]]
    assert len(surface_water_items()) == 24
    assert len(supplementary_items()) == 5


def test_it_has_no_duplicate_codes_or_2005_mappings() -> None:
    assert len({p.code for p in pollutants()}) == len(pollutants())
    mapping = _data.load(_data.POLLUTANT_CODES)["old_code_mapping"]
    keys = Counter((m["old_code"], m["medium"]) for m in mapping)
    assert max(keys.values()) == 1
    assert len({m["new_code"] for m in mapping}) == len(mapping)


def test_it_maps_every_2005_code_to_an_existing_code_of_the_same_medium() -> None:
    for p in pollutants():
        if p.old_code is not None:
            assert code_from_2005(p.old_code, p.medium) == p.code
    for m in _data.load(_data.POLLUTANT_CODES)["old_code_mapping"]:
        target = pollutant(m["new_code"])
        assert target is not None and target.medium == m["medium"] and target.old_code == m["old_code"]


def test_it_keeps_code_prefixes_and_media_consistent() -> None:
    for p in pollutants():
        assert p.medium == ("water" if p.code.startswith("w") else "gas"), p.code


def test_it_has_mass_factors_that_agree_with_the_unit_arithmetic() -> None:
    for p in pollutants():
        if p.mass_factor is None:
            continue
        assert p.totals_unit in _KG_PER, p.code
        # 1 unit of concentration × 1 m³, in kg, expressed in the totals unit:
        expected = mass_kg(1, p.default_unit, 1) / _KG_PER[p.totals_unit]
        assert p.mass_factor == pytest.approx(expected, rel=1e-12), p.code


def test_it_gives_every_limit_a_known_code_of_the_right_medium() -> None:
    media = {(s.code, c.id): c.medium for s in discharge_standards() for c in s.categories}
    for lim in _ALL_LIMITS:
        if lim.pollutant_code is None:
            continue
        found = pollutant(lim.pollutant_code)
        assert found is not None, lim
        assert found.medium == media[(lim.standard_code, lim.category)], lim


def test_it_flags_only_the_colour_rows_as_unit_mismatches() -> None:
    # GB 8978 / GB 18918 limit colour as 稀释倍数 (dilution factor); HJ 212 w01002 reports colour
    # degrees. Different methods: a w01002 reading cannot be compared with those limits as is.
    mismatched = {
        (lim.standard_code, lim.pollutant_code, lim.unit)
        for lim in _ALL_LIMITS
        if lim.pollutant_code
        and lim.comparison != "removal_efficiency_ge"
        and not unit_matches(lim.pollutant_code, lim.unit)
    }
    assert mismatched == {
        ("GB 8978-1996", "w01002", "dilution factor"),
        ("GB 18918-2002", "w01002", "dilution factor"),
    }


# Plausible upper bounds per unit: the loosest value any of these standards can set.
_CEILING = {"mg/L": 1000, "mg/m3": 1700, "count/L": 10_000, "Bq/L": 10, "dilution factor": 80, "grade": 5}


def test_it_gives_every_numeric_limit_a_plausible_value() -> None:
    for lim in _ALL_LIMITS:
        if lim.comparison == "le":
            assert lim.value is not None and 0 < lim.value <= _CEILING[lim.unit], lim
        if lim.comparison == "range":
            assert lim.range is not None and 0 <= lim.range[0] < lim.range[1] <= 14, lim
        if lim.comparison == "removal_efficiency_ge":
            assert lim.value is not None and 0 < lim.value <= 100, lim


def test_it_builds_limits_for_every_category() -> None:
    for code, category in _categories():
        assert limits_for(code, category), (code, category)


def test_it_has_no_duplicate_limit_rows() -> None:
    keys = Counter(
        (lim.standard_code, lim.category, lim.pollutant_code or lim.item_zh, lim.applies_to_zh)
        for lim in _ALL_LIMITS
    )
    assert [k for k, n in keys.items() if n > 1] == []


def test_it_finds_exactly_one_general_row_per_coded_pollutant_and_category() -> None:
    for code, category in _categories():
        for pollutant_code in {
            lim.pollutant_code for lim in limits_for(code, category) if lim.pollutant_code
        }:
            discharge_limit(code, pollutant_code, category=category)  # must not raise "several general rows"


def _value(code: str, category: str, lim: Limit) -> float | None:
    other = [
        o
        for o in limits_for(code, category)
        if (o.pollutant_code, o.item_zh, o.applies_to_zh)
        == (lim.pollutant_code, lim.item_zh, lim.applies_to_zh)
    ]
    return other[0].value if other and other[0].comparison == "le" else None


@pytest.mark.parametrize(
    ("standard_code", "stricter_to_looser"),
    [
        ("GB 8978-1996", ["grade1", "grade2", "grade3"]),
        ("GB 8978-1996", ["pre1998-grade1", "pre1998-grade2", "pre1998-grade3"]),
        ("GB 18918-2002", ["1A", "1B", "2", "3"]),
        ("GB 31571-2015", ["special-direct", "direct", "indirect"]),
        ("GB 31571-2015", ["special-indirect", "indirect"]),
        ("GB 31571-2015", ["special-process_heater", "process_heater"]),
        ("GB 13271-2014", ["special-coal", "new-coal", "in_use-coal"]),
        ("GB 13271-2014", ["special-oil", "new-oil", "in_use-oil"]),
        ("GB 13271-2014", ["special-gas", "new-gas", "in_use-gas"]),
        ("GB 16297-1996", ["new", "existing"]),
        ("GB 8978-1996", ["grade1", "pre1998-grade1"]),
    ],
)
def test_it_has_limits_that_never_get_stricter_in_a_looser_column(
    standard_code: str, stricter_to_looser: list[str]
) -> None:
    for lim in limits_for(standard_code, stricter_to_looser[0]):
        if lim.comparison != "le":
            continue
        values = [v for c in stricter_to_looser if (v := _value(standard_code, c, lim)) is not None]
        assert values == sorted(values), (lim.item_zh, lim.applies_to_zh, values)


def test_it_has_variants_that_are_looser_than_the_main_value() -> None:
    for lim in _ALL_LIMITS:
        for name, value in lim.variants:
            assert lim.value is not None and value >= lim.value, (lim, name)


def test_it_has_monotonic_gb3838_class_limits() -> None:
    for item in surface_water_items():
        for limits in (item.limits, item.lake_limits):
            if limits is None:
                continue
            assert len(limits) == len(CLASSES)
            assert all(v > 0 for v in limits), item.key
            expected = sorted(limits, reverse=item.direction == "ge")
            assert list(limits) == expected, item.key


def test_it_pins_the_gb3838_limits_used_in_examples() -> None:
    by_key = {item.key: item for item in surface_water_items()}
    assert by_key["codcr"].limits == (15, 15, 20, 30, 40)
    assert by_key["do"].limits == (7.5, 6, 5, 3, 2)
    assert by_key["nh3n"].limits == (0.15, 0.5, 1.0, 1.5, 2.0)
    assert by_key["tp"].limits == (0.02, 0.1, 0.2, 0.3, 0.4)
    assert by_key["tp"].lake_limits == (0.01, 0.025, 0.05, 0.1, 0.2)
    assert by_key["ph"].ph_range == (6, 9)


def test_it_maps_gb3838_items_to_known_codes_with_the_same_default_unit() -> None:
    for item in surface_water_items():
        for code in (item.hj212_code, *item.hj212_alternates):
            found = pollutant(code)
            assert found is not None and found.medium == "water", code
        main = pollutant(item.hj212_code)
        assert main is not None and main.default_unit == item.hj212_default_unit, item.key
        if item.direction != "none":
            assert unit_matches(item.hj212_code, item.unit), item.key
    for extra in supplementary_items():
        assert pollutant(extra.hj212_code) is not None


def test_it_agrees_with_the_data_file_on_gb13271_reference_oxygen() -> None:
    std = next(s for s in _data.load(_data.DISCHARGE_LIMITS)["standards"] if s["code"] == "GB 13271-2014")
    o2 = std["reference_oxygen_percent"]
    for fuel, key in (("coal", "coal_fired"), ("oil", "oil_fired"), ("gas", "gas_fired")):
        for lim in limits_for("GB 13271-2014", f"new-{fuel}"):
            assert lim.reference_o2_percent == o2[key]
