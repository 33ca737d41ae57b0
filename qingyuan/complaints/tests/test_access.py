"""Ownership: who sees which complaint, page and endpoint, and who sees personal data."""

import io

import pytest
from openpyxl import load_workbook

from qingyuan.complaints import actions
from qingyuan.complaints.tests.conftest import png
from qingyuan.complaints.tests.helpers import submit
from qingyuan.core import attachments
from qingyuan.core.models import AuditEntry, TransitionRecord

NAME, PHONE = "赵六", "13911112222"
# persona → sees complaint A (bureau, about enterprise A), sees personal data
EXPECTED = {
    "regulator": (True, True), "leader": (True, False), "officer": (True, True), "township": (False, False),
    "ent_a": (True, False), "ent_b": (False, False), "inspector": (True, False), "supervisor": (True, False),
    "outsider": (False, False),
}
SEES_CODES = {"regulator", "leader", "officer"}


@pytest.fixture
def cases(world):
    a = submit(world.park, enterprise=world.enterprise_a, name=NAME, phone=PHONE, photos=[png()])
    received = submit(world.park, address="无人知晓", name="钱七", phone="13933334444")
    return a, received


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_it_shows_the_detail_page_only_to_those_who_may_see_it(world, cases, as_user, persona, expected):
    a, received = cases
    sees, personal = expected
    response = as_user(getattr(world, persona)).get(f"/complaints/{a.pk}/")
    assert response.status_code == (200 if sees else 404)
    html = response.content.decode()
    assert (NAME in html and PHONE in html) == personal
    photo = attachments.for_owner(a).get()
    photo_status = as_user(getattr(world, persona)).get(f"/complaints/{a.pk}/photos/{photo.pk}/").status_code
    assert photo_status == (200 if sees and persona != "ent_a" else 404)  # enterprises: published photos only
    received_status = as_user(getattr(world, persona)).get(f"/complaints/{received.pk}/").status_code
    assert received_status == (200 if persona in ("regulator", "leader", "inspector", "supervisor") else 404)


def test_it_sends_anonymous_visitors_to_the_login_page(world, cases, as_user):
    a, _ = cases
    for url in ("/complaints/", f"/complaints/{a.pk}/", "/complaints/statistics/", "/complaints/new/",
                "/complaints/export.xlsx"):
        response = as_user(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert as_user(None).get("/api/v1/complaints").status_code == 401
    assert as_user(None).get(f"/api/v1/complaints/{a.pk}").status_code == 401


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_it_lists_and_exports_only_visible_complaints(world, cases, as_user, persona, expected):
    a, received = cases
    client = as_user(getattr(world, persona))
    html = client.get("/complaints/").content.decode()
    assert (f'href="/complaints/{a.pk}/"' in html) == expected[0] and NAME not in html and PHONE not in html
    sheet = load_workbook(io.BytesIO(client.get("/complaints/export.xlsx").content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    key = a.code if persona in SEES_CODES else a.reference  # the others see the reference (test_codes.py)
    assert (key in rows) == expected[0]
    if key in rows:
        assert (rows[key][-2] == NAME and rows[key][-1] == PHONE) == expected[1]
    api = client.get("/api/v1/complaints").json()
    by_id = {r["id"]: r for r in api["results"]}
    assert (a.pk in by_id) == expected[0]
    if a.pk in by_id:
        assert (by_id[a.pk]["name"], by_id[a.pk]["phone"]) == ((NAME, PHONE) if expected[1] else (None, None))
    detail = client.get(f"/api/v1/complaints/{a.pk}")
    assert detail.status_code == (200 if expected[0] else 404)


def test_it_lets_only_the_office_register_complaints(world, as_user):
    assert as_user(world.regulator).get("/complaints/new/").status_code == 200
    for persona in ("officer", "township", "supervisor", "inspector", "ent_a"):
        assert as_user(getattr(world, persona)).get("/complaints/new/").status_code == 403
    response = as_user(world.officer).post("/complaints/new/", {"case_type": "petition"})
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["supervisor", "inspector", "ent_a", "township", "outsider"])
def test_it_refuses_actions_to_those_who_may_not_act(world, cases, as_user, persona):
    a, received = cases
    client = as_user(getattr(world, persona))
    for url, data in ((f"/complaints/{a.pk}/act/reply/", {"reply": "我来答复"}),
                      (f"/complaints/{a.pk}/act/start/", {}),
                      (f"/complaints/{received.pk}/act/accept/", {"unit": world.bureau.pk}),
                      (f"/complaints/{received.pk}/act/not_accept/", {"reason": "不受理"})):
        response = client.post(url, data)
        assert response.status_code in (302, 404)
    a.refresh_from_db()
    received.refresh_from_db()
    assert (a.status, received.status) == ("accepted", "received") and a.reply == ""
    assert not TransitionRecord.objects.filter(transition__in=["reply", "start", "not_accept"]).exists()
    photo = attachments.for_owner(a).get()
    assert client.post(f"/complaints/{a.pk}/photos/{photo.pk}/public/", {"public": "1"}).status_code in (403, 404)
    assert attachments.for_owner(a).get().purpose == "complaint_photo"


def test_it_lets_the_office_publish_a_photo_for_the_tracking_page(world, cases, as_user, client):
    a, _ = cases
    photo = attachments.for_owner(a).get()
    assert client.get(f"/public/complaints/track/{a.code}/photos/{photo.pk}/").status_code == 404
    response = as_user(world.regulator).post(f"/complaints/{a.pk}/photos/{photo.pk}/public/", {"public": "1"})
    assert response.status_code == 302
    assert client.get(f"/public/complaints/track/{a.code}/photos/{photo.pk}/").status_code == 200
    assert f"/photos/{photo.pk}/" in client.get(f"/public/complaints/track/{a.code}/").content.decode()
    assert as_user(world.ent_a).get(f"/complaints/{a.pk}/photos/{photo.pk}/").status_code == 200
    entry = AuditEntry.objects.get(action="complaint.photo_public")
    assert entry.user == world.regulator and entry.after == {"purpose": "complaint_photo_public"}


def test_it_lets_the_handling_unit_and_the_office_act(world, cases, as_user):
    a, received = cases
    assert as_user(world.officer).post(f"/complaints/{a.pk}/act/start/").status_code == 302
    as_user(world.officer).post(f"/complaints/{a.pk}/act/reply/", {"reply": "已处理完毕"})
    a.refresh_from_db()
    assert (a.status, a.reply) == ("replied", "已处理完毕")
    as_user(world.regulator).post(f"/complaints/{received.pk}/act/accept/", {"unit": world.township_unit.pk})
    received.refresh_from_db()
    assert (received.status, received.handling_unit) == ("accepted", world.township_unit)
    assert as_user(world.township).get(f"/complaints/{received.pk}/").status_code == 200


def test_it_shows_statistics_of_the_users_own_scope(world, cases, as_user):
    assert as_user(world.regulator).get("/complaints/statistics/").status_code == 200
    assert as_user(world.officer).get("/complaints/statistics/").status_code == 200
    assert as_user(world.outsider).get(f"/complaints/statistics/?park={world.park.pk}").status_code == 404
    a, _ = cases
    actions.do_return_complaint(a, acting_user=world.officer, reason="x", suggested_unit=world.township_unit)
    assert as_user(world.officer).get(f"/complaints/{a.pk}/").status_code == 200  # still theirs until re-routed
