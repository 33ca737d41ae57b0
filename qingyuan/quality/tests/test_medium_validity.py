"""Validity by medium: gas by HJ 75-2017, water by the analyser's measuring cycle (hand-counted)."""

from __future__ import annotations

import datetime as dt

from qingyuan.quality import compute
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily
from qingyuan.test import make_point

from .support import at, readings

DAY = dt.date(2026, 3, 2)


def _gas_point(world):
    point = make_point(world.enterprise_a, "GASV0000000000000000000A", medium="gas")
    point.min_interval_min = 1  # one-minute data: 60 records an hour
    point.save()
    return point


def _hour_with(point, valid: int):
    """SO2 minute data of 08:00–08:59: ``valid`` normal records, the rest flagged D (instrument fault)."""
    readings(point, "minute", at("2026-03-02 08:00"), "a21026", [50.0] * 60,
             flags=["N"] * valid + ["D"] * (60 - valid))


def test_it_needs_45_valid_minutes_for_a_gas_hour(world):
    """HJ 75-2017 (CEMS data validity) and HJ 212-2017 App. D eq. (24): an hourly mean needs ≥ 45 valid
    minute values. 45 of 60 make a valid hour."""
    point = _gas_point(world)
    _hour_with(point, 45)
    compute.recompute([point.pk], DAY, DAY)
    hour = HourlyValue.objects.get(point=point, parameter="a21026")
    assert (hour.n_expected, hour.n_received, hour.n_valid, hour.valid) == (60, 60, 45, True)


def test_it_refuses_a_gas_hour_with_44_valid_minutes(world):
    """HJ 75-2017, HJ 212-2017 App. D eq. (24): 44 valid minute values do not make a valid hour."""
    point = _gas_point(world)
    _hour_with(point, 44)
    compute.recompute([point.pk], DAY, DAY)
    hour = HourlyValue.objects.get(point=point, parameter="a21026")
    assert (hour.n_valid, hour.valid) == (44, False)


def _gas_day_with(point, valid_hours: int):
    """Hourly SO2 uploads for the 24 hours of the day: ``valid_hours`` normal, the rest flagged D."""
    readings(point, "hour", at("2026-03-02 00:00"), "a21026", [50.0] * 24,
             flags=["N"] * valid_hours + ["D"] * (24 - valid_hours))


def test_it_needs_20_valid_hours_for_a_gas_day(world):
    """HJ 75-2017 and HJ 212-2017 App. D eq. (25): a daily mean needs ≥ 20 valid hourly values."""
    point = _gas_point(world)
    _gas_day_with(point, 20)
    compute.recompute([point.pk], DAY, DAY)
    day = DailyValue.objects.get(point=point, parameter="a21026")
    assert (day.n_expected, day.n_valid, day.valid) == (24, 20, True)


def test_it_refuses_a_gas_day_with_19_valid_hours(world):
    """HJ 75-2017, HJ 212-2017 App. D eq. (25): 19 valid hours do not make a valid day."""
    point = _gas_point(world)
    _gas_day_with(point, 19)
    compute.recompute([point.pk], DAY, DAY)
    day = DailyValue.objects.get(point=point, parameter="a21026")
    assert (day.n_valid, day.valid) == (19, False)


def _cod_every_two_hours(point, count: int):
    """A COD analyser measuring every 120 min: ``count`` values at 00:00, 02:00, ... (hourly uploads)."""
    point.measuring_cycle_min = 120
    point.save()
    readings(point, "hour", at("2026-03-02 00:00"), "w01018", [40.0] * count, step=dt.timedelta(hours=2))
    readings(point, "hour", at("2026-03-02 00:00"), "w00000", [5.0] * 24)  # the flow meter is continuous


def test_it_expects_12_values_a_day_from_a_two_hour_cod_analyser(world):
    """HJ 356-2019 (validity of wastewater online data; §7 not checked, see docs/monitoring.md): a COD
    analyser with a 120-min cycle gives 1440 / 120 = 12 values a day. 12 received: complete, nothing missing,
    and the day is valid. The continuous flow meter on the same point still owes 24 hourly values."""
    point = world.point_a
    _cod_every_two_hours(point, 12)
    compute.recompute([point.pk], DAY, DAY)
    kpi = KpiDaily.objects.get(point=point, parameter="w01018")
    assert (kpi.expected, kpi.received, kpi.valid) == (12, 12, 12)
    day = DailyValue.objects.get(point=point, parameter="w01018")
    assert (day.n_expected, day.n_valid, day.valid) == (12, 12, True)
    flow = KpiDaily.objects.get(point=point, parameter="w00000")
    assert (flow.expected, flow.received) == (24, 24)
    assert DailyValue.objects.get(point=point, parameter="w00000").n_expected == 24


def test_it_counts_two_missing_values_when_a_two_hour_analyser_sends_ten(world):
    """HJ 356-2019 (§7 not checked): 10 of the 12 expected values is not complete (transmission 10/12, two
    missing, not 14). The day keeps the share 20/24 of its expected values (ceil(12 × 20/24) = 10), so 10
    valid values still make a valid daily mean; 9 do not (next test)."""
    point = world.point_a
    _cod_every_two_hours(point, 10)
    compute.recompute([point.pk], DAY, DAY)
    kpi = KpiDaily.objects.get(point=point, parameter="w01018")
    assert (kpi.expected, kpi.received, kpi.valid) == (12, 10, 10)
    day = DailyValue.objects.get(point=point, parameter="w01018")
    assert (day.n_expected, day.n_valid, day.valid) == (12, 10, True)


def test_it_refuses_a_water_day_with_nine_of_twelve_values(world):
    """HJ 356-2019 (§7 not checked; the configurable share 20/24 of expected values): 9 < 10."""
    point = world.point_a
    _cod_every_two_hours(point, 9)
    compute.recompute([point.pk], DAY, DAY)
    day = DailyValue.objects.get(point=point, parameter="w01018")
    assert (day.n_valid, day.valid) == (9, False)
    assert KpiDaily.objects.get(point=point, parameter="w01018").received == 9


def test_it_keeps_20_of_24_hours_for_a_continuous_water_point(world):
    """No cycle (blank): a water day still needs 20 valid hours of 24, as before."""
    readings(world.point_a, "hour", at("2026-03-02 00:00"), "w01018", [40.0] * 24, flags=["N"] * 19 + ["D"] * 5)
    compute.recompute([world.point_a.pk], DAY, DAY)
    day = DailyValue.objects.get(point=world.point_a, parameter="w01018")
    assert (day.n_expected, day.n_valid, day.valid) == (24, 19, False)
