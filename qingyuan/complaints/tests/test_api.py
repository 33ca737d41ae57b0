"""/api/v1/complaints: public intake and tracking, rating, and the staff list."""

import pytest

from qingyuan.complaints import ratelimit
from qingyuan.complaints.models import Complaint, RateHit
from qingyuan.complaints.tests.helpers import handled_and_replied, submit
from qingyuan.core.models import AuditEntry


def payload(park, **fields):
    c = ratelimit.new_challenge()
    body = {"park": park.code, "category": "waste_water", "description": "河里有黑水", "address": "青溪河桥下",
            "challenge_token": c.token, "challenge_answer": str(c.a + c.b)}
    body.update(fields)
    return body


def post(client, body, **extra):
    return client.post("/api/v1/complaints", body, content_type="application/json", **extra)


def test_it_files_and_tracks_a_complaint_through_the_public_api(world, client):
    challenge = client.get("/api/v1/complaints/challenge").json()
    assert challenge["question"].endswith("= ?")
    body = payload(world.park, enterprise_id=world.enterprise_b.pk, name="孙八", phone="13955556666")
    body["challenge_token"], body["challenge_answer"] = challenge["token"], str(ratelimit.solve(challenge["token"]))
    response = post(client, body)
    assert response.status_code == 201
    code = response.json()["code"]
    assert response.json()["tracking_url"].endswith(f"/public/complaints/track/{code}/")
    c = Complaint.objects.get(code=code)
    assert (c.status, c.handling_unit, c.name, c.channel) == ("accepted", world.township_unit, "孙八", "online")
    assert AuditEntry.objects.filter(action="complaint.submit", object_id=str(c.pk)).exists()
    tracked = client.get(f"/api/v1/complaints/track/{code.lower()}")
    assert tracked.status_code == 200
    data = tracked.json()
    assert (data["status"], data["handling_unit"], data["can_rate"]) == ("accepted", "临江镇", False)
    assert "孙八" not in tracked.content.decode() and "13955556666" not in tracked.content.decode()
    assert post(client, body).status_code == 400  # the challenge was used


def test_it_refuses_bad_public_input_with_the_error_shape(placed, client, settings):
    assert post(client, {"park": placed.park.code}).json()["error"] == "Invalid input."
    assert post(client, payload(placed.park, challenge_answer="77")).status_code == 400
    assert post(client, payload(placed.park, website="x")).status_code == 400
    far = post(client, payload(placed.park, longitude="100.0", latitude="40.0"))
    assert far.status_code == 422 and "longitude" in far.json()["detail"]
    other = post(client, payload(placed.park, enterprise_id=placed.outsider.pk + 10_000))
    assert other.status_code == 422
    assert post(client, {**payload(placed.park), "park": "nowhere"}).status_code == 404
    assert post(client, payload(placed.park, category="radiation")).status_code == 422
    assert Complaint.objects.count() == 0
    RateHit.objects.all().delete()  # the wrong answer and the honeypot above counted against this address
    settings.QINGYUAN_COMPLAINT_RATE_LIMIT = 1
    assert post(client, payload(placed.park)).status_code == 201
    limited = post(client, payload(placed.park))
    assert limited.status_code == 429 and limited.json()["error"]


def test_it_rates_a_reply_through_the_public_api(world, client):
    c = submit(world.park, enterprise=world.enterprise_a)
    assert client.post(f"/api/v1/complaints/track/{c.code}/rating", {"rating": "satisfied", "pin": c.pin},
                       content_type="application/json").status_code == 400  # nothing to rate yet
    handled_and_replied(world, c)
    response = client.post(f"/api/v1/complaints/track/{c.code}/rating", {"rating": "satisfied", "pin": c.pin},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["rating"] == "satisfied"
    c.refresh_from_db()
    assert c.status == "closed" and c.assignment.status == "completed"
    assert "内部" not in response.content.decode()


def test_it_lists_complaints_for_staff_with_filters(world, as_user):
    a = submit(world.park, enterprise=world.enterprise_a)
    submit(world.park, category="noise", address="x")
    body = as_user(world.regulator).get("/api/v1/complaints", {"category": "noise"}).json()
    assert body["count"] == 1 and body["results"][0]["status"] == "received"
    body = as_user(world.regulator).get("/api/v1/complaints", {"unit": world.bureau.pk}).json()
    assert [r["code"] for r in body["results"]] == [a.code]
    assert body["results"][0]["handling_unit"] == {"id": world.bureau.pk, "name": "县环保局"}
    assert as_user(world.regulator).get("/api/v1/complaints", {"status": "lost"}).status_code == 422


def test_it_keeps_the_api_list_query_count_flat(world, as_user, django_assert_max_num_queries):
    for i in range(40):
        submit(world.park, enterprise=world.enterprise_a if i % 2 else world.enterprise_b, address=f"村{i}")
    client = as_user(world.officer)
    with django_assert_max_num_queries(12) as small:
        client.get("/api/v1/complaints", {"page_size": 3})
    with django_assert_max_num_queries(12) as large:
        client.get("/api/v1/complaints", {"page_size": 40})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_publishes_the_endpoints_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/complaints", "/api/v1/complaints/track/{code}", "/api/v1/complaints/challenge"):
        assert path in paths
    assert "security" not in paths["/api/v1/complaints/track/{code}"]["get"] or \
        paths["/api/v1/complaints/track/{code}"]["get"]["security"] == []


@pytest.mark.parametrize("code", ["../etc", "A" * 40, "%00"])
def test_it_answers_odd_codes_with_not_found(client, db, code):
    assert client.get(f"/api/v1/complaints/track/{code}").status_code == 404
