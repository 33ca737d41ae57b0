"""The review request period runs from the complainant's receipt of the written reply (信访工作条例
(2022): a review may be asked "自收到书面答复之日起30日内"): the reply SMS's delivery or a signed
receipt the office enters. Until one exists the period has not started."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.complaints import actions, sms
from qingyuan.complaints.actions.receipt import RECEIPT_PURPOSE
from qingyuan.complaints.tests.conftest import PNG
from qingyuan.complaints.tests.helpers import handled_and_replied, submit
from qingyuan.core import attachments
from qingyuan.core.models import AuditEntry
from qingyuan.core.workflow import TransitionError

CST = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CST)


def _replied(world, day: str, **fields):
    with time_machine.travel(at("2026-08-20"), tick=False):
        c = submit(world.park, enterprise=world.enterprise_a, **fields)
        while sms.send_one():  # the PIN message
            pass
    with time_machine.travel(at(day), tick=False):
        handled_and_replied(world, c)
    c.refresh_from_db()
    return c


def test_it_counts_the_review_period_from_the_sms_delivery_and_moves_it_off_a_sunday(world):
    """Replied Thursday 2026-09-10, the reply's SMS delivered Friday 09-11: 30 日 from 09-11 (民法典
    第二百零一条: 09-11 not counted) end on Sunday 10-11, a rest day (10-10 is the 2026 notice's make-up
    Saturday, 10-11 is not), so the last day is Monday 10-12 (民法典 第二百零三条)."""
    c = _replied(world, "2026-09-10", phone="13900000021")
    assert actions.review_deadline(c) is None  # not delivered yet: the period has not started
    with time_machine.travel(at("2026-09-11", 8), tick=False):
        while sms.send_one():
            pass
    c.refresh_from_db()
    assert (c.reply_received_on, c.reply_receipt) == (dt.date(2026, 9, 11), "sms")
    assert actions.review_deadline(c) == dt.date(2026, 10, 12)
    entry = AuditEntry.objects.get(action="complaint.reply_receipt", object_id=str(c.pk))
    assert entry.user is None and entry.after == {"reply_received_on": "2026-09-11", "reply_receipt": "sms"}


def test_it_says_the_period_has_not_started_and_refuses_a_review_without_a_receipt(world, as_user):
    c = _replied(world, "2026-09-10")  # no phone: no text message
    page = as_user(world.regulator).get(f"/complaints/{c.pk}/").content.decode()
    assert 'id="reply-receipt"' in page and 'id="receipt-form"' in page
    with time_machine.travel(at("2026-09-12"), tick=False):
        actions.do_rate_complaint(c, rating="dissatisfied", acting_user=world.regulator, as_complainant=False)
        with pytest.raises(TransitionError) as refused:
            actions.do_request_review(c, reason="仍有异味", acting_user=world.regulator, as_complainant=False)
    assert refused.value.code == "review"
    assert not c.reviews.exists()


def test_it_records_a_signed_receipt_with_its_scan_and_counts_from_it(world, as_user):
    """Signed for on Saturday 2026-09-19: 30 日 end on Monday 10-19, a working day."""
    c = _replied(world, "2026-09-10")
    office = as_user(world.regulator)
    with time_machine.travel(at("2026-09-21"), tick=False):
        early = office.post(f"/complaints/{c.pk}/act/receipt/", {
            "received_on": "2026-09-09", "receipt_file": SimpleUploadedFile("r.png", PNG, "image/png")})
        assert early.status_code == 302
        c.refresh_from_db()
        assert c.reply_received_on is None  # before the reply: refused, nothing stored
        assert not attachments.for_owner(c).filter(purpose=RECEIPT_PURPOSE).exists()
        response = office.post(f"/complaints/{c.pk}/act/receipt/", {
            "received_on": "2026-09-19", "receipt_file": SimpleUploadedFile("r.png", PNG, "image/png")})
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.reply_received_on, c.reply_receipt) == (dt.date(2026, 9, 19), "signed")
    assert attachments.for_owner(c).filter(purpose=RECEIPT_PURPOSE).count() == 1
    assert actions.review_deadline(c) == dt.date(2026, 10, 19)
    entry = AuditEntry.objects.get(action="complaint.reply_receipt", object_id=str(c.pk))
    assert entry.user == world.regulator


def test_it_lets_only_the_office_record_a_signed_receipt(world, as_user):
    c = _replied(world, "2026-09-10")
    for user in (world.officer, world.supervisor):
        response = as_user(user).post(f"/complaints/{c.pk}/act/receipt/", {
            "received_on": "2026-09-11", "receipt_file": SimpleUploadedFile("r.png", PNG, "image/png")})
        assert response.status_code in (403, 404), user
    assert as_user(world.ent_b).post(f"/complaints/{c.pk}/act/receipt/", {}).status_code == 404
    c.refresh_from_db()
    assert c.reply_received_on is None
