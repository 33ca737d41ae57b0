"""Pollutant code table, 2005 -> 2017 normalisation and DataKind."""

from __future__ import annotations

import pytest

from qingyuan.hj212 import POLLUTANT_CODES, DataKind, code_for_medium, is_2005_code, medium_of, normalize_code


def test_it_ships_the_184_codes_of_appendix_b() -> None:
    assert len(POLLUTANT_CODES) == 184
    assert POLLUTANT_CODES["w01018"].name_zh == "化学需氧量"
    assert POLLUTANT_CODES["a21026"].code2005 == "02"


@pytest.mark.parametrize(
    ("code", "st", "expected"),
    [
        ("001", "32", "w01001"),  # old water 001 is pH
        ("01", "31", "a34013"),  # old gas 01 is particulates
        ("01", "32", "01"),  # a gas code under a water ST stays as sent
        ("001", "31", "001"),  # and a water code under a gas ST
        ("B01", "21", "w00000"),
        ("B02", "22", "a00000"),
        ("S01", "31", "a19001"),
        ("011", "32", "w01018"),
        ("060", "32", "w21003"),
        ("w01018", "32", "w01018"),  # 2017 codes are left alone
        ("ele01", "31", "ele01"),  # vendor codes too
        ("LA", "23", "LA"),
        ("02", None, "a21026"),  # no medium: both tables (they do not overlap)
        ("001", "91", "w01001"),
    ],
)
def test_it_normalises_2005_codes_using_the_medium(code: str, st: str | None, expected: str) -> None:
    assert normalize_code(code, st) == expected


def test_it_maps_st_to_a_medium() -> None:
    assert medium_of("32") == "water" and medium_of("31") == "gas" and medium_of("23") is None


def test_it_maps_cn_to_data_kind() -> None:
    assert DataKind.from_cn("2011") is DataKind.REALTIME
    assert DataKind.from_cn("2051") is DataKind.MINUTE
    assert DataKind.from_cn("2061") is DataKind.HOUR
    assert DataKind.from_cn("2031") is DataKind.DAY
    assert DataKind.from_cn("9014") is None
    assert DataKind.from_cn(None) is None


@pytest.mark.parametrize(
    ("code", "medium", "expected"),
    [
        ("01", "gas", "a34013"),  # Table B.2: 烟尘, whatever ST the packet carried
        ("03", "gas", "a21002"),
        ("011", "water", "w01018"),  # Table B.1: COD
        ("01", "water", "01"),  # a gas code read as a water point's: no mapping, as sent
        ("023", "gas", "023"),  # Table B.1's total chromium is not a gas point's 023
        ("w01018", "gas", "w01018"),  # 2017 codes are left alone
    ],
)
def test_it_reads_a_2005_code_by_a_given_medium(code: str, medium: str, expected: str) -> None:
    """HJ 212-2017 Appendix B Tables B.1 (water) and B.2 (gas), 2005 code column."""
    assert code_for_medium(code, medium) == expected


def test_it_tells_2005_codes_from_others() -> None:
    assert is_2005_code("01") and is_2005_code("011") and is_2005_code("S01") and is_2005_code("B02")
    assert not is_2005_code("a34013") and not is_2005_code("801") and not is_2005_code("ele01")
    with pytest.raises(ValueError, match="medium"):
        code_for_medium("01", "noise")
