"""Each action through its page: the response, then the database, then the audit entry and notifications."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.core import attachments
from qingyuan.core.models import AuditEntry, Notification, TransitionRecord
from qingyuan.tasks.models import Assignment, EscalationEvent, ExtensionRequest, ProgressReport
from qingyuan.tasks.services import timeline
from qingyuan.tasks.tests.conftest import in_state, issue, png

TODAY = timezone.localdate


def kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_issues_an_assignment_with_a_number_and_attachments(world, as_user, django_capture_on_commit_callbacks):
    deadline = TODAY() + dt.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.regulator).post("/tasks/new/", {
            "park": world.park.pk, "assignee_unit": world.bureau.pk, "enterprise": world.enterprise_a.pk,
            "subject": "甲化工VOCs治理", "requirements": "完成RTO安装", "deadline": deadline.isoformat(),
            "priority": "urgent", "files": [png("交办通知.png")]})
    a = Assignment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{a.pk}/"
    assert a.number == f"交办〔{TODAY().year}〕1号" and a.status == "issued" and a.priority == "urgent"
    assert (a.assignee_unit, a.enterprise, a.issuer_unit, a.issued_by) == (
        world.bureau, world.enterprise_a, world.office, world.regulator)
    assert a.deadline == a.original_deadline == deadline and a.escalation_level == 0
    assert timezone.localtime(a.next_escalation_at).date() == deadline - dt.timedelta(days=3)
    assert [x.name for x in attachments.for_owner(a)] == ["交办通知.png"]
    entry = AuditEntry.objects.get(action="assignment.issue")
    assert entry.user == world.regulator and entry.after["number"] == a.number
    assert kinds(world.officer) == ["assignment.issued"]
    assert Notification.objects.get(recipient=world.officer).url == f"/tasks/{a.pk}/"
    assert not kinds(world.township) and not kinds(world.regulator)


def test_it_numbers_per_park_and_year(world):
    first, second = issue(world), issue(world)
    assert (first.serial, second.serial) == (1, 2)
    assert second.number == f"交办〔{TODAY().year}〕2号"
    old = issue(world, issued_on=dt.date(TODAY().year - 1, 12, 30), deadline=TODAY())
    assert old.number == f"交办〔{TODAY().year - 1}〕1号"


def test_it_lets_other_apps_issue_as_the_system_with_a_source(world, django_capture_on_commit_callbacks):
    from qingyuan.tasks.actions import do_issue_assignment

    with django_capture_on_commit_callbacks(execute=True):
        a = do_issue_assignment(park=world.park, assignee_unit=world.bureau, subject="COD超标报警处置",
                                requirements="核查超标原因", deadline=TODAY() + dt.timedelta(days=2),
                                acting_user=None, source=world.point_a)
    assert a.issued_by is None and a.issuer_unit == world.office
    assert a.source_type.model == "monitoringpoint" and a.source_id == str(world.point_a.pk)
    assert a.source_label == str(world.point_a)
    assert AuditEntry.objects.get(action="assignment.issue").user_name == ""
    assert kinds(world.officer) == ["assignment.issued"]


def test_it_signs_and_notifies_the_office(world, as_user, django_capture_on_commit_callbacks):
    a = issue(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.officer).post(f"/tasks/{a.pk}/do/sign/", {"reason": "已安排专人"})
    assert response.status_code == 302
    assert messages_of(response) == ["已完成“签收”，当前状态：办理中。"]
    a.refresh_from_db()
    assert a.status == "in_progress" and a.signed_at is not None
    assert TransitionRecord.objects.get(transition="sign").user == world.officer
    assert AuditEntry.objects.filter(action="assignment.sign", user=world.officer).exists()
    assert "assignment.signed" in kinds(world.regulator)


def test_it_records_progress_with_attachments(world, as_user, django_capture_on_commit_callbacks):
    a = in_state(world, "in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.officer).post(f"/tasks/{a.pk}/do/report_progress/", {
            "percent": 40, "text": "设备进场", "files": [png("a.png"), png("b.png")]})
    assert response.status_code == 302
    a.refresh_from_db()
    report = ProgressReport.objects.get()
    assert (a.progress, report.percent, report.text, report.kind) == (40, 40, "设备进场", "progress")
    assert sorted(x.name for x in attachments.for_owner(report)) == ["a.png", "b.png"]
    entry = AuditEntry.objects.get(action="assignment.progress")
    assert entry.before == {"progress": 0} and entry.after["progress"] == 40 and entry.related_id == str(a.pk)
    assert TransitionRecord.objects.get(transition="report_progress").data["percent"] == 40
    assert "assignment.progress" in kinds(world.regulator)


def test_it_moves_the_deadline_when_an_extension_is_approved(world, as_user, django_capture_on_commit_callbacks):
    a = in_state(world, "in_progress", days=2)
    Assignment.objects.filter(pk=a.pk).update(escalation_level=1)
    new = a.deadline + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.officer).post(f"/tasks/{a.pk}/do/request_extension/",
                                    {"new_deadline": new.isoformat(), "reason": "设备供货延迟"})
    request = ExtensionRequest.objects.get()
    assert (request.status, request.old_deadline, request.new_deadline) == ("pending", a.deadline, new)
    assert "assignment.extension_requested" in kinds(world.regulator)
    assert AuditEntry.objects.filter(action="assignment.extension_request").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.regulator).post(f"/tasks/{a.pk}/do/approve_extension/", {"reason": "同意"})
    assert response.status_code == 302
    a.refresh_from_db()
    request.refresh_from_db()
    assert a.deadline == new and a.original_deadline == new - dt.timedelta(days=30)
    assert a.escalation_level == 0 and timezone.localtime(a.next_escalation_at).date() == new - dt.timedelta(days=3)
    assert (request.status, request.decided_by, request.decision_reason) == ("approved", world.regulator, "同意")
    assert EscalationEvent.objects.get().to_level == 0
    assert AuditEntry.objects.filter(action="assignment.approve_extension", user=world.regulator).exists()
    entry = AuditEntry.objects.get(action="assignment.extension_decision")
    assert entry.before == {"status": "pending", "deadline": (new - dt.timedelta(days=30)).isoformat(),
                            "escalation_level": 1}
    assert entry.after == {"status": "approved", "deadline": new.isoformat(), "escalation_level": 0}
    assert "assignment.extension_decided" in kinds(world.officer)


def test_it_keeps_the_deadline_when_an_extension_is_refused(world, as_user, django_capture_on_commit_callbacks):
    a = in_state(world, "in_progress")
    as_user(world.officer).post(f"/tasks/{a.pk}/do/request_extension/",
                                {"new_deadline": (a.deadline + dt.timedelta(days=5)).isoformat(), "reason": "忙"})
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.leader).post(f"/tasks/{a.pk}/do/refuse_extension/", {"reason": "省督办事项不得延期"})
    request = ExtensionRequest.objects.get()
    assert request.status == "refused" and request.decision_reason == "省督办事项不得延期"
    assert Assignment.objects.get(pk=a.pk).deadline == a.deadline
    assert AuditEntry.objects.get(action="assignment.extension_decision").after["status"] == "refused"
    assert Notification.objects.filter(recipient=world.officer, kind="assignment.extension_decided",
                                       title__contains="未获批准").exists()


def test_it_returns_and_reassigns(world, as_user, django_capture_on_commit_callbacks):
    a = in_state(world, "in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.officer).post(f"/tasks/{a.pk}/do/return/",
                                    {"unit": world.township_unit.pk, "reason": "属地事项"})
    a.refresh_from_db()
    assert a.status == "returned" and a.suggested_unit == world.township_unit and a.next_escalation_at is None
    assert "assignment.returned" in kinds(world.regulator)
    record = TransitionRecord.objects.get(transition="return")
    assert record.reason == "属地事项" and record.data["suggested_unit_id"] == world.township_unit.pk
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.regulator).post(f"/tasks/{a.pk}/do/reassign/",
                                      {"unit": world.township_unit.pk, "reason": "按属地原则改交"})
    a.refresh_from_db()
    assert (a.status, a.assignee_unit, a.progress, a.suggested_unit) == ("issued", world.township_unit, 0, None)
    assert kinds(world.township) == ["assignment.issued"]
    assert AuditEntry.objects.filter(action="assignment.reassign", user=world.regulator).exists()
    # the new unit now sees it, the old one no longer does
    assert as_user(world.township).get(f"/tasks/{a.pk}/").status_code == 200
    assert as_user(world.officer).get(f"/tasks/{a.pk}/").status_code == 404


def test_it_submits_with_evidence_and_the_office_verifies(world, as_user, django_capture_on_commit_callbacks):
    a = in_state(world, "in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.officer).post(f"/tasks/{a.pk}/do/submit/", {"text": "", "files": png()})
    assert response.status_code == 302
    a.refresh_from_db()
    report = ProgressReport.objects.get(kind="completion")
    assert a.status == "submitted" and a.progress == 100 and a.next_escalation_at is None
    assert [x.purpose for x in attachments.for_owner(report)] == ["evidence"]
    assert AuditEntry.objects.get(action="assignment.completion").after["files"] == 1  # before the resubmission
    assert "assignment.submitted" in kinds(world.regulator)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.regulator).post(f"/tasks/{a.pk}/do/send_back/", {"reason": "缺少监测报告"})
    a.refresh_from_db()
    assert a.status == "in_progress" and a.sent_back and a.next_escalation_at is not None
    assert Notification.objects.filter(recipient=world.officer, kind="assignment.verified",
                                       title__contains="退回重办").exists()
    as_user(world.officer).post(f"/tasks/{a.pk}/do/submit/", {"text": "已补充监测报告"})
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.regulator).post(f"/tasks/{a.pk}/do/accept/", {"reason": ""})
    a.refresh_from_db()
    assert a.status == "completed" and a.closed_at is not None and not a.sent_back
    assert AuditEntry.objects.filter(action="assignment.accept", user=world.regulator).exists()


def test_it_withdraws_and_lapses_a_pending_extension(world, as_user, django_capture_on_commit_callbacks):
    a = in_state(world, "in_progress")
    as_user(world.officer).post(f"/tasks/{a.pk}/do/request_extension/",
                                {"new_deadline": (a.deadline + dt.timedelta(days=5)).isoformat(), "reason": "忙"})
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.regulator).post(f"/tasks/{a.pk}/do/withdraw/", {"reason": "问题已由其他渠道解决"})
    a.refresh_from_db()
    assert a.status == "withdrawn" and a.next_escalation_at is None and a.closed_at is not None
    assert ExtensionRequest.objects.get().status == "lapsed"
    assert "assignment.withdrawn" in kinds(world.officer)


def test_the_timeline_shows_every_step_in_order(world, as_user):
    a = in_state(world, "in_progress")
    as_user(world.officer).post(f"/tasks/{a.pk}/do/report_progress/",
                                {"percent": 60, "text": "主体完工", "files": png("照片.png")})
    as_user(world.officer).post(f"/tasks/{a.pk}/do/request_extension/",
                                {"new_deadline": (a.deadline + dt.timedelta(days=9)).isoformat(), "reason": "验收排期"})
    as_user(world.regulator).post(f"/tasks/{a.pk}/do/approve_extension/", {"reason": ""})
    titles = [str(e.title) for e in timeline(Assignment.objects.get(pk=a.pk))]
    assert titles == ["交办给 县环保局", "签收", "报送进展", "申请延期", "批准延期"]
    page = as_user(world.ent_a).get(f"/tasks/{a.pk}/").content.decode()
    for text in ("主体完工", "进度 60%", "验收排期", "照片.png", "批准延期"):
        assert text in page
    positions = [page.index(t) for t in ("签收", "主体完工", "验收排期", "批准延期")]
    assert positions == sorted(positions)
    assert "申请延期" not in page.split('id="timeline"')[0]  # ent_a reads; no action buttons


@pytest.mark.parametrize("persona", ["regulator", "officer"])
def test_it_shows_only_the_actions_the_user_may_take(world, as_user, persona):
    a = in_state(world, "in_progress")
    page = as_user(getattr(world, persona)).get(f"/tasks/{a.pk}/").content.decode()
    expected = {"regulator": ["withdraw"], "officer": ["report_progress", "request_extension", "return", "submit"]}
    shown = [name for name in ("sign", "report_progress", "request_extension", "approve_extension", "return",
                               "submit", "accept", "withdraw") if f'data-action="{name}"' in page]
    assert shown == expected[persona]


def test_it_refuses_a_disallowed_file_in_a_progress_report(world, as_user):
    a = in_state(world, "in_progress")
    bad = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = as_user(world.officer).post(f"/tasks/{a.pk}/do/report_progress/",
                                           {"percent": 30, "text": "x", "files": bad})
    assert response.status_code == 400
    assert "不是允许的文件类型" in response.content.decode() or "not an allowed" in response.content.decode()
    assert not ProgressReport.objects.exists() and Assignment.objects.get(pk=a.pk).progress == 0
