"""Supervision checks (督查): plan, record findings with ratings, complete, spawn follow-up assignments."""

import pytest

from qingyuan.core.models import AuditEntry, Notification, TransitionRecord
from qingyuan.tasks.models import Assignment, Finding, SupervisionCheck
from qingyuan.tasks.tests.conftest import issue


@pytest.fixture
def planned(world, as_user):
    scope = issue(world, subject="督查范围内的交办单")
    response = as_user(world.regulator).post("/tasks/checks/new/", {
        "park": world.park.pk, "title": "第一季度督查", "planned_on": "2026-03-15",
        "units": [world.bureau.pk, world.township_unit.pk], "assignments": [scope.pk]})
    sc = SupervisionCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/checks/{sc.pk}/"
    return sc, scope


def test_it_plans_a_check(world, planned):
    sc, scope = planned
    assert sc.status == "planned" and sc.created_by == world.regulator
    assert set(sc.units.all()) == {world.bureau, world.township_unit} and list(sc.assignments.all()) == [scope]
    assert AuditEntry.objects.get(action="supervision_check.plan").after["assignments"] == [scope.pk]


def test_it_records_findings_and_completes(world, as_user, planned, django_capture_on_commit_callbacks):
    sc, scope = planned
    client = as_user(world.regulator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tasks/checks/{sc.pk}/findings/", {"assignment": scope.pk, "unit": "",
                                                                    "text": "进度滞后", "rating": "poor"})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.unit, finding.rating, finding.assignment) == (world.bureau, "poor", scope)
    assert Notification.objects.filter(recipient=world.officer, kind="supervision.finding").exists()
    assert AuditEntry.objects.filter(action="supervision_check.finding", related_id=str(sc.pk)).exists()
    bad = client.post(f"/tasks/checks/{sc.pk}/findings/", {"assignment": "", "unit": "", "text": "x", "rating": "good"})
    assert bad.status_code == 400 and "请指明督查发现涉及的单位或交办单" in bad.content.decode()
    response = client.post(f"/tasks/checks/{sc.pk}/complete/", {"overall_rating": "needs_improvement",
                                                                "summary": "总体有序"})
    sc.refresh_from_db()
    assert response.status_code == 302 and sc.status == "completed" and sc.overall_rating == "needs_improvement"
    assert TransitionRecord.objects.get(workflow="supervision_check").to_state == "completed"
    late = client.post(f"/tasks/checks/{sc.pk}/findings/", {"unit": world.bureau.pk, "text": "补记", "rating": "good"},
                       follow=True)
    assert "只有计划中的督查才能记录督查发现" in late.content.decode() and Finding.objects.count() == 1


def test_a_finding_spawns_an_assignment_in_one_click(world, as_user, planned, django_capture_on_commit_callbacks):
    sc, scope = planned
    client = as_user(world.regulator)
    client.post(f"/tasks/checks/{sc.pk}/findings/", {"assignment": scope.pk, "text": "设备未进场", "rating": "poor"})
    finding = Finding.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tasks/findings/{finding.pk}/spawn/")
    spawned = Assignment.objects.exclude(pk=scope.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{spawned.pk}/"
    assert spawned.source_type.model == "finding" and spawned.source_id == str(finding.pk)
    assert spawned.source_label == "督查“第一季度督查”" and spawned.subject == "督查整改：设备未进场"
    assert (spawned.assignee_unit, spawned.priority, spawned.enterprise) == (world.bureau, "urgent", scope.enterprise)
    finding.refresh_from_db()
    assert finding.spawned == spawned
    assert Notification.objects.filter(recipient=world.officer, kind="assignment.issued").exists()
    page = as_user(world.officer).get(f"/tasks/{spawned.pk}/").content.decode()
    assert f'href="/tasks/checks/{sc.pk}/"' in page
    again = client.post(f"/tasks/findings/{finding.pk}/spawn/", follow=True)
    assert "该督查发现已生成整改交办单" in again.content.decode() and Assignment.objects.count() == 2


def test_who_sees_and_changes_checks(world, as_user, planned):
    sc, _scope = planned
    for persona in ("regulator", "leader", "supervisor", "inspector", "officer", "township"):
        assert as_user(getattr(world, persona)).get(f"/tasks/checks/{sc.pk}/").status_code == 200, persona
    for persona in ("ent_a", "outsider"):
        assert as_user(getattr(world, persona)).get(f"/tasks/checks/{sc.pk}/").status_code == 404, persona
    for persona in ("supervisor", "officer"):
        client = as_user(getattr(world, persona))
        assert client.post(f"/tasks/checks/{sc.pk}/findings/", {"unit": world.bureau.pk, "text": "x",
                                                                "rating": "good"}).status_code == 403
        assert client.post(f"/tasks/checks/{sc.pk}/complete/", {"overall_rating": "good"}).status_code == 403
    assert not Finding.objects.exists() and SupervisionCheck.objects.get().status == "planned"
    assert "第一季度督查" in as_user(world.supervisor).get("/tasks/checks/").content.decode()


def test_a_check_can_be_cancelled_with_a_reason(world, as_user, planned):
    sc, _scope = planned
    client = as_user(world.regulator)
    refused = client.post(f"/tasks/checks/{sc.pk}/cancel/", {"reason": ""}, follow=True)
    assert "必须填写原因" in refused.content.decode() and SupervisionCheck.objects.get().status == "planned"
    client.post(f"/tasks/checks/{sc.pk}/cancel/", {"reason": "汛期改期"})
    sc.refresh_from_db()
    assert sc.status == "cancelled"
    assert TransitionRecord.objects.get(workflow="supervision_check").reason == "汛期改期"
    assert as_user(world.supervisor).post(f"/tasks/checks/{sc.pk}/cancel/", {"reason": "x"}).status_code == 403
