"""GET /api/v1/plans and /api/v1/plans/{id}."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from qingyuan.plans import actions
from qingyuan.plans.tests.helpers import reach, start_rectification
from qingyuan.test import PASSWORD, make_enterprise


def token_for(client, user):
    response = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD},
                           content_type="application/json")
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _more(world, park_plan, today, n):
    for i in range(n):
        e = make_enterprise(world.park, f"接口化工{i}", 300 + i, linked_unit=world.bureau)
        p = actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=e, title=f"接口方案{i}",
                                   outcome="close", start_date=today, deadline=today + dt.timedelta(days=30 + i))
        actions.do_add_measure(p, acting_user=world.regulator, kind="closure", title="拆除", investment=Decimal("5"),
                               deadline=today + dt.timedelta(days=10))


def test_it_lists_plans_with_filters_and_pagination(world, park_plan, plan, today, client):
    _more(world, park_plan, today, 4)
    headers = token_for(client, world.regulator)
    body = client.get("/api/v1/plans", {"page_size": 2, "page": 2}, **headers).json()
    assert body["count"] == 5 and body["page"] == 2 and len(body["results"]) == 2
    body = client.get("/api/v1/plans", {"q": "甲化工"}, **headers).json()
    (row,) = body["results"]
    assert row["enterprise"] == {"id": world.enterprise_a.pk, "name": "甲化工有限公司"}
    assert (row["status"], row["measure_count"], row["measures_done"], row["investment"]) == ("draft", 2, 0, "200.50")
    body = client.get("/api/v1/plans", {"status": "draft", "enterprise": world.enterprise_a.pk,
                                        "park_plan": park_plan.pk}, **headers).json()
    assert [r["id"] for r in body["results"]] == [plan.pk]


def test_it_answers_bad_parameters_with_422_and_unknown_plans_with_404(world, plan, client):
    headers = token_for(client, world.regulator)
    response = client.get("/api/v1/plans", {"status": "lost"}, **headers)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "status"]
    assert client.get("/api/v1/plans/999999", **headers).json() == {"error": "Not found."}
    assert client.get(f"/api/v1/plans/{plan.pk}", **token_for(client, world.ent_b)).status_code == 404


def test_it_returns_measures_versions_reviews_and_acceptance(world, experts, plan, client):
    start_rectification(world)
    plan = reach("findings", world, plan, experts)
    headers = token_for(client, world.ent_a)
    body = client.get(f"/api/v1/plans/{plan.pk}", **headers).json()
    assert body["status"] == "acceptance" and body["version"] == 1
    assert [m["title"] for m in body["measures"]] == ["废水预处理设施提标改造", "车间VOCs收集治理"]
    assert body["measures"][0]["reductions"] == {"w01018": "6.5"} and body["measures"][0]["status"] == "done"
    (version,) = body["versions"]
    assert version["conclusion"] == "approve" and version["changes"]["initial"] is True
    assert {r["reviewer"] for r in version["reviews"]} == {"省环科院专家", "监测站专家"}
    (acceptance,) = body["acceptances"]
    assert acceptance["status"] == "scheduled" and acceptance["organiser"] == "省生态办"
    assert len(acceptance["items"]) == 7 and {i["result"] for i in acceptance["items"]} == {"pass"}
    assert acceptance["record_url"].endswith("record.docx")
    client.force_login(world.ent_a)  # the record is a page download, for a logged-in browser
    assert client.get(acceptance["record_url"]).status_code == 200


def test_it_keeps_the_api_query_count_flat(world, park_plan, plan, today, client, django_assert_max_num_queries):
    headers = token_for(client, world.regulator)
    client.get("/api/v1/plans", **headers)
    with django_assert_max_num_queries(12) as small:
        client.get("/api/v1/plans", **headers)
    _more(world, park_plan, today, 20)
    with django_assert_max_num_queries(12) as large:
        client.get("/api/v1/plans", **headers)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_documents_the_endpoints_in_openapi(world, client):
    client.force_login(world.regulator)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/plans" in schema["paths"] and "/api/v1/plans/{plan_id}" in schema["paths"]
    assert {"200", "401", "404", "422"} <= set(schema["paths"]["/api/v1/plans/{plan_id}"]["get"]["responses"])
