"""Bad input is a field error in Chinese, and nothing is written."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.core.models import Attachment, AuditEntry, Notification, TransitionRecord
from qingyuan.tasks.actions import do_report_progress
from qingyuan.tasks.models import Assignment, ExtensionRequest, ProgressReport
from qingyuan.tasks.tests.conftest import PNG, in_state

TODAY = timezone.localdate


def snapshot():
    return (Assignment.objects.count(), TransitionRecord.objects.count(), AuditEntry.objects.count(),
            ProgressReport.objects.count(), ExtensionRequest.objects.count(), Attachment.objects.count(),
            Notification.objects.count())


def issue_data(world, **changes):
    data = {"park": world.park.pk, "assignee_unit": world.bureau.pk, "subject": "整改", "requirements": "按期完成",
            "deadline": (TODAY() + dt.timedelta(days=5)).isoformat(), "priority": "normal"}
    data.update(changes)
    return data


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"deadline": "2020-01-01"}, "deadline", "办理期限不能早于今天。"),
    ({"deadline": ""}, "deadline", "此项必填。"),
    ({"subject": ""}, "subject", "此项必填。"),
    ({"priority": "whenever"}, "priority", "选择一个有效的选项。"),
])
def test_it_refuses_a_bad_issue_form(world, as_user, changes, field, message):
    before = snapshot()
    response = as_user(world.regulator).post("/tasks/new/", issue_data(world, **changes))
    assert response.status_code == 400
    assert any(message.rstrip("。") in e for e in field_errors(response, field)), field_errors(response, field)
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(("name", "content", "message"), [
    ("报告.png", b"<html>not a picture</html>", "不是允许的文件类型"),
    ("大文件.pdf", b"%PDF-1.7\n" + b"x" * (21 * 1024 * 1024), "超过"),
])
def test_it_refuses_disallowed_or_oversized_attachments(world, as_user, name, content, message):
    before = snapshot()
    upload = SimpleUploadedFile(name, content)
    response = as_user(world.regulator).post("/tasks/new/", {**issue_data(world), "files": upload})
    assert response.status_code == 400
    errors = " ".join(field_errors(response, "files"))
    assert name in errors and (message in errors or "MB" in errors), errors
    assert snapshot() == before


def test_the_action_refuses_a_past_deadline_too(world):
    from django.core.exceptions import ValidationError

    from qingyuan.tasks.actions import do_issue_assignment

    with pytest.raises(ValidationError) as exc:
        do_issue_assignment(park=world.park, assignee_unit=world.office, subject="x", requirements="y",
                            deadline=TODAY() - dt.timedelta(days=1), acting_user=world.regulator)
    assert set(exc.value.message_dict) == {"deadline", "assignee_unit"}
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(("name", "data", "field", "message"), [
    ("withdraw", {"reason": ""}, "reason", "此项必填。"),
    ("return", {"reason": "   ", "unit": "TOWNSHIP"}, "reason", "此项必填。"),
    ("return", {"reason": "不归我们", "unit": ""}, "unit", "此项必填。"),
    ("report_progress", {"percent": 101, "text": "x"}, "percent", "100"),
    ("report_progress", {"percent": 20, "text": "x"}, "percent", "进度不能回退：上次报送为 30%。"),
    ("report_progress", {"percent": 40, "text": ""}, "text", "此项必填。"),
    ("request_extension", {"new_deadline": "SAME", "reason": "忙"}, "new_deadline", "新的办理期限必须晚于当前期限"),
    ("request_extension", {"new_deadline": "LATER", "reason": ""}, "reason", "此项必填。"),
    ("submit", {"text": ""}, "text", "请说明办理情况或上传佐证材料。"),
])
def test_it_refuses_bad_action_input(world, as_user, name, data, field, message):
    a = in_state(world, "in_progress")
    client = as_user(world.regulator if name == "withdraw" else world.officer)
    do_report_progress(a, acting_user=world.officer, percent=30, text="三成")
    a.refresh_from_db()
    replace = {"TOWNSHIP": world.township_unit.pk, "SAME": a.deadline.isoformat(),
               "LATER": (a.deadline + dt.timedelta(days=9)).isoformat()}
    data = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    before = snapshot()
    response = client.post(f"/tasks/{a.pk}/do/{name}/", data)
    assert response.status_code == 400
    errors = " ".join(field_errors(response, field))
    assert message.rstrip("。") in errors, errors
    assert snapshot() == before
    fresh = Assignment.objects.get(pk=a.pk)
    assert (fresh.status, fresh.progress, fresh.deadline) == ("in_progress", 30, a.deadline)


def test_the_api_gives_field_errors_in_chinese(world, as_user):
    a = in_state(world, "in_progress")
    client = as_user(world.officer)
    response = client.post(f"/api/v1/assignments/{a.pk}/transitions",
                           {"action": "request_extension", "new_deadline": a.deadline.isoformat(), "reason": "忙"},
                           content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("新的办理期限必须晚于当前期限") and "new_deadline" in body["detail"]
    response = client.post(f"/api/v1/assignments/{a.pk}/transitions", {"action": "return", "reason": ""},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "执行“退回（非本单位职责）”必须填写原因。"
    assert not ExtensionRequest.objects.exists() and Assignment.objects.get(pk=a.pk).status == "in_progress"


def test_a_png_that_is_really_a_png_is_fine(world, as_user):
    upload = SimpleUploadedFile("ok.png", PNG)
    response = as_user(world.regulator).post("/tasks/new/", {**issue_data(world), "files": upload})
    assert response.status_code == 302 and Attachment.objects.count() == 1
