"""The alarm engine's back-link from an alarm (and its episode) to the assignment handling it is audited."""

from __future__ import annotations

import pytest
import time_machine

from qingyuan.alarms import engine
from qingyuan.alarms.models import Alarm, AlarmEpisode
from qingyuan.core.models import AuditEntry
from qingyuan.quality.tests.support import at, permit, readings
from qingyuan.tasks.models import Assignment

NOW = at("2026-03-02 10:00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_audits_each_alarm_and_the_episode_pointing_at_the_assignment(world):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0, "w21003": 15.0})
    engine.evaluate(readings(world.point_a, "day", at("2026-03-01 00:00"), "w01018", [130.0]))
    engine.evaluate(readings(world.point_a, "day", at("2026-03-01 00:00"), "w21003", [20.0]))

    assignment = Assignment.objects.get()
    alarms = list(Alarm.objects.order_by("id"))
    episode = AlarmEpisode.objects.get()
    links = AuditEntry.objects.filter(action="alarm.link_assignment").order_by("id")
    assert [e.object_id for e in links] == [str(a.pk) for a in alarms] and len(alarms) == 2
    ep = AuditEntry.objects.get(action="alarmepisode.link_assignment")
    assert ep.object_id == str(episode.pk)
    for entry in [*links, ep]:
        assert (entry.related_id, entry.user, entry.user_name) == (str(assignment.pk), None, "")
        assert (entry.before, entry.after) == ({"assignment_id": None}, {"assignment_id": assignment.pk})
