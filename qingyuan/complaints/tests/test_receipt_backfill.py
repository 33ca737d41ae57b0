"""A demo seeded before receipts were recorded (complaints 0006) gets them on the next seed: each reply to a
complainant with a phone is received when its text message was delivered (信访工作条例: the review may be asked
"自收到书面答复之日起30日内"), once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from qingyuan.complaints.demo import backfill_receipts
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.helpers import handled_and_replied, submit
from qingyuan.core.models import AuditEntry

CST = ZoneInfo("Asia/Shanghai")


def _replied_without_receipt(world, **fields):
    with time_machine.travel(dt.datetime(2026, 8, 20, 10, tzinfo=CST), tick=False):
        c = submit(world.park, enterprise=world.enterprise_a, **fields)
    with time_machine.travel(dt.datetime(2026, 9, 3, 15, 30, tzinfo=CST), tick=False):
        handled_and_replied(world, c)
    Complaint.objects.filter(pk=c.pk).update(reply_received_on=None, reply_receipt="")  # as before 0006
    return c


def test_it_records_the_receipt_of_an_old_reply_once_and_dates_it_then(world):
    c = _replied_without_receipt(world, phone="13979791001", name="李建国")
    assert backfill_receipts(world.park) == 1
    c.refresh_from_db()
    assert c.reply_received_on == dt.date(2026, 9, 3) and c.reply_receipt == "sms"
    entry = AuditEntry.objects.get(action="complaint.reply_receipt", object_id=str(c.pk))
    assert entry.time.astimezone(CST).date() == dt.date(2026, 9, 3)  # dated the delivery, not the seeding
    assert backfill_receipts(world.park) == 0  # a second seed changes nothing
    assert AuditEntry.objects.filter(action="complaint.reply_receipt", object_id=str(c.pk)).count() == 1


def test_it_leaves_a_reply_without_a_phone_waiting_for_a_signed_receipt(world):
    c = _replied_without_receipt(world, phone="")
    assert backfill_receipts(world.park) == 0
    c.refresh_from_db()
    assert c.reply_received_on is None
