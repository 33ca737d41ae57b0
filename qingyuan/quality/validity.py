"""Which values count: data flags to valid/invalid (NOTES §1), and minimum valid counts (NOTES §3).

Pure functions over plain values; ``QualitySettings`` carries the configurable
defaults. Table-tested in ``tests/test_validity.py``.

=====  ==========================  ==========================================
flag   meaning (HJ 212-2017 T. 8)  treated as
=====  ==========================  ==========================================
N      normal                      valid
(none) no flag sent                valid (``empty_flag_valid``) [U]
F      instrument stopped          STOPPED: no measurement; with an approved
                                   stop-production declaration the period
                                   leaves the expected count
S      manually set value          valid only for ``s_flag_valid_codes`` [U]
M D C  maintenance, fault, calib.  invalid [1]
B      communication abnormal      invalid [1]
T      above the measuring range   invalid; the alarms raise "over range" [1]
H      vendor: too few values      invalid [1]
other  unknown                     invalid
=====  ==========================  ==========================================

A value that passes its flag is still invalid when it is missing, not finite,
or negative for a concentration or flow (``negative_invalid``, [1]); a water
concentration measured while the flow is 0 is invalid too
(``zero_flow_invalidates_water``, [1]), which ``aggregate`` applies because it
needs the flow of the same time slice.
"""

from __future__ import annotations

import calendar
import math
from enum import StrEnum
from functools import cache

from qingyuan.quality.conf import QualitySettings
from qingyuan.standards.codes import pollutant
from qingyuan.standards.units import GAS, LIQUID, unit_info


class Validity(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    STOPPED = "stopped"  # flag F: the source or instrument stopped


INVALID_FLAGS = frozenset("MDCBTH")
FLOW_CODES = frozenset({"w00000", "a00000"})


@cache
def is_concentration(code: str) -> bool:
    """True for mass concentrations (mg/L, mg/m³, ...): what exceedance, mass and zero rules apply to."""
    found = pollutant(code)
    if found is None:
        return False
    info = unit_info(found.default_unit)
    return info is not None and info.family in (LIQUID, GAS)


@cache
def signed(code: str) -> bool:
    """Codes where a negative value is a measurement error (concentrations and flows)."""
    return code in FLOW_CODES or is_concentration(code)


def flag_validity(flag: str, code: str, cfg: QualitySettings) -> Validity:
    """The validity a flag gives a value of ``code``, before looking at the value itself."""
    flag = (flag or "").strip().upper()
    if not flag:
        return Validity.VALID if cfg.empty_flag_valid else Validity.INVALID
    if flag == "N":
        return Validity.VALID
    if flag == "F":
        return Validity.STOPPED
    if flag == "S":
        return Validity.VALID if code in cfg.s_flag_valid_codes else Validity.INVALID
    return Validity.INVALID


def classify(flag: str, code: str, value: float | None, cfg: QualitySettings) -> Validity:
    """The validity of one value (a minute, hourly or daily average) of ``code``."""
    result = flag_validity(flag, code, cfg)
    if result is not Validity.VALID:
        return result
    if value is None or not math.isfinite(value):
        return Validity.INVALID
    if value < 0 and cfg.negative_invalid and signed(code):
        return Validity.INVALID
    return Validity.VALID


# ---- minimum valid counts --------------------------------------------------------------------

def expected_per_hour(min_interval_min: int) -> int:
    """Minute-data records a point sends per hour: 6 at a 10-minute interval, 60 at 1 minute."""
    interval = max(1, int(min_interval_min or 10))
    return max(1, 60 // interval)


def is_cycled(code: str, water: bool, cycle_min: int | None) -> bool:
    """True for a water concentration measured by an analyser with a measuring cycle (COD, NH3-N, TP, TN).

    Flow, pH and temperature are measured continuously whatever the analysers' cycle; gas is continuous."""
    return bool(water and cycle_min and is_concentration(code))


def values_per_hour(records_per_hour: int, cycle_min: int | None) -> int:
    """Values of a cycled parameter an hour should hold: 1 for a cycle of 60 min or more, 60 // cycle below,
    never more than the logger's records per hour."""
    if not cycle_min:
        return records_per_hour
    return max(1, min(records_per_hour, 60 // cycle_min))


def values_per_day(cycle_min: int | None) -> int:
    """Hourly values a day should hold: 24, or 1440 // cycle for an analyser measuring less than hourly
    (a COD analyser every 120 min: 12)."""
    if not cycle_min or cycle_min <= 60:
        return 24
    return max(1, 1440 // cycle_min)


def day_min_valid(expected: int, water: bool, cfg: QualitySettings) -> int:
    """Valid hourly values a day needs. Gas (HJ 75-2017, HJ 212-2017 App. D eq. 25): ``day_min_valid_hours``
    (20). Water: ``water_day_min_valid_share`` of the expected values (20 of 24; 10 of 12 at a 120-min cycle)."""
    if not water:
        return cfg.day_min_valid_hours
    return max(1, math.ceil(expected * cfg.water_day_min_valid_share - 1e-9))


def hour_min_valid(expected: int, cfg: QualitySettings) -> int:
    """Valid minute records an hour needs: 45 of 60 one-minute records, 5 of 6 ten-minute records."""
    return max(1, math.ceil(expected * cfg.hour_min_valid_share - 1e-9))


def hour_is_valid(n_valid: int, expected: int, cfg: QualitySettings) -> bool:
    return n_valid >= hour_min_valid(expected, cfg)


def day_is_valid(n_valid_hours: int, cfg: QualitySettings, *, water: bool = False, expected: int = 24) -> bool:
    return n_valid_hours >= day_min_valid(expected, water, cfg)


def month_min_valid(year: int, month: int, cfg: QualitySettings) -> int:
    days = calendar.monthrange(year, month)[1]
    wanted = cfg.february_min_valid_days if month == 2 else cfg.month_min_valid_days
    return min(wanted, days)


def month_is_valid(n_valid_days: int, year: int, month: int, cfg: QualitySettings) -> bool:
    return n_valid_days >= month_min_valid(year, month, cfg)
