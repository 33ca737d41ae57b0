"""Missing data and offline devices, on a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qingyuan.alarms import engine
from qingyuan.alarms.models import Alarm
from qingyuan.monitoring.models import DeviceState
from qingyuan.quality import actions
from qingyuan.quality.tests.support import at, pdf, readings

T = at("2026-03-02 08:00")


@pytest.fixture
def device(world):
    """Point A sent its 08:00–08:10 record at 08:10 and has said nothing since."""
    readings(world.point_a, "minute", T, "w01018", [40.0])
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=T + dt.timedelta(minutes=10),
                               last_data_time=T)
    return world.point_a


def _check(when: str) -> list[tuple[str, dt.datetime, dt.datetime]]:
    with time_machine.travel(at(when), tick=False):
        engine.check_devices()
    return sorted(Alarm.objects.values_list("kind", "start", "end"))


def test_it_waits_for_the_next_record_and_its_grace(device):
    assert _check("2026-03-02 08:22") == []  # 08:10 record due at 08:20, plus 2 minutes of grace


def test_it_raises_missing_data_once_a_record_is_overdue(device):
    assert _check("2026-03-02 08:23") == [("missing", T + dt.timedelta(minutes=10), at("2026-03-02 08:23"))]
    assert _check("2026-03-02 09:00") == [("missing", T + dt.timedelta(minutes=10), at("2026-03-02 09:00"))]
    alarm = Alarm.objects.get()
    assert (alarm.parameter, alarm.count, alarm.unit, alarm.peak) == ("", 1, "min", 50.0)


def test_it_raises_offline_after_two_hours_of_silence(device):
    assert [k for k, *_ in _check("2026-03-02 10:10")] == ["missing"]  # exactly 2 h since the last packet
    kinds = _check("2026-03-02 10:11")
    assert [k for k, *_ in kinds] == ["missing", "offline"]
    offline = Alarm.objects.get(kind="offline")
    assert (offline.start, offline.end, offline.peak, offline.limit) == (T + dt.timedelta(minutes=10),
                                                                         at("2026-03-02 10:11"), 2.02, 2.0)


def test_it_stops_extending_once_data_resume(device):
    _check("2026-03-02 08:30")
    readings(device, "minute", T + dt.timedelta(minutes=10), "w01018", [41.0, 42.0, 43.0])  # backfilled
    DeviceState.objects.filter(point=device).update(last_seen=at("2026-03-02 08:41"))
    assert _check("2026-03-02 08:45") == [("missing", T + dt.timedelta(minutes=10), at("2026-03-02 08:30"))]


def test_it_counts_a_new_gap_as_another_occurrence(device):
    _check("2026-03-02 08:30")
    readings(device, "minute", T + dt.timedelta(minutes=10), "w01018", [41.0, 42.0, 43.0, 44.0])
    _check("2026-03-02 09:20")  # the 08:40 record came; 08:50 was due at 09:00: a second gap
    alarm = Alarm.objects.get()
    assert (alarm.count, alarm.end) == (2, at("2026-03-02 09:20"))


def test_it_is_silent_while_a_stop_is_declared(device, world):
    with time_machine.travel(at("2026-03-02 08:15"), tick=False):
        declaration = actions.do_submit_declaration(
            world.enterprise_a, acting_user=world.ent_a, start=at("2026-03-02 08:10"), end=at("2026-03-02 20:00"),
            reason="停产检修", files=[pdf()])
        actions.do_approve_declaration(declaration, acting_user=world.regulator)
    assert _check("2026-03-02 12:00") == []
    assert [k for k, *_ in _check("2026-03-02 20:05")] == ["missing", "offline"]


def test_it_ignores_points_that_never_connected(world):
    assert _check("2026-03-02 12:00") == []
