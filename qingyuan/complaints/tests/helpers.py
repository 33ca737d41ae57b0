"""Build complaints through the actions, as the pages do."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qingyuan.complaints import actions
from qingyuan.complaints.actions.receipt import do_record_sms_receipt


def submit(park: Any, **fields: Any) -> Any:
    values = {"category": "odour", "description": "刺鼻气味", "address": "临江村"}
    values.update(fields)
    return actions.do_submit_complaint(park=park, **values)


def register(world: Any, **fields: Any) -> Any:
    values = {"channel": "hotline", "case_type": "complaint", "category": "odour", "description": "来电反映异味",
              "address": "园区北门"}
    values.update(fields)
    return actions.do_register_complaint(park=world.park, acting_user=world.regulator, **values)


def handled_and_replied(world: Any, c: Any, *, unit_user: Any = None, reply: str = "已查处，责令整改。") -> Any:
    """Accept to the bureau (if needed), start, reply."""
    if c.status == "received":
        actions.do_accept_complaint(c, unit=world.bureau, acting_user=world.regulator)
    user = unit_user or world.officer
    actions.do_start_handling(c, acting_user=user)
    actions.do_reply_complaint(c, acting_user=user, reply=reply, internal_note="内部：企业法人已约谈")
    return c


def received(c: Any) -> Any:
    """The complainant received the written reply now (as when its text message is delivered): the
    review request period starts."""
    do_record_sms_receipt(c, delivered_at=timezone.now())
    c.refresh_from_db()
    return c
