"""Text messages to complainants: a small backend interface and a queue the worker drains.

Actions call ``queue`` inside their transaction; the rows become visible on commit and
the worker step ``send_sms`` sends them through the configured backend
(``QINGYUAN_SMS_BACKEND``), retrying with back-off like e-mail deliveries. Qingyuan ships
only the log backend (it writes the message, phone masked, to the log) and the memory
backend for tests; a real gateway (a carrier's or a cloud SMS service) is a class with
``send(phone, text)`` that raises on failure — none is included.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Protocol

from django.utils import timezone
from django.utils.module_loading import import_string

from qingyuan.complaints import conf
from qingyuan.complaints.choices import SmsPurpose, SmsStatus
from qingyuan.complaints.models import Complaint, SmsMessage, mask_phone

log = logging.getLogger("qingyuan.complaints.sms")
MAX_ATTEMPTS = 6
PIN_MASK = "******"  # stands for the PIN in a stored text; the PIN itself waits in ``secret`` until sent
_PIN_LIKE = re.compile(r"(?<!\d)\d{6}(?!\d)")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogBackend:
    """Writes each message to the log instead of sending it (development, the demo); a PIN (any run
    of exactly six digits) is masked, so the log never holds one."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), _PIN_LIKE.sub(PIN_MASK, text))


class MemoryBackend:
    """Keeps messages in ``outbox`` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


def backend() -> SmsBackend:
    return import_string(conf.get("QINGYUAN_SMS_BACKEND"))()


def queue(complaint: Complaint, text: str, *, secret: str = "", purpose: str = "") -> SmsMessage | None:
    """Queue a message to the complainant if they left a phone number.

    ``secret`` replaces ``PIN_MASK`` in ``text`` when the message is sent, and is forgotten then.
    ``purpose`` ``SmsPurpose.REPLY`` marks the written reply: its delivery is the complainant's receipt.
    """
    if not complaint.phone:
        return None
    return SmsMessage.objects.create(complaint=complaint, phone=complaint.phone, text=text[:500], secret=secret,
                                     purpose=purpose, next_attempt_at=timezone.now())


def outgoing(message: SmsMessage) -> str:
    return message.text.replace(PIN_MASK, message.secret, 1) if message.secret else message.text


def send_one() -> bool:
    """Worker step: claim one due message (optimistically), send it, retry with back-off."""
    now = timezone.now()
    candidate = (SmsMessage.objects.filter(status=SmsStatus.PENDING, next_attempt_at__lte=now)
                 .order_by("next_attempt_at", "id").values_list("pk", "attempts").first())
    if candidate is None:
        return False
    pk, attempts = candidate
    claimed = SmsMessage.objects.filter(pk=pk, status=SmsStatus.PENDING, attempts=attempts).update(
        attempts=attempts + 1, next_attempt_at=now + dt.timedelta(minutes=5))
    if not claimed:
        return True
    message = SmsMessage.objects.get(pk=pk)
    try:
        backend().send(message.phone, outgoing(message))
    except Exception as exc:  # any gateway failure is retried
        failed = message.attempts >= MAX_ATTEMPTS
        SmsMessage.objects.filter(pk=pk).update(
            status=SmsStatus.FAILED if failed else SmsStatus.PENDING, **({"secret": ""} if failed else {}),
            next_attempt_at=now + dt.timedelta(seconds=min(3600, 60 * 2 ** message.attempts)),
            last_error=str(exc)[:1000])
        log.warning("SMS %s failed (attempt %s): %s", pk, message.attempts, exc)
    else:
        sent_at = timezone.now()
        SmsMessage.objects.filter(pk=pk).update(status=SmsStatus.SENT, sent_at=sent_at, last_error="", secret="")
        if message.purpose == SmsPurpose.REPLY:
            from qingyuan.complaints.actions.receipt import do_record_sms_receipt

            do_record_sms_receipt(message.complaint, delivered_at=sent_at)
    return True


