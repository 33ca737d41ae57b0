"""Answering on a phone: one response per phone per round, codes that expire and are used once, limits."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from qingyuan.complaints import sms
from qingyuan.core.models import AuditEntry
from qingyuan.surveys import phone
from qingyuan.surveys.models import Response, SmsCode
from qingyuan.surveys.tests.conftest import last_code, new_round, post_data, village

PHONE = "13907971234"


def url(r, v, tail=""):
    return f"/public/surveys/{r.code}/{v.pk}/{tail}"


def ask_code(client, r, v, number=PHONE):
    return client.post(url(r, v, "code/"), {"phone": number})


def test_it_takes_one_answer_after_an_sms_code_and_keeps_only_a_hash_of_the_phone(world, client):
    v = village(world, "临江村")
    r = new_round(world)
    assert client.get(url(r, v)).status_code == 200
    response = ask_code(client, r, v, "139 0797 1234")
    assert response.status_code == 302
    assert sms.MemoryBackend.outbox[-1][0] == PHONE and r.title in sms.MemoryBackend.outbox[-1][1]
    page = client.get(url(r, v)).content.decode()
    assert "139****1234" in page and PHONE not in page
    done = client.post(url(r, v), post_data(r, 2, last_code()))
    assert done.status_code == 302 and done["Location"].endswith("/thanks/")
    saved = Response.objects.get()
    assert saved.village == v and saved.channel == "phone" and saved.satisfaction == 2 and saved.satisfied
    assert saved.phone_hash == phone.phone_hash(PHONE) and PHONE not in saved.phone_hash
    entry = AuditEntry.objects.get(action="survey_response.submit")
    assert PHONE not in str(entry.after) and entry.after["satisfaction"] == 2
    assert not SmsCode.objects.filter(code_hash__contains=last_code()).exists()


def test_it_refuses_a_second_response_from_the_same_phone_in_a_round(world, client, as_user):
    v = village(world, "临江村")
    r = new_round(world)
    ask_code(client, r, v)
    assert client.post(url(r, v), post_data(r, 1, last_code())).status_code == 302
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        other_device = as_user(None)
        refused = ask_code(other_device, r, v, "+86 13907971234")
    assert refused.status_code == 400 and "已经" in refused.content.decode()
    assert len(sms.MemoryBackend.outbox) == 1 and Response.objects.count() == 1
    # The database refuses it too, whatever the path.
    try:
        phone.do_submit_response(r, v, phone.phone_hash(PHONE), "000000", {}, 1)
    except phone.Refused as error:
        assert error.code in ("wrong", "duplicate")
    assert Response.objects.count() == 1
    # Another round takes the same phone.
    r2 = new_round(world, year=r.year + 1)
    assert ask_code(other_device, r2, v).status_code == 302


def test_it_refuses_an_expired_code_and_a_reused_one(world, client):
    v = village(world, "临江村")
    r = new_round(world)
    ask_code(client, r, v)
    code = last_code()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=phone.CODE_MINUTES + 1)):
        expired = client.post(url(r, v), post_data(r, 1, code))
    assert expired.status_code == 400 and "过期" in expired.content.decode()
    assert Response.objects.count() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=phone.CODE_MINUTES + 2)):
        ask_code(client, r, v)
        fresh = last_code()
        assert client.post(url(r, v), post_data(r, 1, fresh)).status_code == 302
        try:
            phone.do_submit_response(r, v, phone.phone_hash(PHONE), fresh, {}, 1)
            raise AssertionError("a used code was accepted")
        except phone.Refused as error:
            assert error.code == "reused"
    assert Response.objects.count() == 1


def test_it_refuses_a_wrong_code_and_locks_after_five(world, client):
    v = village(world, "临江村")
    r = new_round(world)
    ask_code(client, r, v)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(phone.MAX_FAILURES):
        refused = client.post(url(r, v), post_data(r, 1, wrong))
        assert refused.status_code == 400
    locked = client.post(url(r, v), post_data(r, 1, code))
    assert locked.status_code == 400 and "新的验证码" in locked.content.decode()
    assert Response.objects.count() == 0


def test_it_limits_code_requests_per_phone_and_per_connection(world, client, as_user):
    v = village(world, "临江村")
    r = new_round(world)
    assert ask_code(client, r, v).status_code == 302
    again = ask_code(as_user(None), r, v)
    assert again.status_code == 429 and len(sms.MemoryBackend.outbox) == 1
    start = timezone.now()
    for i in range(1, phone.PHONE_PER_DAY):
        with time_machine.travel(start + dt.timedelta(minutes=2 * i)):
            assert ask_code(as_user(None), r, v).status_code == 302
    with time_machine.travel(start + dt.timedelta(minutes=30)):
        assert ask_code(as_user(None), r, v).status_code == 429
    assert len(sms.MemoryBackend.outbox) == phone.PHONE_PER_DAY
    for i in range(phone.ADDRESS_PER_HOUR):
        ask_code(as_user(None), r, v, f"1380000{i:04d}")
    assert ask_code(as_user(None), r, v, "13811112222").status_code == 429
    assert not any(p == "13811112222" for p, _t in sms.MemoryBackend.outbox)


def test_it_answers_404_for_a_draft_round_and_refuses_answers_when_closed(world, client):
    v = village(world, "临江村")
    draft = new_round(world, status="draft")
    assert client.get(url(draft, v)).status_code == 404
    assert ask_code(client, draft, v).status_code == 404
    closed = new_round(world, year=draft.year + 1, status="closed")
    page = client.get(url(closed, v))
    assert page.status_code == 200 and 'id="survey-closed"' in page.content.decode()
    assert ask_code(client, closed, v).status_code == 400 and not sms.MemoryBackend.outbox
    assert client.get(f"/public/surveys/{closed.code}/999999/").status_code == 404


def test_it_refuses_a_bad_phone_number_with_a_clear_message(world, client):
    v = village(world, "临江村")
    r = new_round(world)
    bad = ask_code(client, r, v, "12345")
    assert bad.status_code == 400 and "11" in bad.content.decode() and not sms.MemoryBackend.outbox
    assert not SmsCode.objects.exists()
