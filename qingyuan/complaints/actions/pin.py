"""The complainant's PIN: the secret that lets the public side change a complaint.

The tracking code only reads a complaint's status: enterprise users and the park's readers do not
see it, but it is written on paper and in text messages. Rating the reply and asking for a review
also need the PIN, shown once on the confirmation page and sent by text message when a phone was
given. Only a salted, keyed hash is stored; wrong PINs are counted per complaint, and after
``QINGYUAN_COMPLAINT_PIN_ATTEMPTS`` of them the public side can no longer act on it (the office
still can, on the complainant's word).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingyuan.complaints import conf, sms
from qingyuan.complaints.actions.common import text
from qingyuan.complaints.models import Complaint
from qingyuan.core import audit
from qingyuan.core.workflow import TransitionError

PIN_DIGITS = 6
SMS_PIN = gettext_noop("Your complaint %(code)s was received. To rate the reply or ask for a review you need "
                       "the PIN %(pin)s; keep it to yourself.")


class PinRefused(TransitionError):
    """No PIN, a wrong one, or too many wrong ones: nothing about the complaint changed."""


def new_pin() -> str:
    return f"{secrets.randbelow(10 ** PIN_DIGITS):0{PIN_DIGITS}d}"


def _digest(salt: str, pin: str) -> str:
    return salted_hmac(f"qingyuan.complaints.pin.{salt}", pin, algorithm="sha256").hexdigest()


def hash_pin(pin: str) -> str:
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, pin)}"


def pin_matches(stored: str, pin: str) -> bool:
    salt, _sep, digest = stored.partition("$")
    return bool(salt and digest) and constant_time_compare(digest, _digest(salt, pin))


def send_pin(c: Complaint, pin: str) -> None:
    """Text the PIN to the complainant; staff reading the message see it masked (sms.PIN_MASK)."""
    sms.queue(c, text(SMS_PIN, code=c.code, pin=sms.PIN_MASK), secret=pin)


def do_verify_complaint_pin(c: Complaint, pin: Any) -> None:
    """Let the public side act on ``c`` only with its PIN; count and audit a wrong one.

    An attempt is reserved with one conditional UPDATE before the PIN is compared (and given back when
    it was right), so parallel guesses in several processes cannot pass the limit.
    """
    pin = str(pin or "").strip()
    limit = conf.get("QINGYUAN_COMPLAINT_PIN_ATTEMPTS")
    if not c.pin_hash:
        raise PinRefused(_("This complaint has no PIN, so it cannot be rated or reviewed on this page. Please "
                           "tell the office your rating or your request by calling the 12369 hotline."), code="no_pin")
    if not pin:
        raise PinRefused(_("Enter the PIN you were given when you filed the complaint."), code="pin_missing")
    with transaction.atomic():
        reserved = Complaint.objects.filter(pk=c.pk, pin_failures__lt=limit).update(pin_failures=F("pin_failures") + 1)
    if not reserved:
        raise PinRefused(_("Too many wrong PINs were entered for this complaint, so it can no longer be rated or "
                           "reviewed on this page. Please call the 12369 hotline."), code="pin_locked")
    if pin_matches(c.pin_hash, pin):
        Complaint.objects.filter(pk=c.pk).update(pin_failures=F("pin_failures") - 1)
        return
    with transaction.atomic():
        failures = Complaint.objects.values_list("pin_failures", flat=True).get(pk=c.pk)
        audit.record("complaint.pin_failed", c, acting_user=None, after={"pin_failures": failures})
        if failures >= limit:
            audit.record("complaint.pin_locked", c, acting_user=None, after={"pin_failures": failures})
    c.pin_failures = failures
    left = max(0, limit - failures)
    raise PinRefused(_("The PIN is not right. %(left)d more tries before rating on this page is locked.")
                     % {"left": left} if left else
                     _("The PIN is not right. Rating on this page is now locked; please call the 12369 hotline."),
                     code="pin_wrong")
