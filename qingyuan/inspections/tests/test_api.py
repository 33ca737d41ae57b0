"""GET and POST /api/v1/patrols."""

import datetime as dt
import uuid

from django.utils import timezone

from qingyuan.core.models import AuditEntry
from qingyuan.inspections import checklists
from qingyuan.inspections.models import Finding, Patrol
from qingyuan.inspections.tests.helpers import record, second_inspector
from qingyuan.test import PASSWORD, make_enterprise


def token_for(client, user):
    response = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD},
                           content_type="application/json")
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def payload(enterprise, **fields):
    now = timezone.now()
    data = {
        "enterprise_id": enterprise.pk, "started_at": (now - dt.timedelta(minutes=30)).isoformat(),
        "finished_at": now.isoformat(), "latitude": "27.8351", "longitude": "116.4122", "gps_accuracy_m": 8,
        "checklist": {k: {"answer": "ok"} for k in checklists.checklist_for(enterprise).keys},
        "findings": [{"text": "应急池有积水。", "severity": "minor", "checklist_item": "emergency"}],
        "notes": "API 登记", "client_id": str(uuid.uuid4()),
    }
    data.update(fields)
    return data


def test_it_records_a_patrol_through_the_api(world, client):
    headers = token_for(client, world.inspector)
    response = client.post("/api/v1/patrols", payload(world.enterprise_a), content_type="application/json", **headers)
    assert response.status_code == 201, response.json()
    body = response.json()
    patrol = Patrol.objects.get()
    assert body["id"] == patrol.pk and body["enterprise"] == {"id": world.enterprise_a.pk, "name": "甲化工有限公司"}
    assert body["findings"][0]["text"] == "应急池有积水。" and body["inspectors"][0]["name"] == "巡查员"
    assert patrol.checklist_key == checklists.checklist_for(world.enterprise_a).key
    assert Finding.objects.get().checklist_item == "emergency"
    assert AuditEntry.objects.get(action="patrol.create").user == world.inspector


def test_it_records_a_resent_patrol_once(world, client):
    headers = token_for(client, world.inspector)
    data = payload(world.enterprise_a)
    first = client.post("/api/v1/patrols", data, content_type="application/json", **headers)
    again = client.post("/api/v1/patrols", data, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Patrol.objects.count() == 1


def test_it_refuses_bad_patrols_with_field_messages(world, client):
    headers = token_for(client, world.inspector)
    bad = payload(world.enterprise_a, latitude="-91", checklist={"no_such_item": {"answer": "ok"}},
                  findings=[{"text": "", "severity": "apocalyptic"}])
    response = client.post("/api/v1/patrols", bad, content_type="application/json", **headers)
    detail = response.json()["detail"]
    assert response.status_code == 422
    assert "纬度必须在" in detail["latitude"][0] and "no_such_item" in detail["checklist"][0]
    assert "findings-0-text" in detail and "findings-0-severity" in detail
    response = client.post("/api/v1/patrols", {"enterprise_id": "x"}, content_type="application/json", **headers)
    assert response.status_code == 422 and response.json()["error"] == "Invalid input."
    assert not Patrol.objects.exists() and not AuditEntry.objects.filter(action="patrol.create").exists()


def test_it_lets_only_inspectors_of_the_park_post(world, client):
    for user, status in [(world.regulator, 403), (world.officer, 403), (world.ent_a, 403), (world.ent_b, 404),
                         (world.outsider, 404)]:
        response = client.post("/api/v1/patrols", payload(world.enterprise_a), content_type="application/json",
                               **token_for(client, user))
        assert response.status_code == status, user
    assert client.post("/api/v1/patrols", payload(world.enterprise_a), content_type="application/json").status_code == 401
    assert not Patrol.objects.exists()


def test_it_lists_with_filters_and_pagination(world, client):
    record(world, world.enterprise_a)
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    record(world, world.enterprise_b, started_at=three_days_ago, finished_at=three_days_ago + dt.timedelta(hours=1))
    headers = token_for(client, world.regulator)
    body = client.get("/api/v1/patrols", {"enterprise": world.enterprise_b.pk}, **headers).json()
    assert body["count"] == 1 and body["results"][0]["enterprise"]["name"] == "乙化工有限公司"
    assert body["results"][0]["internal_notes"] == "内部备注：疑似夜间偷排。"
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/patrols", {"since": since}, **headers).json()["count"] == 1
    assert client.get("/api/v1/patrols", {"page_size": 1, "page": 2}, **headers).json()["page"] == 2
    assert client.get("/api/v1/patrols", {"kind": "nonsense"}, **headers).status_code == 422
    assert client.get("/api/v1/patrols", {"page": 9}, **headers).status_code == 404


def test_it_keeps_the_api_query_count_flat(world, client, django_assert_max_num_queries):
    inspector2 = second_inspector(world)
    headers = token_for(client, world.regulator)
    client.get("/api/v1/patrols", **headers)
    for i in range(5):
        record(world, make_enterprise(world.park, f"批量{i}", 40 + i), co_inspectors=[inspector2],
               findings=[{"text": f"问题{i}", "severity": "minor", "checklist_item": ""}])
    with django_assert_max_num_queries(12) as small:
        client.get("/api/v1/patrols", **headers)
    for i in range(5, 25):
        record(world, make_enterprise(world.park, f"批量{i}", 40 + i), co_inspectors=[inspector2],
               findings=[{"text": f"问题{i}", "severity": "minor", "checklist_item": ""}])
    with django_assert_max_num_queries(12) as large:
        client.get("/api/v1/patrols", **headers)
    assert len(small.captured_queries) == len(large.captured_queries)
