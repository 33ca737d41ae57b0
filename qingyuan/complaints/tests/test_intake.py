"""Public intake and tracking: no account, abuse protection, bad input refused or neutralised."""

import re

from qingyuan.complaints import ratelimit
from qingyuan.complaints.choices import PHOTO
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import form_data, png, public_post
from qingyuan.core import attachments
from qingyuan.core.models import Attachment, AuditEntry, Notification
from qingyuan.org.models import Park


def test_it_files_an_anonymous_complaint_with_a_photo_and_tracks_it(placed, client,
                                                                    django_capture_on_commit_callbacks):
    form = client.get(f"/public/complaints/{placed.park.code}/")
    assert form.status_code == 200 and "刺鼻" not in form.content.decode()
    token = re.search(r'name="challenge" value="([^"]+)"', form.content.decode()).group(1)
    assert ratelimit.question_of(token) in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/public/complaints/{placed.park.code}/", {
            **form_data(enterprise=str(placed.enterprise_a.pk), name="王秀英", phone="139 0797 1234",
                        observed_at="2026-11-28T21:30"),
            "challenge": token, "answer": str(ratelimit.solve(token)), "photos": [png()]})
    c = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/public/complaints/track/{c.code}/?new=1"
    assert len(c.code) == 10 and set(c.code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    assert (c.status, c.channel, c.case_type, c.handling_unit, c.routing_basis) == (
        "accepted", "online", "complaint", placed.bureau, "enterprise")
    assert c.name == "王秀英" and c.phone == "139 0797 1234" and len(c.phone_hash) == 64
    assert c.assignment is not None and c.assignment.assignee_unit == placed.bureau
    assert c.assignment.deadline == c.handle_deadline and c.assignment.source_id == str(c.pk)
    photo = attachments.for_owner(c).get()
    assert photo.purpose == PHOTO and photo.mime == "image/png" and photo.uploaded_by is None
    entry = AuditEntry.objects.get(action="complaint.submit")
    assert entry.user is None and entry.after["has_phone"] is True and entry.after["photos"] == 1
    assert "王秀英" not in str(entry.after) and "1234" not in str(entry.after)
    assert Notification.objects.filter(recipient=placed.regulator, kind="complaint.received").exists()
    assert c.sms.count() == 2  # the PIN, and "accepted, handled by ..." to the phone given

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and c.code in html and "县环保局" in html and "夜里有刺鼻气味" in html
    assert "王秀英" not in html and "1234" not in html and "<img" not in html  # photos are staff-only until published
    assert client.get(f"/public/complaints/track/{c.code}/photos/{photo.pk}/").status_code == 404


def test_it_routes_nothing_and_waits_for_the_office_when_nothing_is_known(world, client):
    response = public_post(client, world.park, address="河边", category="noise")
    c = Complaint.objects.get()
    assert response.status_code == 302 and c.status == "received" and c.handling_unit is None
    assert c.routing_basis == "triage" and c.assignment is None
    assert client.get(f"/public/complaints/track/{c.code}/").content.decode().count("县环保局") == 0


def test_it_limits_submissions_per_address(world, client, settings):
    settings.QINGYUAN_COMPLAINT_RATE_LIMIT = 2
    assert public_post(client, world.park).status_code == 302
    assert public_post(client, world.park).status_code == 302
    response = public_post(client, world.park)
    assert response.status_code == 429 and "12369" in response.content.decode()
    assert Complaint.objects.count() == 2
    other = client.post(f"/public/complaints/{world.park.code}/", form_data(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302 and Complaint.objects.count() == 3


def test_it_reads_the_client_address_from_the_configured_proxy_header(world, client, settings):
    settings.QINGYUAN_COMPLAINT_RATE_LIMIT = 1
    settings.QINGYUAN_COMPLAINT_IP_HEADER = "X-Real-IP"
    assert client.post(f"/public/complaints/{world.park.code}/", form_data(), HTTP_X_REAL_IP="1.2.3.4").status_code == 302
    assert client.post(f"/public/complaints/{world.park.code}/", form_data(), HTTP_X_REAL_IP="1.2.3.4").status_code == 429
    assert client.post(f"/public/complaints/{world.park.code}/", form_data(), HTTP_X_REAL_IP="5.6.7.8").status_code == 302


def test_it_counts_the_login_throttles_client_address_when_no_complaint_header_is_set(world, client, settings):
    settings.QINGYUAN_COMPLAINT_RATE_LIMIT = 1
    settings.QINGYUAN_COMPLAINT_IP_HEADER = ""
    settings.QINGYUAN_CLIENT_IP_HEADER = "X-Real-IP"
    url = f"/public/complaints/{world.park.code}/"
    assert client.post(url, form_data(), HTTP_X_REAL_IP="1.2.3.4").status_code == 302
    assert client.post(url, form_data(), HTTP_X_REAL_IP="1.2.3.4").status_code == 429
    assert client.post(url, form_data(), HTTP_X_REAL_IP="5.6.7.8").status_code == 302


def test_it_refuses_a_filled_honeypot(world, client):
    response = public_post(client, world.park, website="http://spam.example")
    assert response.status_code == 400 and "自动" in response.content.decode()
    assert Complaint.objects.count() == 0 and AuditEntry.objects.filter(action="complaint.submit").count() == 0


def test_it_refuses_a_wrong_forged_or_replayed_challenge(world, client):
    wrong = public_post(client, world.park, answer="99")
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()
    forged = public_post(client, world.park, challenge="eyJhIjoxLCJiIjoxfQ:forged", answer="2")
    assert forged.status_code == 400
    assert Complaint.objects.count() == 0
    data = form_data()
    assert client.post(f"/public/complaints/{world.park.code}/", data).status_code == 302
    replay = client.post(f"/public/complaints/{world.park.code}/", data)
    assert replay.status_code == 400 and Complaint.objects.count() == 1


def test_it_refuses_oversized_and_non_image_uploads(world, client, settings):
    settings.QINGYUAN_COMPLAINT_PHOTO_MAX_MB = 1
    big = public_post(client, world.park, photos=[png(size=1024 * 1024 + 1)])
    assert big.status_code == 400 and "1 MB" in big.content.decode()
    fake = public_post(client, world.park, photos=[png("evil.png", None).__class__(
        "evil.png", b"%PDF-1.7 not an image", content_type="image/png")])
    assert fake.status_code == 400 and "evil.png" in fake.content.decode()
    script = public_post(client, world.park, photos=[png().__class__(
        "x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")])
    assert script.status_code == 400
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0


def test_it_stores_script_as_given_and_shows_it_escaped(placed, client, as_user):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert public_post(client, placed.park, description=evil, address=evil, name="<b>x</b>").status_code == 302
    c = Complaint.objects.get()
    assert c.description == evil and c.address == evil
    for html in (client.get(f"/public/complaints/track/{c.code}/").content.decode(),
                 as_user(placed.regulator).get(f"/complaints/{c.pk}/").content.decode()):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_it_refuses_absurd_coordinates_with_a_clear_message(placed, client):
    outside = public_post(client, placed.park, longitude="0", latitude="0")
    assert outside.status_code == 400 and "中国境外" in outside.content.decode()
    far = public_post(client, placed.park, longitude="116.397", latitude="39.909")  # Beijing
    assert far.status_code == 400 and "12369" in far.content.decode() and "公里" in far.content.decode()
    half = public_post(client, placed.park, longitude="116.41", latitude="")
    assert half.status_code == 400
    assert Complaint.objects.count() == 0
    near = public_post(client, placed.park, longitude="116.4101", latitude="27.8352", address="")
    assert near.status_code == 302 and Complaint.objects.count() == 1


def test_it_requires_a_description_and_a_place(world, client):
    response = public_post(client, world.park, description="  ", address="")
    html = response.content.decode()
    assert response.status_code == 400 and Complaint.objects.count() == 0
    assert "请描述" in html or "必填" in html


def test_it_answers_an_unknown_code_exactly_like_an_untrackable_one(world, client):
    public_post(client, world.park)
    c = Complaint.objects.get()
    Complaint.objects.filter(pk=c.pk).update(trackable=False)
    hidden = client.get(f"/public/complaints/track/{c.code}/")
    missing = client.get("/public/complaints/track/ZZZZZZZZZZ/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden["Content-Type"] == missing["Content-Type"]
    api_hidden = client.get(f"/api/v1/complaints/track/{c.code}")
    api_missing = client.get("/api/v1/complaints/track/ZZZZZZZZZZ")
    assert api_hidden.status_code == api_missing.status_code == 404 and api_hidden.content == api_missing.content
    rate_hidden = client.post(f"/public/complaints/track/{c.code}/rate/", {"rating": "satisfied"})
    assert rate_hidden.status_code == 404 and rate_hidden.content == missing.content


def test_it_redirects_the_lookup_form_to_the_tracking_page(world, client):
    assert client.get("/public/complaints/track/", {"code": " abcdefghjk "})["Location"] == \
        "/public/complaints/track/ABCDEFGHJK/"
    index = client.get("/public/complaints/")  # two parks: a list to choose from
    assert index.status_code == 200 and f"/public/complaints/{world.park.code}/" in index.content.decode()


def test_it_goes_straight_to_the_form_when_there_is_one_park(db, client):
    park = Park.objects.create(name="唯一园区", code="only-park", county="某县")
    assert client.get("/public/complaints/")["Location"] == f"/public/complaints/{park.code}/"
    assert client.get("/public/complaints/nowhere/").status_code == 404
