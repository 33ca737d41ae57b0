"""/api/v1/assignments: the same rules as the pages, errors as {"error": ...}."""

import datetime as dt

import pytest
from django.utils import timezone

from qingyuan.core.models import AuditEntry, Notification
from qingyuan.core.tokens import issue as issue_token
from qingyuan.tasks.models import Assignment
from qingyuan.tasks.tests.conftest import in_state, issue


@pytest.fixture
def api(as_user):
    def client_for(user):
        key, _ = issue_token(user)
        client = as_user(None)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

        class Api:
            def get(self, url, params=None):
                return client.get(f"/api/v1{url}", params or {}, **headers)

            def post(self, url, body):
                return client.post(f"/api/v1{url}", body, content_type="application/json", **headers)

        return Api()

    return client_for


def test_it_issues_through_the_api(world, api, django_capture_on_commit_callbacks):
    deadline = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.regulator).post("/assignments", {
            "assignee_unit": world.bureau.pk, "subject": "接口交办", "requirements": "按期办结", "deadline": deadline,
            "priority": "urgent", "enterprise": world.enterprise_a.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    a = Assignment.objects.get()
    assert body["id"] == a.pk and body["number"] == a.number and body["status"] == "issued"
    assert body["assignee_unit"] == {"id": world.bureau.pk, "name": "县环保局"} and body["enterprise_name"] == "甲化工有限公司"
    assert body["actions"] == ["withdraw"] and body["colour"] == "none"
    assert AuditEntry.objects.filter(action="assignment.issue", user=world.regulator).exists()
    assert Notification.objects.filter(recipient=world.officer, kind="assignment.issued").exists()


@pytest.mark.parametrize(("persona", "status"), [("officer", 403), ("supervisor", 403), ("ent_a", 403)])
def test_only_the_issuing_side_may_issue(world, api, persona, status):
    response = api(getattr(world, persona)).post("/assignments", {
        "assignee_unit": world.bureau.pk, "subject": "x", "requirements": "y",
        "deadline": timezone.localdate().isoformat()})
    assert response.status_code == status and "error" in response.json()
    assert not Assignment.objects.exists()


def test_it_refuses_bad_input_to_issue(world, api):
    client = api(world.regulator)
    past = client.post("/assignments", {"assignee_unit": world.bureau.pk, "subject": "x", "requirements": "y",
                                        "deadline": "2020-01-01"})
    assert past.status_code == 422 and past.json()["error"] == "办理期限不能早于今天。"
    other_park = client.post("/assignments", {"assignee_unit": 999999, "subject": "x", "requirements": "y",
                                              "deadline": timezone.localdate().isoformat()})
    assert other_park.status_code == 422 and "assignee_unit" in other_park.json()["detail"]
    schema = client.post("/assignments", {"subject": "x"})
    assert schema.status_code == 422 and schema.json()["error"] == "Invalid input."
    assert not Assignment.objects.exists()


def test_it_fires_transitions_and_explains_refusals(world, api):
    a = issue(world)
    officer, office = api(world.officer), api(world.regulator)
    response = officer.post(f"/assignments/{a.pk}/transitions", {"action": "sign"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert set(response.json()["actions"]) == {"report_progress", "request_extension", "return", "submit"}
    response = officer.post(f"/assignments/{a.pk}/transitions", {"action": "report_progress", "percent": 45,
                                                                 "text": "安装中"})
    assert response.json()["progress"] == 45 and response.json()["reports"][0]["percent"] == 45
    refused = officer.post(f"/assignments/{a.pk}/transitions", {"action": "withdraw", "reason": "不想办"})
    assert refused.status_code == 403 and refused.json()["error"] == "您的角色无权执行“撤回”。"
    assert refused.json()["detail"] == {"code": "role"}
    wrong_state = office.post(f"/assignments/{a.pk}/transitions", {"action": "reassign", "unit": world.township_unit.pk,
                                                                   "reason": "改交"})
    assert wrong_state.status_code == 400
    assert wrong_state.json()["error"] == "当前状态为“办理中”，不能执行“改交其他单位”。"
    new = (a.deadline + dt.timedelta(days=5)).isoformat()
    officer.post(f"/assignments/{a.pk}/transitions", {"action": "request_extension", "new_deadline": new,
                                                      "reason": "设备"})
    approved = office.post(f"/assignments/{a.pk}/transitions", {"action": "approve_extension"})
    assert approved.json()["deadline"] == new and approved.json()["extensions"][0]["status"] == "approved"
    officer.post(f"/assignments/{a.pk}/transitions", {"action": "submit", "text": "完成"})
    done = office.post(f"/assignments/{a.pk}/transitions", {"action": "accept"})
    assert done.status_code == 200 and done.json()["status"] == "completed" and done.json()["actions"] == []
    assert [h["transition"] for h in done.json()["history"]] == [
        "sign", "report_progress", "request_extension", "approve_extension", "submit", "accept"]
    unknown = office.post(f"/assignments/{a.pk}/transitions", {"action": "fly"})
    assert unknown.status_code == 422


def test_it_lists_with_filters_and_paging(world, api):
    for i in range(4):
        issue(world, subject=f"事项{i}")
    in_state(world, "completed", subject="已办结事项")
    client = api(world.supervisor)
    body = client.get("/assignments", {"status": "open", "page_size": 3}).json()
    assert body["count"] == 4 and len(body["results"]) == 3
    assert client.get("/assignments", {"q": "已办结"}).json()["count"] == 1
    assert client.get("/assignments", {"page": 9}).status_code == 404
    read = client.get(f"/assignments/{Assignment.objects.first().pk}").json()
    assert read["actions"] == []


def test_the_schema_documents_the_endpoints(world, as_user):
    schema = as_user(world.regulator).get("/api/v1/openapi.json").json()
    assert {"/api/v1/assignments", "/api/v1/assignments/{assignment_id}",
            "/api/v1/assignments/{assignment_id}/transitions"} <= set(schema["paths"])
    responses = schema["paths"]["/api/v1/assignments/{assignment_id}/transitions"]["post"]["responses"]
    assert {"200", "400", "403", "404", "422"} <= set(responses)
