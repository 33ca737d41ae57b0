"""Alarm episodes: alarms of one enterprise close together in time make one assignment and one notice to the unit."""

from __future__ import annotations

import pytest
import time_machine

from qingyuan.alarms import actions, engine
from qingyuan.alarms.models import Alarm, AlarmEpisode
from qingyuan.core.models import AuditEntry, Notification
from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.quality.tests.support import at, permit, readings
from qingyuan.tasks import actions as tasks
from qingyuan.tasks.models import Assignment

NOW = at("2026-03-02 10:00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def two_points(world):
    outlet = Outlet.objects.create(enterprise=world.enterprise_a, medium="water", code="DW002", name="雨水排口")
    second = MonitoringPoint.objects.create(park=world.park, outlet=outlet, name="甲化工雨水排口",
                                            mn="AAAA0000000000000000000B", password="123456", st="32")
    limits = {"w01018": 100.0, "w21003": 15.0}
    p = permit(world.enterprise_a, world.point_a.outlet, limits)  # one permit in force names both outlets
    for limit in list(p.limits.all()):
        limit.pk, limit.outlet = None, outlet
        limit.save()
    return world.point_a, second


def _exceed(point, day: str, code: str, value: float) -> Alarm:
    engine.evaluate(readings(point, "day", at(f"{day} 00:00"), code, [value]))
    return Alarm.objects.active().get(point=point, parameter=code, kind="exceedance")


def test_it_lists_three_alarms_of_one_episode_on_one_assignment_and_tells_the_unit_once(
        world, two_points, django_capture_on_commit_callbacks):
    first, second = two_points
    with django_capture_on_commit_callbacks(execute=True):
        cod = _exceed(first, "2026-03-01", "w01018", 130.0)
        nh3 = _exceed(first, "2026-03-01", "w21003", 20.0)
        other = _exceed(second, "2026-03-01", "w01018", 150.0)
    alarms = [cod, nh3, other]
    assert len({(a.point_id, a.parameter) for a in alarms}) == 3
    assignment = Assignment.objects.get()
    assert {a.assignment_id for a in Alarm.objects.all()} == {assignment.pk}
    assert assignment.assignee_unit == world.bureau and assignment.enterprise == world.enterprise_a
    for a in alarms:
        assert f"#{a.pk} " in assignment.requirements
    assert "甲化工雨水排口" in assignment.requirements and "甲化工有限公司总排口" in assignment.requirements
    assert AlarmEpisode.objects.count() == 1 and {a.episode_id for a in Alarm.objects.all()} == {
        AlarmEpisode.objects.get().pk}
    amended = AuditEntry.objects.filter(action="assignment.amend", object_id=str(assignment.pk))
    assert sorted(int(e.related_id) for e in amended) == [nh3.pk, other.pk]
    assert all("requirements" in e.after for e in amended)
    # the unit: one notification for the episode (its assignment); the enterprise: one per alarm to explain
    assert list(Notification.objects.filter(recipient=world.officer).values_list("kind", flat=True)) == [
        "assignment.issued"]
    assert Notification.objects.filter(recipient=world.ent_a, kind="alarm.raised").count() == 3


def test_it_opens_a_second_assignment_once_the_episodes_assignment_is_closed(
        world, two_points, django_capture_on_commit_callbacks):
    first, second = two_points
    with django_capture_on_commit_callbacks(execute=True):
        cod = _exceed(first, "2026-03-01", "w01018", 130.0)
        _exceed(second, "2026-03-01", "w01018", 150.0)
    tasks.do_withdraw_assignment(cod.assignment, acting_user=world.regulator, reason="已现场核查处理")
    with django_capture_on_commit_callbacks(execute=True):
        later = _exceed(second, "2026-03-01", "w21003", 20.0)
    assert Assignment.objects.count() == 2
    assert later.assignment is not None and later.assignment != cod.assignment and later.assignment.is_open
    assert f"#{later.pk} " in later.assignment.requirements and f"#{cod.pk} " not in later.assignment.requirements
    assert AlarmEpisode.objects.count() == 2
    assert Notification.objects.filter(recipient=world.officer, kind="assignment.issued").count() == 2


def test_it_starts_a_new_episode_after_a_gap_longer_than_the_policy(world, two_points):
    first, second = two_points
    early = _exceed(first, "2026-02-25", "w01018", 130.0)  # ends 02-26 00:00
    within = _exceed(second, "2026-02-26", "w01018", 130.0)  # starts at the end: same episode
    late = _exceed(second, "2026-02-28", "w21003", 20.0)  # 24 h after the last end (02-27 00:00): joins
    assert early.assignment == within.assignment == late.assignment
    actions.do_set_policy(world.park, acting_user=world.regulator, episode_gap_hours=12)
    engine.reset()  # the engine caches the policy with the point's context
    after_gap = _exceed(first, "2026-03-02", "w21003", 20.0)  # 24 h after the last end (03-01), gap now 12 h
    assert after_gap.assignment not in (None, early.assignment) and Assignment.objects.count() == 2


def test_it_keeps_low_severity_notes_out_of_episodes(world):
    engine.evaluate(readings(world.point_a, "minute", at("2026-03-02 08:00"), "w01018", [40.0], flags=["M"]))
    alarm = Alarm.objects.get()
    assert alarm.kind == "maintenance" and alarm.episode is None and not AlarmEpisode.objects.exists()
