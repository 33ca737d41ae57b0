"""List, filters, Excel export, listed board, policy form: content and query counts."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from qingyuan.tasks.models import Assignment, EscalationPolicy
from qingyuan.tasks.tests.conftest import in_state, issue

TODAY = timezone.localdate


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["regulator", "officer"])
def test_the_list_query_count_does_not_grow_with_rows(world, as_user, persona, django_assert_max_num_queries):
    client = as_user(getattr(world, persona))
    for i in range(3):
        issue(world, subject=f"少量{i}")
    few = count_queries(client, "/tasks/")
    for i in range(40):
        issue(world, subject=f"大量{i}", unit=world.bureau if i % 2 else world.township_unit,
              enterprise=world.enterprise_b if i % 3 else None)
    with django_assert_max_num_queries(few):
        client.get("/tasks/")
    with django_assert_max_num_queries(few):
        client.get("/tasks/", {"status": "open", "overdue": "", "page": 2})


def test_it_filters_and_colours_the_list(world, as_user):
    late = issue(world, subject="逾期事项", issued_on=TODAY() - dt.timedelta(days=20),
                 deadline=TODAY() - dt.timedelta(days=4))
    Assignment.objects.filter(pk=late.pk).update(escalation_level=3)
    issue(world, subject="镇里事项", unit=world.township_unit, priority="urgent", enterprise=None)
    done = in_state(world, "completed", subject="已办事项")
    client = as_user(world.regulator)

    def subjects(**params):
        page = client.get("/tasks/", params, HTTP_HX_REQUEST="true")
        assert page.templates[0].name == "tasks/partials/table.html"
        return {s for s in ("逾期事项", "镇里事项", "已办事项") if s in page.content.decode()}

    assert subjects() == {"逾期事项", "镇里事项", "已办事项"}
    assert subjects(overdue="on") == {"逾期事项"}
    assert subjects(status="completed") == {"已办事项"}
    assert subjects(status="open") == {"逾期事项", "镇里事项"}
    assert subjects(assignee_unit=world.township_unit.pk) == {"镇里事项"}
    assert subjects(enterprise=world.enterprise_a.pk) == {"逾期事项", "已办事项"}
    assert subjects(priority="urgent") == {"镇里事项"}
    assert subjects(level=3) == {"逾期事项"}
    assert subjects(q=done.number) == {"已办事项"}
    html = client.get("/tasks/").content.decode()
    row = html.split(f'data-number="{late.number}"')[0].rsplit("<tr", 1)[1]
    assert "level-row-danger" in row
    assert html.index("逾期事项") < html.index("镇里事项") < html.index("已办事项")  # urgent first, closed last
    assert "逾期 4 天" in html and "督办" in html


def test_the_excel_export_has_the_filtered_rows(world, as_user):
    late = issue(world, subject="逾期事项", issued_on=TODAY() - dt.timedelta(days=20),
                 deadline=TODAY() - dt.timedelta(days=4))
    issue(world, subject="未到期事项", unit=world.township_unit, enterprise=None)
    response = as_user(world.regulator).get("/tasks/export.xlsx", {"overdue": "on"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("文号", "交办事项", "承办单位", "企业")
    assert len(rows) == 2
    number, subject, unit, enterprise, priority, status, level, issued, deadline, overdue, progress, by = rows[1]
    assert (number, subject, unit, enterprise) == (late.number, "逾期事项", "县环保局", "甲化工有限公司")
    assert (priority, status, level, overdue, progress, by) == ("一般", "待签收", "正常", 4, 0, "整治办干部")
    assert deadline.date() == late.deadline


def test_the_policy_form_saves_and_validates(world, as_user):
    client = as_user(world.regulator)
    assert client.get("/tasks/policy/").status_code == 200
    response = client.post("/tasks/policy/", {"reminder_days": 5, "supervise_after_days": 7,
                                              "list_after_days": 7})
    assert response.status_code == 400
    assert "挂牌督办的逾期天数必须多于督办" in response.content.decode()
    assert not EscalationPolicy.objects.exists()
    response = client.post("/tasks/policy/", {"reminder_days": 5, "supervise_after_days": 7,
                                              "list_after_days": 20})
    assert response.status_code == 302
    policy = EscalationPolicy.objects.get(park=world.park)
    assert (policy.reminder_days, policy.supervise_after_days, policy.list_after_days) == (5, 7, 20)
    assert as_user(world.leader).get("/tasks/policy/").status_code == 403  # office and admins only


def test_the_detail_page_is_phone_sized_and_shows_the_pending_extension(world, as_user):
    a = in_state(world, "in_progress")
    as_user(world.officer).post(f"/tasks/{a.pk}/do/request_extension/",
                                {"new_deadline": (a.deadline + dt.timedelta(days=7)).isoformat(), "reason": "雨季施工"})
    page = as_user(world.regulator).get(f"/tasks/{a.pk}/").content.decode()
    assert 'id="pending-extension"' in page and "雨季施工" in page
    assert 'data-action="approve_extension"' in page and 'data-action="refuse_extension"' in page
    assert "modal-fullscreen-sm-down" in page and 'name="viewport"' in page


def test_the_action_page_works_without_javascript(world, as_user):
    a = in_state(world, "issued")
    page = as_user(world.officer).get(f"/tasks/{a.pk}/do/return/")
    assert page.status_code == 200 and 'id="action-form"' in page.content.decode()
    assert as_user(world.officer).get(f"/tasks/{a.pk}/do/fly/").status_code == 404
