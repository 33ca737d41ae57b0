"""Handling by the unit: start, extension (requested by the unit, decided by the head), reply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.complaints import deadlines as clocks
from qingyuan.complaints import sms
from qingyuan.complaints.actions.common import (
    SMS_EXTENDED,
    SMS_REPLIED,
    check,
    clean_text,
    event_time,
    followers,
    tell_office,
    text,
)
from qingyuan.complaints.choices import SmsPurpose
from qingyuan.complaints.models import Complaint, ComplaintPolicy
from qingyuan.complaints.workflow import COMPLAINTS
from qingyuan.core import audit, workflow
from qingyuan.core.restdays import calendar as rest_days
from qingyuan.core.workflow import TransitionError
from qingyuan.tasks import actions as tasks
from qingyuan.tasks.choices import AssignmentStatus as A


def do_start_handling(c: Complaint, *, acting_user: Any, at: dt.datetime | None = None) -> Complaint:
    roles = check(c, "start", acting_user)
    event_time(at, c)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "start", roles=roles, acting_user=acting_user)
        if c.assignment is not None and c.assignment.status == A.ISSUED:
            tasks.do_sign_assignment(c.assignment, acting_user=acting_user)
    return c


def do_request_extension(c: Complaint, *, acting_user: Any, reason: str) -> Complaint:
    """Ask for the one extension the rules allow (the head approves); reviews have none."""
    roles = check(c, "request_extension", acting_user, reason=reason)
    policy = ComplaintPolicy.for_park(c.park_id)
    days = policy.clocks_for(c.case_type).extension_days
    if c.is_review or c.extended or c.extension_requested or not days or c.handle_deadline is None:
        raise TransitionError(_("This case cannot be extended (again)."), code="extension")
    new_deadline = clocks.extended_deadline(c.handle_deadline, policy.clocks_for(c.case_type), holidays=rest_days())
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "request_extension", roles=roles, acting_user=acting_user, reason=reason,
                      data={"new_deadline": new_deadline.isoformat()}, extra_updates={"extension_requested": True})
        a = c.assignment
        if a is not None and a.status == A.IN_PROGRESS and not a.extensions.filter(status="pending").exists():
            tasks.do_request_extension(a, acting_user=acting_user, new_deadline=new_deadline, reason=reason)
        tell_office(c, acting_user, kind="complaint.extension",
                     title=_("%(code)s: extension to %(date)s requested") % {
                         "code": c.code, "date": new_deadline.isoformat()}, body=reason)
    return c


def do_decide_extension(c: Complaint, *, acting_user: Any, approve: bool, reason: str = "") -> Complaint:
    name = "approve_extension" if approve else "refuse_extension"
    roles = check(c, name, acting_user, reason=reason)
    if not c.extension_requested:
        raise TransitionError(_("There is no pending extension request to decide."), code="no_request")
    policy = ComplaintPolicy.for_park(c.park_id)
    assert c.handle_deadline is not None
    new_deadline = clocks.extended_deadline(c.handle_deadline, policy.clocks_for(c.case_type), holidays=rest_days())
    extra: dict[str, Any] = {"extension_requested": False}
    if approve:
        extra.update(extended=True, handle_deadline=new_deadline)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, name, roles=roles, acting_user=acting_user, reason=reason,
                      data={"old_deadline": c.handle_deadline.isoformat(), "new_deadline": new_deadline.isoformat()},
                      extra_updates=extra)
        a = c.assignment
        if a is not None and a.extensions.filter(status="pending").exists():
            tasks.do_decide_extension(a, acting_user=acting_user, approve=approve, reason=reason)
        if approve:
            for follower in followers(c):
                sms.queue(follower, text(SMS_EXTENDED, code=follower.code, date=new_deadline.isoformat(),
                                          reason=reason or "-"))
    return c


def do_reply_complaint(c: Complaint, *, acting_user: Any, reply: str, internal_note: str = "",
                       at: dt.datetime | None = None) -> Complaint:
    """The handling unit's public reply: on the tracking page, and by SMS to every complainant of the case."""
    roles = check(c, "reply", acting_user)
    reply = clean_text(reply)
    if not reply:
        raise ValidationError({"reply": _("Write the reply the complainant will read.")})
    when = event_time(at, c)
    replied_on = timezone.localdate(when)
    on_time = clocks.on_time(c.handle_deadline, replied_on)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "reply", roles=roles, acting_user=acting_user,
                      data={"on_time": on_time},
                      extra_updates={"reply": reply, "internal_note": clean_text(internal_note), "replied_at": when,
                                     "replied_on": replied_on, "replied_on_time": on_time,
                                     "extension_requested": False})
        audit.record("complaint.reply", c, acting_user=acting_user, after={"reply": reply, "on_time": on_time})
        a = c.assignment
        if a is not None and a.status == A.ISSUED:
            tasks.do_sign_assignment(a, acting_user=acting_user)
        if a is not None and a.status == A.IN_PROGRESS:
            # The assignment's job was to investigate and reply: replying completes it (the complainant's
            # rating and the review are the complaint's own check), so it stops escalating.
            tasks.do_submit_assignment(a, acting_user=acting_user, text=reply)
            tasks.do_verify_assignment(a, acting_user=None, accept=True)
        for follower in followers(c):
            sms.queue(follower, text(SMS_REPLIED, code=follower.code,
                                      reply=reply[:300]), purpose=SmsPurpose.REPLY)
    return c


def mirror_extension_one() -> bool:
    """Worker step: an extension the office decided on the assignment's own page is mirrored on the
    complaint (the legal deadline moves with the assignment's), recorded as done by the system."""
    pending = Complaint.objects.filter(status="in_handling", extension_requested=True, assignment__isnull=False)
    for c in pending.select_related("assignment").order_by("id")[:50]:
        a = c.assignment
        assert a is not None
        if a.extensions.filter(status="pending").exists():
            continue
        last = a.extensions.exclude(status="lapsed").order_by("-decided_at", "-id").first()
        if last is None or last.decided_at is None:
            continue
        try:
            do_decide_extension(c, acting_user=None, approve=last.status == "approved",
                                reason=last.decision_reason or _("Decided on the assignment %(number)s by %(name)s.")
                                % {"number": a.number, "name": last.decided_by_name})
        except TransitionError:
            continue
        return True
    return False
