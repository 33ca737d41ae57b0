"""The issue form: the enterprise's linked unit is offered, and the issuer is warned (and must confirm) when the
unit is not the linked one or when an open assignment already concerns the enterprise."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from qingyuan.core.models import AuditEntry
from qingyuan.tasks.models import Assignment
from qingyuan.tasks.tests.conftest import issue
from qingyuan.test import browser_login


def _post(world, **extra):
    data = {"park": world.park.pk, "assignee_unit": world.bureau.pk, "enterprise": world.enterprise_a.pk,
            "subject": "甲化工雨水排口整治", "requirements": "完成雨水排口规范化整治。",
            "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(), "priority": "normal"}
    data.update(extra)
    return data


def test_it_gives_the_page_each_enterprises_linked_unit_and_no_inline_script(world, as_user):
    page = as_user(world.regulator).get("/tasks/new/").content.decode()
    linked = json.loads(re.search(r'<script id="linked-units" type="application/json">(.*?)</script>', page).group(1))
    assert linked == {str(world.enterprise_a.pk): world.bureau.pk, str(world.enterprise_b.pk): world.township_unit.pk}
    assert 'src="/static/tasks/issue_form.js"' in page
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)
    assert scripts == []


def test_it_warns_when_the_unit_is_not_the_enterprises_linked_unit_until_confirmed(world, as_user):
    client = as_user(world.regulator)
    response = client.post("/tasks/new/", _post(world, assignee_unit=world.township_unit.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "临江镇不是甲化工有限公司的挂联单位，其挂联单位为县环保局。" in page
    assert 'name="confirm"' in page and 'type="checkbox"' in page and "仍然交办" in page
    assert not Assignment.objects.exists() and not AuditEntry.objects.filter(action="assignment.issue").exists()
    response = client.post("/tasks/new/", _post(world, assignee_unit=world.township_unit.pk, confirm="on"))
    a = Assignment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{a.pk}/"
    assert a.assignee_unit == world.township_unit
    assert AuditEntry.objects.filter(action="assignment.issue", object_id=str(a.pk)).exists()


def test_it_warns_when_an_open_assignment_already_concerns_the_enterprise(world, as_user):
    earlier = issue(world, subject="甲化工废水在线监控整改")
    closed = issue(world, subject="甲化工已撤回事项")
    from qingyuan.tasks import actions

    actions.do_withdraw_assignment(closed, acting_user=world.regulator, reason="重复")
    client = as_user(world.regulator)
    response = client.post("/tasks/new/", _post(world))
    assert response.status_code == 400
    page = response.content.decode()
    assert "甲化工有限公司已有未办结的交办单：" in page
    assert f'href="/tasks/{earlier.pk}/"' in page and f'href="/tasks/{closed.pk}/"' not in page
    assert Assignment.objects.count() == 2
    assert client.post("/tasks/new/", _post(world, confirm="on")).status_code == 302
    assert Assignment.objects.count() == 3


def test_it_issues_without_a_question_when_nothing_needs_a_warning(world, as_user):
    response = as_user(world.regulator).post("/tasks/new/", _post(world))
    assert response.status_code == 302 and Assignment.objects.get().assignee_unit == world.bureau
    other = as_user(world.regulator).post("/tasks/new/", _post(world, enterprise=""))  # no enterprise: no check
    assert other.status_code == 302 and Assignment.objects.count() == 2


@pytest.mark.browser
def test_choosing_an_enterprise_fills_in_its_linked_unit(live_server, page, world):
    browser_login(page, live_server.url, "regulator")
    page.goto(f"{live_server.url}/tasks/new/")
    page.select_option("#id_enterprise", str(world.enterprise_b.pk))
    assert page.input_value("#id_assignee_unit") == str(world.township_unit.pk)
    assert page.is_hidden("#unit-warning")
    page.select_option("#id_assignee_unit", str(world.bureau.pk))
    assert page.is_visible("#unit-warning") and "不是该企业的挂联单位" in page.inner_text("#unit-warning")
    page.select_option("#id_enterprise", str(world.enterprise_a.pk))
    assert page.input_value("#id_assignee_unit") == str(world.bureau.pk) and page.is_hidden("#unit-warning")
