"""Every validity case of NOTES §1–3, as a table."""

from __future__ import annotations

import dataclasses

import pytest

from qingyuan.quality.conf import QualitySettings, quality_settings
from qingyuan.quality.validity import (
    Validity,
    classify,
    day_is_valid,
    expected_per_hour,
    hour_is_valid,
    hour_min_valid,
    month_is_valid,
    month_min_valid,
)

CFG = QualitySettings()
V, X, S = Validity.VALID, Validity.INVALID, Validity.STOPPED


@pytest.mark.parametrize(("flag", "code", "value", "expected"), [
    ("N", "w01018", 40.0, V),          # normal
    ("n", "w01018", 40.0, V),          # case does not matter
    ("", "w01018", 40.0, V),           # no flag (2005 loggers): valid by default [U]
    ("F", "w01018", 40.0, S),          # instrument/source stopped
    ("M", "w01018", 40.0, X),          # maintenance
    ("D", "w01018", 40.0, X),          # fault
    ("C", "w01018", 40.0, X),          # calibration
    ("B", "w01018", 40.0, X),          # communication with the instrument abnormal
    ("T", "w01018", 900.0, X),         # above the measuring range: not a measurement
    ("H", "w01018", 40.0, X),          # vendor: too few values
    ("S", "w01018", 40.0, X),          # manually set value: not a measurement by default
    ("X", "w01018", 40.0, X),          # unknown flag
    ("N", "w01018", None, X),          # no value
    ("N", "w01018", float("nan"), X),  # not a number
    ("N", "w01018", -0.5, X),          # negative concentration
    ("N", "w00000", -1.0, X),          # negative flow
    ("N", "w01010", -2.0, V),          # negative water temperature is a real value
    ("N", "w01018", 0.0, V),           # zero is a value (the zero rule is an alarm, not invalidity)
    ("N", "a21026", 120.0, V),
])
def test_it_maps_flags_and_values_to_validity(flag, code, value, expected):
    assert classify(flag, code, value, CFG) is expected


def test_it_accepts_s_flag_only_for_configured_codes():
    cfg = dataclasses.replace(CFG, s_flag_valid_codes=frozenset({"a01016"}))
    assert classify("S", "a01016", 3.2, cfg) is V
    assert classify("S", "a21026", 3.2, cfg) is X


def test_it_can_refuse_readings_without_a_flag():
    assert classify("", "w01018", 40.0, dataclasses.replace(CFG, empty_flag_valid=False)) is X


@pytest.mark.parametrize(("interval", "per_hour", "needed"), [
    (1, 60, 45),   # CEMS: 45 valid minutes of 60
    (5, 12, 9),    # 45 minutes
    (10, 6, 5),    # 4.5 rounds up: 5 of 6
    (15, 4, 3),
    (30, 2, 2),    # 1.5 rounds up
])
def test_it_needs_45_valid_minutes_in_an_hour(interval, per_hour, needed):
    assert expected_per_hour(interval) == per_hour
    assert hour_min_valid(per_hour, CFG) == needed
    assert hour_is_valid(needed, per_hour, CFG)
    assert not hour_is_valid(needed - 1, per_hour, CFG)


@pytest.mark.parametrize(("hours", "valid"), [(24, True), (20, True), (19, False), (0, False)])
def test_it_needs_20_valid_hours_in_a_day(hours, valid):
    assert day_is_valid(hours, CFG) is valid


@pytest.mark.parametrize(("year", "month", "days", "valid"), [
    (2026, 3, 25, True), (2026, 3, 24, False),
    (2026, 2, 23, True), (2026, 2, 22, False),   # February: 23
    (2024, 2, 23, True),
])
def test_it_needs_25_valid_days_in_a_month_23_in_february(year, month, days, valid):
    assert month_is_valid(days, year, month, CFG) is valid


def test_it_reads_overrides_from_settings(settings):
    settings.QINGYUAN_QUALITY = {"day_min_valid_hours": 18, "s_flag_valid_codes": ["a01016"]}
    cfg = quality_settings()
    assert cfg.day_min_valid_hours == 18 and cfg.s_flag_valid_codes == frozenset({"a01016"})
    assert month_min_valid(2026, 2, cfg) == 23


def test_it_refuses_unknown_settings(settings):
    settings.QINGYUAN_QUALITY = {"day_min_valid_hour": 18}
    with pytest.raises(ValueError, match="unknown keys"):
        quality_settings()
