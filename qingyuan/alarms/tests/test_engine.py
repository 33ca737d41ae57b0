"""The engine: rules evaluated as ingest commits, on computed aggregates, and again after a crash."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qingyuan.alarms import engine
from qingyuan.alarms.models import Alarm
from qingyuan.ingest.process import process_packets
from qingyuan.monitoring.models import Reading
from qingyuan.quality import compute, queue
from qingyuan.quality.models import Touched
from qingyuan.quality.tests.support import at, packet, permit, readings
from qingyuan.test import make_point

T = at("2026-03-02 08:00")
M10 = dt.timedelta(minutes=10)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """``send(point, when, values, cn=...)``: one batch through process_packets, evaluated on commit."""

    def go(point, when, values, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = process_packets([packet(point, when, values, **kwargs)])
        assert outcomes[0].verdict.value == "stored", outcomes
    return go


@pytest.fixture
def gas_point(world):
    point = make_point(world.enterprise_a, "GASA0000000000000000000A", medium="gas")
    permit(world.enterprise_a, point.outlet, {"a21026": 200.0}, ref="GB 16297-1996 表2 new", unit="mg/m3")
    return point


def _kinds(**lookup):
    return sorted(Alarm.objects.filter(**lookup).values_list("kind", "parameter"))


def test_it_raises_instrument_state_alarms_as_data_is_committed(world, send):
    send(world.point_a, T, {"w01018": (40.0, "D"), "w21003": (2.0, "M"), "w21011": (0.3, "C"),
                            "w21001": (9.0, "B"), "w01001": (14.0, "T")})
    assert _kinds() == [("calibration", "w21011"), ("comm_error", "w21001"), ("fault", "w01018"),
                        ("maintenance", "w21003"), ("over_range", "w01001")]
    fault = Alarm.objects.get(kind="fault")
    assert (fault.start, fault.end, fault.peak, fault.count, fault.status) == (T, T + M10, 40.0, 1, "open")
    assert (fault.enterprise, fault.park, fault.severity) == (world.enterprise_a, world.park, "medium")
    assert Touched.objects.get().evaluated_at is not None


def test_it_extends_an_open_alarm_instead_of_raising_another(world, send):
    send(world.point_a, T, {"w01018": (40.0, "D")})
    send(world.point_a, T + M10, {"w01018": (55.0, "D")})          # the same episode goes on
    alarm = Alarm.objects.get()
    assert (alarm.end, alarm.peak, alarm.count) == (T + 2 * M10, 55.0, 1)
    send(world.point_a, T + 6 * M10, {"w01018": (30.0, "D")})      # a new episode after a normal hour
    alarm.refresh_from_db()
    assert Alarm.objects.count() == 1
    assert (alarm.start, alarm.end, alarm.peak, alarm.count) == (T, T + 7 * M10, 55.0, 2)


def test_it_changes_nothing_when_the_same_data_is_evaluated_again(world, send):
    send(world.point_a, T, {"w01018": (40.0, "D")})
    before = list(Alarm.objects.values_list("id", "start", "end", "peak", "count", "last_detected_at"))
    engine.evaluate(Reading.objects.filter(point=world.point_a))
    assert list(Alarm.objects.values_list("id", "start", "end", "peak", "count", "last_detected_at")) == before


def test_it_judges_the_devices_daily_and_hourly_values_against_the_permit(world, send):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})  # GB 8978: daily mean
    send(world.point_a, at("2026-03-01 00:00"), {"w01018": 120.0}, cn="2031")
    send(world.point_a, at("2026-03-02 09:00"), {"w01018": 150.0}, cn="2061")
    exceedance = Alarm.objects.get(kind="exceedance")
    assert (exceedance.peak, exceedance.limit, exceedance.unit, exceedance.severity) == (120.0, 100.0, "mg/L",
                                                                                          "high")
    assert exceedance.start == at("2026-03-01 00:00") and exceedance.end == at("2026-03-02 00:00")
    assert exceedance.detail["basis"] == "daily_mean" and exceedance.detail["multiple"] == 0.2
    assert Alarm.objects.get(kind="exceedance_warning").peak == 150.0  # an hour above a daily limit


def test_it_does_not_judge_an_invalid_or_equal_value(world, send):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    send(world.point_a, at("2026-03-01 00:00"), {"w01018": (180.0, "M")}, cn="2031")  # maintenance: invalid
    send(world.point_a, at("2026-02-28 00:00"), {"w01018": 100.0}, cn="2031")         # equal complies
    assert _kinds() == [("approaching", "w01018"), ("maintenance", "w01018")]


def test_it_judges_gas_hourly_values(world, send, gas_point):
    send(gas_point, T, {"a21026": 250.0, "a00000": 12.0}, cn="2061")
    assert _kinds(kind="exceedance") == [("exceedance", "a21026")]
    assert Alarm.objects.get(kind="exceedance").detail["basis"] == "hourly_mean"


def test_it_finds_constant_values_across_batches(world, send):
    for i in range(6):
        send(world.point_a, T + M10 * i, {"w01018": 42.5})
        assert Alarm.objects.filter(kind="constant").exists() is (i == 5)  # 60 minutes at the 6th record
    alarm = Alarm.objects.get(kind="constant")
    assert (alarm.start, alarm.end, alarm.peak) == (T, T + 6 * M10, 42.5)
    send(world.point_a, T + M10 * 6, {"w01018": 42.5})
    alarm.refresh_from_db()
    assert (alarm.end, alarm.count) == (T + 7 * M10, 1)


def test_it_reads_the_history_of_a_series_it_has_not_seen(world, send):
    readings(world.point_a, "minute", T, "w01018", [42.5] * 5)   # stored earlier, e.g. by another process
    send(world.point_a, T + 5 * M10, {"w01018": 42.5})
    assert Alarm.objects.get(kind="constant").start == T


def test_it_finds_zeros_negatives_and_drops(world, send):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    send(world.point_a, T, {"w01018": 80.0, "w00000": 5.0})
    send(world.point_a, T + M10, {"w01018": 30.0, "w00000": 5.0})   # 80 → 30: a 62.5 % drop
    send(world.point_a, T + 2 * M10, {"w01018": -2.0, "w00000": 5.0})
    drop = Alarm.objects.get(kind="sudden_drop")
    assert (drop.peak, drop.limit, drop.unit, drop.detail["from"], drop.detail["to"]) == (62.5, 50.0, "%", 80.0, 30.0)
    assert Alarm.objects.get(kind="negative").peak == -2.0
    for i in range(3, 9):
        send(world.point_a, T + i * M10, {"w01018": 0.0, "w00000": 5.0})
    assert Alarm.objects.get(kind="zero").start == T + 3 * M10


def test_it_accepts_zeros_while_the_flow_is_zero(world, send):
    for i in range(8):
        send(world.point_a, T + i * M10, {"w01018": 0.0, "w00000": 0.0})
    assert not Alarm.objects.filter(kind="zero").exists()


def test_it_judges_hours_computed_from_minute_data(world, gas_point):
    # No hourly upload: 6 ten-minute records of SO2 at 240 mg/m³ → a computed hourly mean above 200.
    readings(gas_point, "minute", T, "a21026", [240.0] * 6)
    readings(gas_point, "minute", T, "a00000", [10.0] * 6)
    compute.recompute([gas_point.pk], dt.date(2026, 3, 2), dt.date(2026, 3, 2), tell=True)
    alarm = Alarm.objects.get(kind="exceedance")
    assert (alarm.parameter, alarm.start, alarm.end, alarm.peak) == ("a21026", T, T + dt.timedelta(hours=1), 240.0)


def test_it_flags_mismatches_and_flow_without_concentration(world):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    readings(world.point_a, "minute", T, "w01018", [40.0] * 6)
    readings(world.point_a, "minute", T, "w00000", [5.0] * 6)
    readings(world.point_a, "hour", T, "w01018", [20.0])              # the device says 20, the minutes 40
    readings(world.point_a, "minute", T + dt.timedelta(hours=1), "w00000", [5.0] * 6)  # flow, no COD
    compute.recompute([world.point_a.pk], dt.date(2026, 3, 2), dt.date(2026, 3, 2), tell=True)
    mismatch = Alarm.objects.get(kind="mismatch")
    assert (mismatch.parameter, mismatch.peak, mismatch.limit) == ("w01018", 20.0, None)
    assert mismatch.detail["computed"] == pytest.approx(40.0)
    assert Alarm.objects.get(kind="flow_no_conc").start == T + dt.timedelta(hours=1)


def test_it_evaluates_again_what_was_committed_but_not_evaluated(world):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        process_packets([packet(world.point_a, T, {"w01018": (40.0, "D")})])  # no on-commit callback here
        item = Touched.objects.get()
        assert item.evaluated_at is None and not Alarm.objects.exists()
        assert queue.sweep_unevaluated() == 0  # younger than 30 s: the callback may still come
    with time_machine.travel(at("2026-03-02 09:01"), tick=False):
        assert queue.sweep_unevaluated() == 1
    item.refresh_from_db()
    assert item.evaluated_at is not None and Alarm.objects.get().kind == "fault"


def test_it_leaves_evaluation_to_the_alarm_engine_process_when_configured(world, settings,
                                                                          django_capture_on_commit_callbacks):
    from django.core.management import call_command

    settings.QINGYUAN_QUALITY = {"evaluate_on_commit": False}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        process_packets([packet(world.point_a, T, {"w01018": (40.0, "D")})])
    assert callbacks == [] and not Alarm.objects.exists()  # ingest only stored and queued the batch
    call_command("alarm_engine", "--once", stdout=open("/dev/null", "w"))
    assert Alarm.objects.get().kind == "fault" and Touched.objects.get().evaluated_at is not None
    assert queue.evaluate_pending(older_than=dt.timedelta(0)) == 0  # nothing twice


def test_it_judges_the_minute_data_behind_a_devices_hourly_value(world, gas_point):
    # The device's hourly value says 120 mg/m³; its six minute records say 240: the hour is judged on both.
    readings(gas_point, "minute", T, "a21026", [240.0] * 6)
    readings(gas_point, "hour", T, "a21026", [120.0])
    compute.recompute([gas_point.pk], dt.date(2026, 3, 2), dt.date(2026, 3, 2), tell=True)
    alarm = Alarm.objects.get(kind="exceedance")
    assert (alarm.peak, alarm.detail["judged_on"]) == (240.0, "minute data")
    assert Alarm.objects.filter(kind="mismatch", parameter="a21026").exists()
