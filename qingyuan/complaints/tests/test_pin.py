"""The public side changes a complaint only with the complainant's PIN, never with the code alone."""

import logging

from qingyuan.complaints import actions, sms
from qingyuan.complaints.actions.pin import pin_matches
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import public_post
from qingyuan.complaints.tests.helpers import handled_and_replied, received, register, submit
from qingyuan.core.models import AuditEntry, TransitionRecord


def _replied(world, **fields):
    c = submit(world.park, enterprise=world.enterprise_a, **fields)
    return handled_and_replied(world, c)


def _state(c):
    c.refresh_from_db()
    return (c.status, c.rating, TransitionRecord.objects.filter(transition="rate").count(),
            AuditEntry.objects.filter(action__in=["complaint.review_request", "workflow.rate"]).count(),
            Complaint.objects.filter(review_of=c).count())


def test_it_refuses_to_rate_with_the_code_alone_or_a_wrong_pin(world, client):
    c = _replied(world)
    before = _state(c)
    no_pin = client.post(f"/public/complaints/track/{c.code}/rate/", {"rating": "satisfied"})
    assert no_pin.status_code == 403 and "请输入提交投诉时获得的评价密码" in no_pin.content.decode()
    assert _state(c) == before and not AuditEntry.objects.filter(action__startswith="complaint.pin").exists()
    wrong = "000000" if c.pin != "000000" else "111111"
    bad = client.post(f"/public/complaints/track/{c.code}/rate/", {"rating": "satisfied", "pin": wrong})
    assert bad.status_code == 403 and "评价密码不正确" in bad.content.decode()
    assert _state(c) == before and c.pin_failures == 1
    entry = AuditEntry.objects.get(action="complaint.pin_failed")
    assert entry.object_id == str(c.pk) and entry.after == {"pin_failures": 1} and wrong not in str(entry.after)
    api = client.post(f"/api/v1/complaints/track/{c.code}/rating", {"rating": "satisfied"},
                      content_type="application/json")
    assert api.status_code == 403 and api.json()["error"] and _state(c) == before

    ok = client.post(f"/public/complaints/track/{c.code}/rate/", {"rating": "satisfied", "pin": c.pin})
    assert ok.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.rating, c.pin_failures) == ("closed", "satisfied", 1)


def test_it_refuses_a_review_request_without_the_pin(world, client):
    c = received(_replied(world))
    actions.do_rate_complaint(c, rating="dissatisfied", comment="仍有气味")
    refused = client.post(f"/public/complaints/track/{c.code}/review/", {"reason": "请复查"})
    assert refused.status_code == 403 and not c.reviews.exists()
    assert not AuditEntry.objects.filter(action="complaint.review_request").exists()
    done = client.post(f"/public/complaints/track/{c.code}/review/", {"reason": "请复查", "pin": c.pin})
    assert done.status_code == 302
    review = c.reviews.get()
    assert review.pin_hash == c.pin_hash  # the complainant follows the review with the same PIN


def test_it_locks_the_public_side_after_five_wrong_pins(world, client):
    c = _replied(world)
    wrong = "000000" if c.pin != "000000" else "111111"
    for _ in range(5):
        assert client.post(f"/public/complaints/track/{c.code}/rate/",
                           {"rating": "satisfied", "pin": wrong}).status_code == 403
    assert AuditEntry.objects.filter(action="complaint.pin_failed").count() == 5
    assert AuditEntry.objects.filter(action="complaint.pin_locked").count() == 1
    locked = client.post(f"/public/complaints/track/{c.code}/rate/", {"rating": "satisfied", "pin": c.pin})
    assert locked.status_code == 403 and "12369" in locked.content.decode()
    c.refresh_from_db()
    assert (c.status, c.rating, c.pin_failures) == ("replied", "", 5)
    assert 'id="pin-locked"' in client.get(f"/public/complaints/track/{c.code}/").content.decode()


def test_it_shows_the_pin_once_and_texts_it_without_storing_or_logging_it(world, client, as_user, caplog,
                                                                         settings):
    response = public_post(client, world.park, phone="13907970000", enterprise=str(world.enterprise_a.pk))
    c = Complaint.objects.get()
    first = client.get(response["Location"]).content.decode()
    pin = first.split('id="tracking-pin">')[1].split("<")[0]
    assert len(pin) == 6 and pin.isdigit() and pin_matches(c.pin_hash, pin) and pin not in c.pin_hash
    assert pin not in client.get(response["Location"]).content.decode()  # once only
    message = c.sms.get(text__contains="评价")
    assert pin not in message.text and sms.PIN_MASK in message.text and message.secret == pin
    staff = as_user(world.regulator).get(f"/complaints/{c.pk}/").content.decode()
    assert sms.PIN_MASK in staff and pin not in staff
    assert not any(pin in str(e.after) + str(e.before) + e.message for e in AuditEntry.objects.all())
    settings.QINGYUAN_SMS_BACKEND = "qingyuan.complaints.sms.LogBackend"
    with caplog.at_level(logging.INFO, logger="qingyuan.complaints.sms"):
        while sms.send_one():
            pass
    assert "评价" in caplog.text and pin not in caplog.text
    message.refresh_from_db()
    assert message.status == "sent" and message.secret == ""
    settings.QINGYUAN_SMS_BACKEND = "qingyuan.complaints.sms.MemoryBackend"
    other = submit(world.park, phone="13907971111")
    sms.MemoryBackend.outbox.clear()
    while sms.send_one():
        pass
    assert any(other.pin in text for _phone, text in sms.MemoryBackend.outbox)


def test_it_says_a_complaint_without_a_pin_cannot_be_rated_here(world, client):
    c = register(world)  # a hotline call with no phone: no PIN to give
    assert c.pin_hash == ""
    handled_and_replied(world, c)
    page = client.get(f"/public/complaints/track/{c.code}/").content.decode()
    assert 'id="no-pin"' in page and 'id="rating-form"' not in page
    refused = client.post(f"/public/complaints/track/{c.code}/rate/", {"rating": "satisfied", "pin": "123456"})
    assert refused.status_code == 403 and "12369" in refused.content.decode()
    c.refresh_from_db()
    assert (c.status, c.rating) == ("replied", "")


def test_it_returns_the_pin_once_from_the_public_api(world, client):
    from qingyuan.complaints.tests.test_api import payload, post

    created = post(client, payload(world.park, enterprise_id=world.enterprise_a.pk)).json()
    c = Complaint.objects.get(code=created["code"])
    assert pin_matches(c.pin_hash, created["pin"])
    assert "pin" not in client.get(f"/api/v1/complaints/track/{c.code}").json()
