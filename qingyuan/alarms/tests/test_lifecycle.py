"""Alarm lifecycle and assignments, pages and API: who does what, who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.alarms import actions, engine, services
from qingyuan.alarms.models import Alarm
from qingyuan.core.models import Attachment, AuditEntry, Notification, TransitionRecord
from qingyuan.monitoring.models import Reading
from qingyuan.quality.tests.support import at, pdf, permit, readings
from qingyuan.tasks.models import Assignment

NOW = at("2026-03-02 10:00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _daily(point, day: str, value: float, flag: str = "N"):
    rows = readings(point, "day", at(f"{day} 00:00"), "w01018", [value], flags=[flag])
    engine.evaluate(rows)
    return Alarm.objects.active().get(point=point, kind="exceedance") if value > 100 and flag == "N" else None


@pytest.fixture
def alarm(world, django_capture_on_commit_callbacks):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    with django_capture_on_commit_callbacks(execute=True):
        return _daily(world.point_a, "2026-03-01", 120.0)


def test_it_opens_an_assignment_to_the_linked_unit_with_the_policy_deadline(world, django_capture_on_commit_callbacks):
    actions.do_set_policy(world.park, acting_user=world.regulator, deadline_days=5)
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    with django_capture_on_commit_callbacks(execute=True):
        alarm = _daily(world.point_a, "2026-03-01", 120.0)
    a = alarm.assignment
    assert a is not None and a.assignee_unit == world.bureau and a.enterprise == world.enterprise_a
    assert a.deadline == dt.date(2026, 3, 7) and a.priority == "urgent"
    assert a.source_label == f"报警 #{alarm.pk}" and a.source_id == str(alarm.pk)
    assert AuditEntry.objects.filter(action="alarm.raise", object_id=str(alarm.pk)).exists()
    told = set(Notification.objects.filter(kind="alarm.raised").values_list("recipient__username", flat=True))
    assert told == {"ent_a"}  # the enterprise hears of the alarm; the unit of its assignment (one notice)
    assert list(Notification.objects.filter(recipient=world.officer).values_list("kind", flat=True)) == [
        "assignment.issued"]


def test_it_sends_enterprise_b_alarms_to_its_own_linked_unit(world):
    permit(world.enterprise_b, world.point_b.outlet, {"w01018": 100.0})
    alarm = _daily(world.point_b, "2026-03-01", 130.0)
    assert alarm.assignment.assignee_unit == world.township_unit


def test_it_does_not_multiply_assignments_for_repeats(world, alarm):
    again = _daily(world.point_a, "2026-02-27", 140.0)  # an earlier day, a separate episode
    assert again.pk == alarm.pk and Alarm.objects.count() == 1
    assert (again.count, again.peak, again.start) == (2, 140.0, at("2026-02-27 00:00"))
    assert Assignment.objects.count() == 1


def test_it_opens_no_assignment_for_kinds_outside_the_policy(world):
    engine.evaluate(readings(world.point_a, "minute", at("2026-03-02 08:00"), "w01018", [40.0], flags=["M"]))
    assert Alarm.objects.get().kind == "maintenance" and not Assignment.objects.exists()


def test_it_takes_an_alarm_through_explanation_verification_and_closing(world, alarm, as_user,
                                                                        django_capture_on_commit_callbacks):
    ent, officer, regulator = as_user(world.ent_a), as_user(world.officer), as_user(world.regulator)
    url = f"/alarms/{alarm.pk}/"
    assert "explain-form" in ent.get(url).content.decode()
    assert ent.post(url + "act/acknowledge/").status_code == 302
    response = ent.post(url + "act/explain/", {"kind": "process", "text": "调节池进水冲击，已加药处理"})
    assert response.status_code == 422 and "没有证据" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = ent.post(url + "act/explain/", {"kind": "process", "text": "调节池进水冲击，已加药处理",
                                                   "files": [pdf("加药记录.pdf")]})
    assert response.status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.explanation_kind, alarm.explained_by_name) == ("explained", "process", "甲企业环保员")
    assert Attachment.objects.get().name == "加药记录.pdf"
    assert Notification.objects.filter(recipient=world.officer, kind="alarm.updated").exists()
    assert ent.post(url + "act/accept/").status_code == 403  # the enterprise cannot screen itself
    assert officer.post(url + "act/accept/", {"reason": "与加药台账一致"}).status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.verdict, alarm.verified_by_name) == ("verified", "accepted", "环保局联络员")
    assert regulator.post(url + "act/close/").status_code == 302
    alarm.refresh_from_db()
    assert alarm.status == "closed" and alarm.closed_at == NOW
    steps = list(TransitionRecord.objects.filter(workflow="alarm").order_by("id").values_list("transition",
                                                                                               "user_name"))
    assert steps == [("acknowledge", "甲企业环保员"), ("explain", "甲企业环保员"), ("accept", "环保局联络员"),
                     ("close", "整治办干部")]
    evidence = Attachment.objects.get()
    assert ent.get(f"{url}evidence/{evidence.pk}/").status_code == 200


def test_it_raises_a_new_alarm_after_the_old_one_is_closed(world, alarm):
    Alarm.objects.filter(pk=alarm.pk).update(status="closed")
    fresh = _daily(world.point_a, "2026-03-02", 125.0)
    assert fresh.pk != alarm.pk
    # the next day is the same episode: the open assignment lists the new alarm too
    assert Assignment.objects.count() == 1 and fresh.assignment == alarm.assignment


def test_it_opens_a_new_assignment_for_a_new_alarm_once_the_old_one_is_closed(world, alarm):
    Alarm.objects.filter(pk=alarm.pk).update(status="closed")
    Assignment.objects.filter(pk=alarm.assignment_id).update(status="completed")
    fresh = _daily(world.point_a, "2026-03-02", 125.0)
    assert fresh.pk != alarm.pk and Assignment.objects.count() == 2 and fresh.assignment != alarm.assignment


@pytest.mark.parametrize(("name", "data", "status", "verdict"), [
    ("reject", {"reason": "与在线数据不符"}, "verified", "rejected"),
    ("refer", {"reason": "涉嫌篡改监测数据"}, "verified", "referred"),
    ("send_back", {"reason": "请补充维护记录"}, "acknowledged", ""),
])
def test_it_records_each_screening_outcome(world, alarm, as_user, name, data, status, verdict):
    actions.do_explain(alarm, acting_user=world.ent_a, kind="other", text="说明", files=[pdf()])
    assert as_user(world.regulator).post(f"/alarms/{alarm.pk}/act/{name}/", {}).status_code == 400  # no reason
    assert as_user(world.regulator).post(f"/alarms/{alarm.pk}/act/{name}/", data).status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.verdict) == (status, verdict)


def test_it_lets_the_regulator_dismiss_a_false_alarm(world, alarm, as_user):
    assert as_user(world.ent_a).post(f"/alarms/{alarm.pk}/act/dismiss/", {"reason": "x"}).status_code == 403
    assert as_user(world.regulator).post(f"/alarms/{alarm.pk}/act/dismiss/", {"reason": "校准数据"}).status_code == 302
    alarm.refresh_from_db()
    assert alarm.status == "closed"


def test_it_hides_other_enterprises_alarms(world, alarm, as_user):
    actions.do_explain(alarm, acting_user=world.ent_a, kind="other", text="说明", files=[pdf()])
    evidence = Attachment.objects.get()
    b = as_user(world.ent_b)
    for url in (f"/alarms/{alarm.pk}/", f"/alarms/{alarm.pk}/evidence/{evidence.pk}/", f"/api/v1/alarms/{alarm.pk}"):
        assert b.get(url).status_code == 404, url
    assert b.post(f"/alarms/{alarm.pk}/act/acknowledge/").status_code == 404
    assert b.get("/api/v1/alarms").json()["count"] == 0
    assert f'data-alarm="{alarm.pk}"' not in b.get("/alarms/").content.decode()
    assert as_user(world.outsider).get(f"/alarms/{alarm.pk}/").status_code == 404
    assert as_user(world.ent_a).get("/api/v1/alarms").json()["results"][0]["id"] == alarm.pk
    assert as_user(world.inspector).get(f"/api/v1/alarms/{alarm.pk}").json()["kind"] == "exceedance"
    assert as_user(None).get("/api/v1/alarms").status_code == 401


def test_it_keeps_the_board_queries_flat(world, alarm, as_user):
    client = as_user(world.regulator)
    client.get("/alarms/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/alarms/").status_code == 200
    for code in ("w21003", "w21011", "w21001", "w01001"):
        engine.evaluate(readings(world.point_b, "minute", at("2026-03-02 08:00"), code, [1.0], flags=["D"]))
    assert Alarm.objects.count() == 5
    with CaptureQueriesContext(connection) as many:
        body = client.get("/alarms/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert body.count("data-alarm=") == 5


def test_it_filters_the_board_and_the_api(world, alarm, as_user):
    engine.evaluate(readings(world.point_b, "minute", at("2026-03-02 08:00"), "w21003", [1.0], flags=["D"]))
    client = as_user(world.regulator)
    body = client.get("/alarms/", {"kind": "fault"}).content.decode()
    assert body.count("data-alarm=") == 1 and 'data-kind="fault"' in body
    assert client.get("/api/v1/alarms", {"enterprise": world.enterprise_a.pk}).json()["count"] == 1
    assert client.get("/api/v1/alarms", {"severity": "high"}).json()["results"][0]["id"] == alarm.pk
    assert client.get("/api/v1/alarms", {"status": "closed"}).json()["count"] == 0


def test_it_lists_alarms_as_work(world, alarm):
    assert [i.action_label for i in services.work_items(world.ent_a)] == ["解释报警"]
    assert services.work_items(world.ent_b) == []
    actions.do_explain(alarm, acting_user=world.ent_a, kind="other", text="说明", files=[pdf()])
    assert [i.url for i in services.work_items(world.officer)] == [alarm.get_absolute_url()]
    assert services.work_items(world.ent_a) == []


def test_it_evaluates_stored_readings_idempotently(world, alarm):
    engine.evaluate(Reading.objects.all())
    alarm.refresh_from_db()
    assert alarm.count == 1 and Alarm.objects.count() == 1
