"""One response per phone per round, verified by an SMS code.

A code is six digits, sent through the complaints' SMS backend (``qingyuan.complaints.sms.backend``:
the log backend masks it, tests read the memory backend's outbox). Only keyed hashes (HMAC with
SECRET_KEY) of the phone, the code and the client address are stored. A code expires after
``CODE_MINUTES``, is used once, and dies after ``MAX_FAILURES`` wrong tries. Requests are limited per
phone (one a minute, ``PHONE_PER_DAY`` a day) and per address (``ADDRESS_PER_HOUR``).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingyuan.complaints import sms
from qingyuan.complaints.ratelimit import client_ip
from qingyuan.core import audit
from qingyuan.core.workflow import TransitionError
from qingyuan.surveys.choices import Channel, RoundStatus
from qingyuan.surveys.models import Response, Round, SmsCode, Village

log = logging.getLogger("qingyuan.surveys")
CODE_MINUTES = 10
MAX_FAILURES = 5
RESEND_SECONDS = 60
PHONE_PER_DAY = 5
ADDRESS_PER_HOUR = 20
SMS_TEXT = gettext_noop("[Qingyuan] Your code for the satisfaction survey %(title)s is %(code)s, valid for "
                        "%(minutes)d minutes. Do not tell anyone.")


class Refused(TransitionError):
    """The code was not sent or the response not taken; nothing was stored."""


def _hash(purpose: str, value: str) -> str:
    return salted_hmac(f"qingyuan.surveys.{purpose}", value, algorithm="sha256").hexdigest()


def phone_hash(phone: str) -> str:
    return _hash("phone", phone)


def address_hash(request: Any) -> str:
    return _hash("address", client_ip(request))


def is_taking_answers(round_: Round) -> bool:
    today = timezone.localdate()
    return round_.status == RoundStatus.OPEN and round_.opens_on <= today <= round_.closes_on


def _check_open(round_: Round) -> None:
    if not is_taking_answers(round_):
        raise Refused(_("This survey is not taking answers now."), code="closed")


def already_answered(round_: Round, hashed: str) -> bool:
    return Response.objects.filter(round=round_, phone_hash=hashed).exists()


def _duplicate() -> Refused:
    return Refused(_("This phone number has already answered this survey. Each phone answers once per round; "
                     "thank you for taking part."), code="duplicate")


def do_request_code(round_: Round, phone: str, *, address: str) -> None:
    """Send a code to ``phone`` for this round, or refuse (closed, already answered, too many requests)."""
    _check_open(round_)
    hashed, now = phone_hash(phone), timezone.now()
    if already_answered(round_, hashed):
        raise _duplicate()
    recent = SmsCode.objects.filter(round=round_, phone_hash=hashed, created_at__gt=now - dt.timedelta(days=1))
    if recent.filter(created_at__gt=now - dt.timedelta(seconds=RESEND_SECONDS)).exists():
        raise Refused(_("A code was just sent to this number. Please wait a minute before asking again."),
                      code="too_soon")
    if recent.count() >= PHONE_PER_DAY:
        raise Refused(_("Too many codes were asked for this number today. Please try again tomorrow."),
                      code="phone_limit")
    if SmsCode.objects.filter(address_hash=address, created_at__gt=now - dt.timedelta(hours=1)).count() \
            >= ADDRESS_PER_HOUR:
        raise Refused(_("Too many codes were asked from this connection. Please try again in an hour."),
                      code="address_limit")
    code = f"{secrets.randbelow(10 ** 6):06d}"
    row = SmsCode.objects.create(round=round_, phone_hash=hashed, code_hash=_hash("code", f"{row_salt(hashed)}{code}"),
                                 address_hash=address, created_at=now,
                                 expires_at=now + dt.timedelta(minutes=CODE_MINUTES))
    try:
        sms.backend().send(phone, _(SMS_TEXT) % {"title": round_.title, "code": code, "minutes": CODE_MINUTES})
    except Exception as exc:  # a gateway failure: forget the code, let them try again
        SmsCode.objects.filter(pk=row.pk).delete()
        log.warning("survey code SMS failed: %s", exc)
        raise Refused(_("The text message could not be sent. Please try again in a few minutes."),
                      code="sms_failed") from None


def row_salt(hashed_phone: str) -> str:
    return hashed_phone[:16]


def _verify_code(round_: Round, hashed: str, code: str) -> SmsCode:
    """The newest code sent to this phone for this round, if ``code`` matches it and it is still good."""
    now = timezone.now()
    latest = SmsCode.objects.filter(round=round_, phone_hash=hashed).order_by("-created_at", "-id").first()
    if latest is None:
        raise Refused(_("No code was sent to this number for this survey. Ask for a code first."), code="no_code")
    if not constant_time_compare(latest.code_hash, _hash("code", f"{row_salt(hashed)}{code}")):
        SmsCode.objects.filter(pk=latest.pk).update(failures=F("failures") + 1)
        if latest.failures + 1 >= MAX_FAILURES:
            raise Refused(_("The code is wrong too many times. Ask for a new code."), code="locked")
        raise Refused(_("The code is not right. Check the text message and try again."), code="wrong")
    if latest.used_at is not None:
        raise Refused(_("This code has already been used. Each code can be used once."), code="reused")
    if latest.failures >= MAX_FAILURES:
        raise Refused(_("The code is wrong too many times. Ask for a new code."), code="locked")
    if latest.expires_at <= now:
        raise Refused(_("The code has expired (codes are valid for %(minutes)d minutes). Ask for a new code.")
                      % {"minutes": CODE_MINUTES}, code="expired")
    return latest


def do_submit_response(round_: Round, village: Village, hashed: str, code: str,
                       answers: dict[str, Any], satisfaction: int | None) -> Response:
    """Store the phone's response after checking its code; the code is used up with it."""
    _check_open(round_)
    if village.park_id != round_.park_id or not village.is_active:
        raise Refused(_("This village is not in the survey."), code="village")
    found = _verify_code(round_, hashed, code)  # first, so a replayed code is named as such
    if already_answered(round_, hashed):
        raise _duplicate()
    try:
        with transaction.atomic():
            if not SmsCode.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=timezone.now()):
                raise Refused(_("This code has already been used. Each code can be used once."), code="reused")
            response = Response.objects.create(round=round_, village=village, channel=Channel.PHONE,
                                               phone_hash=hashed, answers=answers, satisfaction=satisfaction,
                                               submitted_at=timezone.now())
            audit.record("survey_response.submit", response, acting_user=None, related=round_,
                         after={"village": village.name, "channel": Channel.PHONE, "satisfaction": satisfaction})
    except IntegrityError:  # the same phone in a parallel request
        raise _duplicate() from None
    return response
