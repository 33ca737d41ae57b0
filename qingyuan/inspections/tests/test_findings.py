"""A patrol finding becomes an assignment to the right unit (through qingyuan.tasks), with the finding as source."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from qingyuan.core.models import AuditEntry, Notification, TransitionRecord
from qingyuan.inspections import actions
from qingyuan.inspections.models import Finding
from qingyuan.inspections.tests.helpers import record
from qingyuan.tasks.models import Assignment
from qingyuan.tasks.services import work_items as tasks_work_items
from qingyuan.test import make_enterprise

FOUND = [{"text": "危废露天堆放，未入库。", "severity": "serious", "checklist_item": "hazardous_waste"}]


@pytest.fixture
def finding(world):
    return record(world, findings=FOUND).findings.get()


def assign(client, finding, unit, deadline=None):
    deadline = deadline or timezone.localdate() + dt.timedelta(days=15)
    return client.post(f"/inspections/findings/{finding.pk}/assign/",
                       {f"f{finding.pk}-unit": unit.pk, f"f{finding.pk}-deadline": deadline.isoformat()})


def test_it_turns_a_finding_into_an_assignment_to_the_linked_unit(world, finding, as_user,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = assign(as_user(world.inspector), finding, world.bureau)
    assert response.status_code == 302 and response["Location"] == f"/inspections/{finding.patrol_id}/#finding-{finding.pk}"
    a = Assignment.objects.get()
    assert a.assignee_unit == world.bureau and a.enterprise == world.enterprise_a and a.park == world.park
    assert a.source_type == ContentType.objects.get_for_model(Finding) and a.source_id == str(finding.pk)
    assert a.source_url() == f"/inspections/{finding.patrol_id}/#finding-{finding.pk}"
    assert a.priority == "urgent" and "危废露天堆放" in a.requirements and a.issuer_unit == world.office
    finding.refresh_from_db()
    assert finding.status == "assigned" and finding.assignment == a
    record_ = TransitionRecord.objects.get(workflow="patrol_finding")
    assert record_.user == world.inspector and record_.data["assignment_id"] == a.pk
    assert AuditEntry.objects.get(action="patrol_finding.assign").user == world.inspector
    issue = AuditEntry.objects.get(action="assignment.issue")
    assert issue.related_id == str(finding.pk)
    assert Notification.objects.filter(recipient=world.officer, kind="assignment.issued").exists()
    # The unit's work list: qingyuan.tasks reports it to "my work".
    assert [i.url for i in tasks_work_items(world.officer)] == [a.get_absolute_url()]
    assert tasks_work_items(world.township) == []
    assert a.subject in as_user(world.officer).get("/work/").content.decode()


def test_it_lets_the_inspector_choose_another_unit(world, finding, as_user):
    assign(as_user(world.inspector), finding, world.township_unit)
    assert Assignment.objects.get().assignee_unit == world.township_unit


def test_it_issues_in_the_office_users_own_name(world, finding, as_user):
    assign(as_user(world.regulator), finding, world.bureau)
    a = Assignment.objects.get()
    assert a.issued_by == world.regulator


def test_it_refuses_a_second_assignment_for_the_same_finding(world, finding, as_user):
    client = as_user(world.inspector)
    assign(client, finding, world.bureau)
    response = assign(client, finding, world.township_unit)
    assert response.status_code == 302
    assert Assignment.objects.count() == 1
    assert "当前状态为“已交办”，不能执行“生成交办单”" in client.get(response["Location"]).content.decode()


def test_it_refuses_assigning_to_the_office_and_writes_nothing(world, finding, as_user):
    response = assign(as_user(world.inspector), finding, world.office)
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    finding.refresh_from_db()
    assert finding.status == "open"


def test_it_asks_for_a_unit_when_the_enterprise_has_none(world):
    loose = make_enterprise(world.park, "戊化工有限公司", 30)
    f = record(world, loose, findings=FOUND).findings.get()
    with pytest.raises(ValidationError) as caught:
        actions.do_assign_finding(f, acting_user=world.inspector)
    assert "unit" in caught.value.message_dict
    assert not Assignment.objects.exists()


def test_it_lets_only_the_patrols_inspectors_and_the_office_decide(world, finding, as_user):
    assert assign(as_user(world.supervisor), finding, world.bureau).status_code == 403
    assert assign(as_user(world.ent_a), finding, world.bureau).status_code == 403
    assert assign(as_user(world.officer), finding, world.bureau).status_code == 403
    for user in (world.township, world.ent_b, world.outsider):
        assert assign(as_user(user), finding, world.bureau).status_code == 404
    assert not Assignment.objects.exists()


def test_it_closes_a_finding_with_a_reason(world, finding, as_user):
    client = as_user(world.inspector)
    assert client.post(f"/inspections/findings/{finding.pk}/close/", {"reason": ""}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "open"
    client.post(f"/inspections/findings/{finding.pk}/close/", {"reason": "现场已整改完毕。"})
    finding.refresh_from_db()
    assert finding.status == "closed"
    assert TransitionRecord.objects.get(workflow="patrol_finding").reason == "现场已整改完毕。"
    assert client.post(f"/inspections/findings/{finding.pk}/reopen/", {"reason": "复查"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "closed"  # only the office reopens
    as_user(world.regulator).post(f"/inspections/findings/{finding.pk}/reopen/", {"reason": "复查发现仍未整改"})
    finding.refresh_from_db()
    assert finding.status == "open"
    assert client.post(f"/inspections/findings/{finding.pk}/delete/", {"reason": "x"}).status_code == 404
