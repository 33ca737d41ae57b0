from qingyuan.core.models import ApiToken
from qingyuan.test import PASSWORD, make_enterprise


def token_for(client, user):
    response = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_it_issues_a_token_and_stores_only_its_hash(world, client):
    response = client.post("/api/v1/auth/token", {"username": "regulator", "password": PASSWORD},
                           content_type="application/json")
    key = response.json()["token"]
    token = ApiToken.objects.get(user=world.regulator)
    assert key not in token.key_hash and len(token.key_hash) == 64


def test_it_refuses_bad_credentials_and_missing_tokens(world, client):
    response = client.post("/api/v1/auth/token", {"username": "regulator", "password": "wrong"},
                           content_type="application/json")
    assert response.status_code == 401 and response.json()["error"] == "Invalid username or password."
    assert client.get("/api/v1/enterprises").json() == {"error": "Authentication required."}
    assert client.get("/api/v1/enterprises", HTTP_AUTHORIZATION="Bearer qy_nonsense").status_code == 401


def test_it_lists_with_filters_and_pagination(world, client):
    for i in range(5):
        make_enterprise(world.park, f"分页企业{i}", 10 + i, status="rectifying")
    headers = token_for(client, world.regulator)
    body = client.get("/api/v1/enterprises", {"status": "rectifying", "page_size": 2, "page": 2}, **headers).json()
    assert body["count"] == 5 and body["page"] == 2 and len(body["results"]) == 2
    assert {r["status"] for r in body["results"]} == {"rectifying"}
    body = client.get("/api/v1/enterprises", {"q": "甲化工"}, **headers).json()
    assert [r["name"] for r in body["results"]] == ["甲化工有限公司"]
    assert body["results"][0]["linked_unit"] == {"id": world.bureau.pk, "name": "县环保局"}


def test_it_answers_bad_parameters_with_422(world, client):
    headers = token_for(client, world.regulator)
    response = client.get("/api/v1/enterprises", {"status": "bankrupt"}, **headers)
    assert response.status_code == 422 and response.json()["error"] == "Invalid input."
    assert response.json()["detail"][0]["loc"] == ["query", "status"]
    assert client.get("/api/v1/enterprises", {"page": 99}, **headers).status_code == 404


def test_it_returns_the_detail_with_outlets_points_and_permits(world, client):
    headers = token_for(client, world.regulator)
    body = client.get(f"/api/v1/enterprises/{world.enterprise_a.pk}", **headers).json()
    assert body["credit_code"] == world.enterprise_a.credit_code
    assert [o["code"] for o in body["outlets"]] == ["DW001"]
    assert body["points"][0]["mn"] == world.point_a.mn and "password" not in body["points"][0]


def test_it_keeps_the_api_query_count_flat(world, client, django_assert_max_num_queries):
    for i in range(60):
        make_enterprise(world.park, f"批量{i}", 200 + i, linked_unit=world.bureau)
    headers = token_for(client, world.regulator)
    client.get("/api/v1/enterprises", **headers)  # first use records last_used_at
    with django_assert_max_num_queries(8) as small:
        client.get("/api/v1/enterprises", {"page_size": 5}, **headers)
    with django_assert_max_num_queries(8) as large:
        client.get("/api/v1/enterprises", {"page_size": 50}, **headers)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_publishes_openapi_with_the_error_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/enterprises" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]
    assert "422" in schema["paths"]["/api/v1/enterprises"]["get"]["responses"]
    assert client.get("/api/v1/docs").status_code == 200
