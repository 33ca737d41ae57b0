"""Calibrations and comparisons: out-of-control periods invalidate the hours between (hand-counted)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qingyuan.core.models import AuditEntry
from qingyuan.quality import actions, calibration, compute, pending
from qingyuan.quality.choices import CalibrationKind
from qingyuan.quality.models import Calibration, DailyValue, HourlyValue, PendingPeriod

from .support import at, readings

DAY = dt.date(2026, 3, 2)


def _drain():
    while pending.process_due():
        pass


def _record(world, when, passed, **kw):
    return actions.do_record_calibration(world.point_a, acting_user=world.regulator, kind=CalibrationKind.SPAN,
                                         at=at(when), passed=passed, **kw)


def test_it_opens_a_window_at_a_failed_check_and_closes_it_at_the_next_pass():
    """HJ 75-2017 / HJ 355-2019: out of control from the failed check until the next passing one."""
    checks = [(at("2026-03-02 16:00"), "", True), (at("2026-03-02 10:00"), "w01018", False),
              (at("2026-03-02 12:00"), "", False), (at("2026-03-03 09:00"), "w01018", True)]
    assert calibration.windows(checks, "w01018") == [(at("2026-03-02 10:00"), at("2026-03-02 16:00"))]
    # A check of all parameters covers ammonia too; it stays out of control until its own pass.
    assert calibration.windows(checks, "w21003") == [(at("2026-03-02 12:00"), at("2026-03-02 16:00"))]
    assert calibration.windows([(at("2026-03-02 10:00"), "", False)], "w01018") == [(at("2026-03-02 10:00"), None)]


def test_it_invalidates_exactly_the_hours_between_a_failed_and_a_passing_calibration(world):
    """HJ 75-2017, HJ 355-2019 / HJ 356-2019: a failed calibration at 10:00 and a passing one at 16:00 make the
    hours 10:00–15:00 invalid (6 hours); 09:00 and 16:00 stay valid. The water day then has 18 valid hours of
    24, fewer than 20, so the day is invalid too."""
    readings(world.point_a, "hour", at("2026-03-02 00:00"), "w01018", [40.0] * 24)
    with time_machine.travel(at("2026-03-03 09:00"), tick=False):
        _record(world, "2026-03-02 10:00", False, parameter="w01018")
        _record(world, "2026-03-02 16:00", True, parameter="w01018")
        compute.recompute([world.point_a.pk], DAY, DAY)
    invalid = sorted(h.start for h in HourlyValue.objects.filter(point=world.point_a, parameter="w01018",
                                                                 valid=False))
    assert invalid == [at(f"2026-03-02 {h:02d}:00") for h in range(10, 16)]
    day = DailyValue.objects.get(point=world.point_a, parameter="w01018")
    assert (day.n_valid, day.valid) == (18, False)


def test_it_recomputes_the_day_when_a_check_is_entered_late(world):
    """HJ 75-2017, HJ 355-2019: the day was computed valid (24 hours); a failed check at 10:00 and a passing
    one at 16:00, entered the next morning, put the hours between out of control and the day is computed
    again: 18 valid hours, invalid. The records are audited."""
    readings(world.point_a, "hour", at("2026-03-02 00:00"), "w01018", [40.0] * 24)
    compute.recompute([world.point_a.pk], DAY, DAY)
    assert DailyValue.objects.get(point=world.point_a, parameter="w01018").valid is True
    with time_machine.travel(at("2026-03-03 09:00"), tick=False):
        failed = _record(world, "2026-03-02 10:00", False)
        assert PendingPeriod.objects.filter(point=world.point_a, period="hour").count() == 23  # 10:00 → 08:00
        _record(world, "2026-03-02 16:00", True)
        _drain()
    day = DailyValue.objects.get(point=world.point_a, parameter="w01018")
    assert (day.n_valid, day.valid) == (18, False)
    assert HourlyValue.objects.get(point=world.point_a, parameter="w01018", start=at("2026-03-02 15:00")).valid is False
    assert HourlyValue.objects.get(point=world.point_a, parameter="w01018", start=at("2026-03-02 16:00")).valid is True
    entry = AuditEntry.objects.get(action="calibration.record", object_id=str(failed.pk))
    assert entry.after["passed"] is False


def test_it_refuses_a_check_in_the_future_and_records_nothing(world):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False), pytest.raises(Exception) as exc:
        _record(world, "2026-03-02 10:00", False)
    assert "at" in exc.value.message_dict  # type: ignore[attr-defined]
    assert not Calibration.objects.exists()


def test_it_shows_the_reason_on_the_points_check_page(world, as_user):
    readings(world.point_a, "hour", at("2026-03-02 00:00"), "w01018", [40.0] * 24)
    with time_machine.travel(at("2026-03-03 09:00"), tick=False):
        _record(world, "2026-03-02 10:00", False)
        _record(world, "2026-03-02 16:00", True)
        compute.recompute([world.point_a.pk], DAY, DAY)
        response = as_user(world.regulator).get(f"/quality/points/{world.point_a.pk}/checks/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "2026-03-02 10:00" in text and "2026-03-02 15:00" in text and "2026-03-02 16:00" in text
    assert text.count('<td class="text-nowrap">2026-03-02 1') >= 6  # the six invalid hours are listed


def test_it_lets_the_enterprise_record_a_check_by_the_form_and_hides_the_point_from_others(world, as_user):
    url = f"/quality/points/{world.point_a.pk}/checks/new/"
    with time_machine.travel(at("2026-03-03 09:00"), tick=False):
        bad = as_user(world.ent_a).post(url, {"kind": "span", "at": "2026-03-04T10:00", "passed": "0"})
        assert bad.status_code == 422 and not Calibration.objects.exists()
        assert as_user(world.ent_b).post(url, {"kind": "span", "at": "2026-03-02T10:00", "passed": "0"}
                                         ).status_code == 404
        assert as_user(world.ent_b).get(f"/quality/points/{world.point_a.pk}/checks/").status_code == 404
        assert as_user(world.ent_b).get(url).status_code == 404  # no redirect that would confirm the point
        ok = as_user(world.ent_a).post(url, {"kind": "comparison", "at": "2026-03-02T10:00", "passed": "0",
                                             "parameter": ""})
    assert ok.status_code == 302
    check = Calibration.objects.get()
    assert (check.kind, check.passed, check.parameter, check.recorded_by) == ("comparison", False, "", world.ent_a)
