"""How a value is judged against its limit (issue 15 rules 1, 9, 10): O2 correction, limit variants,
consecutive exceedance. Hand-computed from the standards' text; each test cites its clause."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qingyuan.alarms import context, engine
from qingyuan.alarms.models import Alarm, AlarmPolicy
from qingyuan.alarms.rules import Conditions, LimitRule, RuleConfig, judge, o2_corrected
from qingyuan.enterprises.models import LimitVariant, PermitLimit
from qingyuan.monitoring.models import Reading
from qingyuan.quality.tests.support import at, permit
from qingyuan.test import make_point

T = at("2026-03-02 08:00")
H = dt.timedelta(hours=1)
CFG = RuleConfig()
SO2 = LimitRule("hourly_mean", value=200.0, unit="mg/m3", corrected=True, reference_o2=3.5)
NH3N_1B = LimitRule("daily_mean", value=8.0, unit="mg/L", cold_value=15.0)  # GB 18918-2002 表1 一级 B: 8 (15)


def _hour(value, *, zs=None, o2=None, limit=SO2, cfg=CFG):
    return judge("hour", T, T + H, "a21026", value, zs, True, limit, cfg, Conditions(o2=o2))


# ---- rule 1: oxygen correction --------------------------------------------------------------------

def test_it_judges_the_value_corrected_from_the_periods_o2():
    """GB 13271-2014 §5.2 formula (1) / HJ 75-2017 (折算): C = C' × (21 − O2ref) / (21 − O2).
    SO2 measured 120 mg/m3 at O2 = 12.5 %, reference 3.5 % (oil/gas boilers): 120 × 17.5 / 8.5 = 247.06 > 200."""
    assert o2_corrected(120.0, 12.5, 3.5) == pytest.approx(247.0588, abs=1e-4)
    f = _hour(120.0, o2=12.5)
    assert f.kind == "exceedance" and round(f.value, 2) == 247.06 and f.limit == 200.0
    assert f.detail["o2"] == 12.5 and f.detail["o2_reference"] == 3.5 and f.detail["measured"] == 120.0
    assert f.detail["corrected_by"] == "platform"


def test_it_takes_the_devices_corrected_value_when_sent():
    """HJ 212-2017 ZsAvg is the device's corrected value: judged as sent (150 ≤ 200, below 80 %: nothing)."""
    assert _hour(120.0, zs=150.0, o2=12.5) is None
    f = _hour(120.0, zs=210.0)
    assert f.kind == "exceedance" and f.value == 210.0 and f.detail["corrected_by"] == "device"


def test_it_raises_cannot_judge_without_a_valid_o2_and_never_judges_the_raw_value():
    """The raw 250 mg/m3 would exceed 200, the raw 120 would comply; neither is judged without the O2."""
    for raw in (250.0, 120.0):
        f = _hour(raw, o2=None)
        assert f.kind == "cannot_judge" and f.value == raw and f.detail["reason"] == "no_o2"
        assert f.detail["o2_reference"] == 3.5


def test_it_does_not_correct_an_o2_close_to_air():
    """At O2 → 21 % the factor (21 − O2ref)/(21 − O2) grows without bound: from 19 % (the platform's ceiling,
    not confirmed against the standards' text, docs/monitoring-intelligence.md) the period cannot be judged."""
    f = _hour(5.0, o2=19.5)
    assert f.kind == "cannot_judge" and f.detail["reason"] == "o2_near_air" and f.detail["o2"] == 19.5
    f = _hour(5.0, o2=18.9)  # 5 × 17.5 / 2.1 = 41.67: judged, complies
    assert f is None
    f = _hour(30.0, o2=18.9)  # 30 × 17.5 / 2.1 = 250 > 200
    assert f.kind == "exceedance" and f.value == pytest.approx(250.0)


def test_it_judges_an_uncorrected_limit_on_the_measured_value():
    """GB 31571-2015: organic waste-gas outlets are judged on the measured concentration (no reference O2)."""
    plain = LimitRule("hourly_mean", value=100.0, unit="mg/m3")
    f = judge("hour", T, T + H, "a24088", 120.0, None, True, plain, CFG)
    assert f.kind == "exceedance" and f.value == 120.0 and "o2" not in f.detail


# ---- rule 9: limit variants -------------------------------------------------------------------------

def test_it_picks_the_gb18918_ammonia_value_by_the_periods_water_temperature():
    """GB 18918-2002 表1 note: the bracketed value applies at a water temperature ≤ 12 °C.
    NH3-N 10 mg/L under 一级 B, 8 (15): at 10 °C the limit is 15 (complies), at 15 °C it is 8 (exceeds)."""
    cold = judge("day", T, T + 24 * H, "w21003", 10.0, None, True, NH3N_1B, CFG, Conditions(water_temperature=10.0))
    assert cold is None  # 10 ≤ 15, and below 80 % of 15
    warm = judge("day", T, T + 24 * H, "w21003", 10.0, None, True, NH3N_1B, CFG, Conditions(water_temperature=15.0))
    assert warm.kind == "exceedance" and warm.limit == 8.0 and warm.detail["variant"] == "water_temp_above_12c"
    assert warm.detail["water_temperature"] == 15.0
    edge = judge("day", T, T + 24 * H, "w21003", 15.5, None, True, NH3N_1B, CFG, Conditions(water_temperature=12.0))
    assert edge.kind == "exceedance" and edge.limit == 15.0 and edge.detail["variant"] == "water_temp_12c"


def test_it_judges_without_a_temperature_only_what_both_values_agree_on():
    """No water temperature: 7 complies with 8 and 15, 16 exceeds both; 10 lies between and cannot be judged."""
    def day(v):
        return judge("day", T, T + 24 * H, "w21003", v, None, True, NH3N_1B, CFG)
    assert day(7.0) is None or day(7.0).kind == "approaching"
    assert day(16.0).kind == "exceedance" and day(16.0).limit == 8.0
    assert day(10.0).kind == "cannot_judge" and day(10.0).detail["reason"] == "no_water_temperature"


def test_it_reads_the_permits_variant_and_the_standards_cold_value(world):
    """A permit row with the water-temperature variant carries its ≤ 12 °C value; a GB 18918 outlet without a
    permit row falls back to the standard's own bracketed value."""
    p = permit(world.enterprise_a, world.point_a.outlet, {"w21003": 5.0}, ref="GB 18918-2002 表1 1A")
    PermitLimit.objects.filter(permit=p).update(variant=LimitVariant.WATER_TEMPERATURE, cold_limit=Decimal("8"))
    rule = context.load([world.point_a.pk])[world.point_a.pk].limit("w21003")
    assert (rule.value, rule.cold_value, rule.basis) == (5.0, 8.0, "daily_mean")
    assert context.standard_limit("GB 18918-2002", "water", "w21003") is None  # four categories: ambiguous
    assert context.permit_rule("GB 18918-2002", "water", "GB 18918-2002 表1 1B", 8.0, "mg/L", "w21003").cold_value \
        is None  # no variant on the row: the row's value stands


def test_it_records_a_fixed_variant_and_the_special_limits_on_the_judgement(world):
    """GB 31571-2015 product-specific COD (表1 note) and an outlet under special emission limits."""
    p = permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0}, ref="GB 31571-2015 表1 direct")
    PermitLimit.objects.filter(permit=p).update(variant=LimitVariant.SPECIAL_PRODUCTS)
    rule = context.load([world.point_a.pk])[world.point_a.pk].limit("w01018")
    f = judge("day", T, T + 24 * H, "w01018", 120.0, None, True, rule, CFG)
    assert f.kind == "exceedance" and f.detail["variant"] == "special_products"
    PermitLimit.objects.filter(permit=p).update(variant="")
    type(world.point_a.outlet).objects.filter(pk=world.point_a.outlet_id).update(special_limits=True)
    rule = context.load([world.point_a.pk])[world.point_a.pk].limit("w01018")
    assert judge("day", T, T + 24 * H, "w01018", 120.0, None, True, rule, CFG).detail["variant"] == "special_limits"


def test_it_refuses_a_water_temperature_variant_without_its_cold_value(world):
    from django.core.exceptions import ValidationError

    p = permit(world.enterprise_a, world.point_a.outlet, {"w21003": 5.0}, ref="GB 18918-2002 表1 1A")
    row = PermitLimit.objects.get(permit=p)
    row.variant = LimitVariant.WATER_TEMPERATURE
    with pytest.raises(ValidationError) as e:
        row.full_clean()
    assert "cold_limit" in e.value.message_dict


# ---- the engine: O2 from the same period, consecutive periods ------------------------------------------

@pytest.fixture
def boiler(world):
    """A gas boiler outlet under GB 13271-2014 (new oil boilers, reference O2 3.5 %), SO2 limit 200 mg/m3."""
    point = make_point(world.enterprise_a, "GASB0000000000000000000B", medium="gas")
    permit(world.enterprise_a, point.outlet, {"a21026": 200.0}, ref="GB 13271-2014 表2 new-oil", unit="mg/m3")
    return point


def _send(point, when, values, kind="hour"):
    rows = [Reading.objects.create(point=point, kind=kind, time=when, parameter=code, avg=v, flag="N")
            for code, v in values.items()]
    engine.evaluate(rows)


def test_it_judges_a_devices_hour_on_the_o2_of_the_same_packet(world, boiler):
    """GB 13271-2014 §5.2: SO2 120 mg/m3 at O2 12.5 % → 247.06 mg/m3 > 200: an exceedance on the corrected value."""
    _send(boiler, T, {"a21026": 120.0, "a19001": 12.5})
    alarm = Alarm.objects.get(point=boiler)
    assert (alarm.kind, round(alarm.peak, 2), alarm.limit) == ("exceedance", 247.06, 200.0)
    assert alarm.detail["o2"] == 12.5 and alarm.detail["o2_reference"] == 3.5 and alarm.detail["measured"] == 120.0


def test_it_raises_cannot_judge_for_an_hour_without_o2(world, boiler):
    _send(boiler, T, {"a21026": 250.0})
    alarm = Alarm.objects.get(point=boiler)
    assert alarm.kind == "cannot_judge" and alarm.detail["reason"] == "no_o2"
    assert not Alarm.objects.filter(kind="exceedance").exists()


def test_it_reads_the_o2_stored_for_the_period(world, boiler):
    """The O2 came in an earlier batch of the same hour: read from the stored readings (invalid O2 is no O2)."""
    Reading.objects.create(point=boiler, kind="hour", time=T, parameter="a19001", avg=12.5, flag="D")
    _send(boiler, T, {"a21026": 120.0})
    assert Alarm.objects.get(point=boiler).kind == "cannot_judge"
    Alarm.objects.all().delete()
    Reading.objects.create(point=boiler, kind="hour", time=T + H, parameter="a19001", avg=12.5, flag="N")
    _send(boiler, T + H, {"a21026": 120.0})
    assert Alarm.objects.get(point=boiler).kind == "exceedance"


def test_it_needs_two_consecutive_hours_when_the_policy_says_two(world):
    """Rule 10: with ``consecutive_periods`` 2, one hour above the limit raises nothing, the second in a row does."""
    AlarmPolicy.objects.create(park=world.park, consecutive_periods=2)
    point = make_point(world.enterprise_a, "GASC0000000000000000000C", medium="gas")
    permit(world.enterprise_a, point.outlet, {"a21026": 200.0}, ref="GB 16297-1996 表2 new", unit="mg/m3")
    _send(point, T, {"a21026": 250.0})
    assert not Alarm.objects.filter(kind="exceedance").exists()
    _send(point, T + 2 * H, {"a21026": 260.0})  # the hour before (09:00) did not exceed
    assert not Alarm.objects.filter(kind="exceedance").exists()
    _send(point, T + 3 * H, {"a21026": 270.0})
    alarm = Alarm.objects.get(kind="exceedance")
    assert alarm.peak == 270.0 and alarm.detail["consecutive"] == 2


def test_it_raises_on_one_daily_mean_by_default(world):
    """GB 8978-1996 §5.2 (最高允许排放浓度按日均值计算): each daily mean is judged on its own; the default policy needs
    one period (COD 120 > 100 mg/L)."""
    assert RuleConfig().consecutive_periods == 1 and AlarmPolicy(park=world.park).consecutive_periods == 1
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    _send(world.point_a, at("2026-03-01 00:00"), {"w01018": 120.0}, kind="day")
    alarm = Alarm.objects.get(kind="exceedance")
    assert (alarm.peak, alarm.limit) == (120.0, 100.0) and "consecutive" not in alarm.detail
