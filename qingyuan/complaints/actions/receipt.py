"""The complainant's receipt of the written reply (信访工作条例: the review may be asked "自收到书面
答复之日起30日内"): the clock to ask for a review runs from it, not from the day the unit replied.

Two ways it becomes known: the reply's text message was delivered (the worker records it when the
SMS backend accepts the message; a gateway with delivery reports may record its report time
instead), or the office enters a signed receipt (date + scan). The first receipt counts; a later
one does not move the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.complaints.access import complaint_roles
from qingyuan.complaints.choices import ReceiptSource, Status
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.workflow import OFFICE
from qingyuan.core import attachments, audit

RECEIPT_PURPOSE = "reply_receipt"


def _record(c: Complaint, *, received_on: dt.date, source: str, acting_user: Any, message: str = "") -> bool:
    claimed = Complaint.objects.filter(pk=c.pk, reply_received_on__isnull=True).update(
        reply_received_on=received_on, reply_receipt=source)
    if not claimed:
        return False
    c.reply_received_on, c.reply_receipt = received_on, source
    audit.record("complaint.reply_receipt", c, acting_user=acting_user, message=message,
                 after={"reply_received_on": received_on.isoformat(), "reply_receipt": source})
    return True


def do_record_sms_receipt(c: Complaint, *, delivered_at: dt.datetime) -> bool:
    """The system records that the reply's text message was delivered (first delivery only)."""
    if c.replied_on is None and c.case.replied_on is None:
        return False
    with transaction.atomic():
        return _record(c, received_on=timezone.localdate(delivered_at), source=ReceiptSource.SMS, acting_user=None)


def do_record_signed_receipt(c: Complaint, *, received_on: dt.date | None, upload: Any, acting_user: Any) -> Complaint:
    """The office records the complainant's signed receipt of the written reply, with its scan."""
    if acting_user is None or not complaint_roles(acting_user, c) & {OFFICE}:
        raise PermissionDenied
    replied_on = c.case.replied_on
    if c.case.status not in (Status.REPLIED, Status.CLOSED) or replied_on is None:
        raise ValidationError({"received_on": _("There is no written reply yet.")})
    if c.reply_received_on is not None:
        raise ValidationError({"received_on": _("The receipt was already recorded on %(date)s.") % {
            "date": c.reply_received_on.isoformat()}})
    errors: dict[str, str] = {}
    if received_on is None:
        errors["received_on"] = _("Enter the day the complainant received the reply.")
    elif received_on < replied_on:
        errors["received_on"] = _("The reply was sent on %(date)s; it cannot have been received before.") % {
            "date": replied_on.isoformat()}
    elif received_on > timezone.localdate():
        errors["received_on"] = _("The day cannot be in the future.")
    kind = None
    if upload is None:
        errors["receipt_file"] = _("Attach the scan or photo of the signed receipt.")
    else:
        try:
            kind = attachments.validate_upload(upload)
        except ValidationError as exc:
            errors["receipt_file"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    assert received_on is not None and kind is not None
    with transaction.atomic():
        attachments.store(c, upload, uploaded_by=acting_user, kind=kind, purpose=RECEIPT_PURPOSE)
        if not _record(c, received_on=received_on, source=ReceiptSource.SIGNED, acting_user=acting_user):
            raise ValidationError({"received_on": _("The receipt was already recorded.")})
    return c
