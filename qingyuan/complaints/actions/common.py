"""Helpers every complaint action shares: codes, text, roles, times, notices."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingyuan.complaints import stats
from qingyuan.complaints.access import complaint_roles
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.workflow import COMPLAINANT, COMPLAINTS, SYSTEM
from qingyuan.core import audit
from qingyuan.core.notify import notify
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 10
PERSONAL = ("name", "phone", "phone_hash", "pin_hash")
# Text messages, written in the platform's language whoever triggers them.
SMS_ACCEPTED = gettext_noop("Your complaint %(code)s was accepted and is handled by %(unit)s; reply due by %(date)s.")
SMS_NOT_ACCEPTED = gettext_noop("Your complaint %(code)s was not accepted: %(reason)s")
SMS_EXTENDED = gettext_noop("The handling of your complaint %(code)s was extended to %(date)s: %(reason)s")
SMS_REPLIED = gettext_noop("Your complaint %(code)s has a reply: %(reply)s")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,24}$")


# ---- small helpers -----------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_text(value: str | None) -> str:
    """Text is kept as written (it is always shown escaped), minus control characters."""
    return _CONTROL.sub("", value or "").strip()


def phone_hash(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    return salted_hmac("qingyuan.complaints.phone", digits[-11:], algorithm="sha256").hexdigest()


def public_snapshot(c: Complaint) -> dict[str, Any]:
    """The complaint's fields for an audit entry, without personal data."""
    data = audit.snapshot(c, [f.name for f in Complaint._meta.concrete_fields if f.name not in PERSONAL])
    data["has_phone"] = bool(c.phone)
    data["has_name"] = bool(c.name)
    return data


def roles_of(acting_user: Any, c: Complaint, *, as_complainant: bool = False) -> frozenset[str]:
    if as_complainant:
        return frozenset({COMPLAINANT})
    if acting_user is None:
        return frozenset({SYSTEM})
    return complaint_roles(acting_user, c)


def check(c: Complaint, name: str, acting_user: Any, *, reason: str = "", as_complainant: bool = False
           ) -> frozenset[str]:
    roles = roles_of(acting_user, c, as_complainant=as_complainant)
    COMPLAINTS.check(c.status, name, roles, reason=reason)
    return roles


def event_time(at: dt.datetime | None, c: Complaint | None = None) -> dt.datetime:
    """The time an event happened: now, or earlier for back-entered paper records and the demo."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    if c is not None and at < c.received_at:
        raise ValidationError({"at": _("The time cannot be before the complaint was received.")})
    return at


def office_staff(park_id: int) -> list[Any]:
    return [m.user for m in Membership.objects.filter(park_id=park_id, role=Role.OFFICE_STAFF, is_active=True,
                                                      user__is_active=True).select_related("user")]


def tell_office(c: Complaint, acting_user: Any, *, kind: str, title: str, body: str = "") -> None:
    me = getattr(acting_user, "pk", None)
    notify([u for u in office_staff(c.park_id) if u.pk != me], kind=kind, title=title, body=body,
           url=c.get_absolute_url())


def text(template: str, **values: Any) -> str:
    """A text message in the platform's language, whoever triggered it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(template) % values


def followers(c: Complaint) -> list[Complaint]:
    """The case and every complaint merged into it: all of them hear about the case."""
    return [c, *Complaint.objects.filter(merged_into=c)]


def raise_errors(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def insert_with_code(values: dict[str, Any]) -> Complaint:
    """Create the complaint under a fresh tracking code (retried on the unlikely collision)."""
    stats.forget_years(values["park"].pk)
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Complaint.objects.create(code=new_code(), **values)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
