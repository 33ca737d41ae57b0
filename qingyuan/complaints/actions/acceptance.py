"""Acceptance and routing by the office; "not ours" and re-routing."""

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
    SMS_ACCEPTED,
    SMS_NOT_ACCEPTED,
    check,
    clean_text,
    event_time,
    followers,
    tell_office,
    text,
)
from qingyuan.complaints.choices import RoutingBasis
from qingyuan.complaints.models import Complaint, ComplaintPolicy
from qingyuan.complaints.workflow import COMPLAINTS
from qingyuan.core import workflow
from qingyuan.core.restdays import calendar as rest_days
from qingyuan.core.workflow import TransitionError
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.tasks import actions as tasks
from qingyuan.tasks.choices import AssignmentStatus as A


def unit_problem(c: Complaint, unit: Unit | None) -> str | None:
    if unit is None:
        return _("Choose the unit that will handle it.")
    if unit.park_id != c.park_id or not unit.is_active:
        return _("The unit must be an active unit of the complaint's park.")
    if unit.kind in (UnitKind.OFFICE, UnitKind.LEADING_GROUP):
        return _("Complaints are handled by member units, not by the office or the leading group.")
    return None


def _subject(c: Complaint) -> str:
    kind = _("Review") if c.is_review else c.get_case_type_display()
    # the assignment is read by the enterprise and the park's readers too: no tracking code
    return f"{kind} {c.reference}: {c.get_category_display()}" + (f" ({c.enterprise})" if c.enterprise_id else "")


def _requirements(c: Complaint) -> str:
    return _("Investigate and reply to the complainant by %(date)s (legal deadline). The complaint: %(text)s") % {
        "date": c.handle_deadline.isoformat() if c.handle_deadline else "", "text": c.description[:1500]}


def do_accept_complaint(c: Complaint, *, unit: Unit | None, acting_user: Any, basis: str | None = None,
                        at: dt.datetime | None = None) -> Complaint:
    """Accept, start the handling clock, and issue the assignment to the handling unit."""
    roles = check(c, "accept", acting_user)
    unit_error = unit_problem(c, unit)
    if unit_error:
        raise ValidationError({"unit": unit_error})
    assert unit is not None
    when = event_time(at, c)
    accepted_on = timezone.localdate(when)
    policy = ComplaintPolicy.for_park(c.park_id)
    handle_deadline = c.handle_deadline if c.is_review and c.handle_deadline else clocks.handling_deadline(
        accepted_on, policy.clocks_for(c.case_type), holidays=rest_days())
    if basis is None:  # the office took the suggestion (keep why it was suggested) or chose another unit
        basis = c.routing_basis if unit.pk == c.suggested_unit_id else RoutingBasis.MANUAL
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "accept", roles=roles, acting_user=acting_user,
                      data={"unit_id": unit.pk, "unit": str(unit), "basis": basis,
                            "handle_deadline": handle_deadline.isoformat()},
                      extra_updates={"handling_unit": unit, "accepted_on": accepted_on, "routing_basis": basis,
                                     "handle_deadline": handle_deadline,
                                     "township": c.township or (unit if unit.kind == UnitKind.TOWNSHIP else None)})
        c.assignment = tasks.do_issue_assignment(
            park=c.park, assignee_unit=unit, subject=_subject(c), requirements=_requirements(c),
            deadline=handle_deadline, acting_user=acting_user, enterprise=c.enterprise, source=c,
            issued_on=accepted_on)
        Complaint.objects.filter(pk=c.pk).update(assignment=c.assignment)
        Complaint.objects.filter(merged_into=c).update(handling_unit=unit, assignment=c.assignment)
        for follower in followers(c):
            sms.queue(follower, text(SMS_ACCEPTED, code=follower.code, unit=unit,
                                      date=handle_deadline.isoformat()))
    return c


def do_not_accept_complaint(c: Complaint, *, acting_user: Any, reason: str) -> Complaint:
    """Not within the platform's remit (litigation, another body's matter...): the complainant is told why."""
    roles = check(c, "not_accept", acting_user, reason=reason)
    reason = clean_text(reason)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "not_accept", roles=roles, acting_user=acting_user, reason=reason,
                      extra_updates={"not_accepted_reason": reason, "closed_at": timezone.now()})
        sms.queue(c, text(SMS_NOT_ACCEPTED, code=c.code, reason=reason))
    return c


def do_return_complaint(c: Complaint, *, acting_user: Any, reason: str, suggested_unit: Unit | None) -> Complaint:
    """The handling unit says it is not theirs and names the unit it believes responsible."""
    roles = check(c, "return", acting_user, reason=reason)
    unit_error = unit_problem(c, suggested_unit)
    if unit_error is None and suggested_unit is not None and suggested_unit.pk == c.handling_unit_id:
        unit_error = _("Choose a different unit.")
    if unit_error:
        raise ValidationError({"suggested_unit": unit_error})
    assert suggested_unit is not None
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "return", roles=roles, acting_user=acting_user, reason=reason,
                      data={"suggested_unit_id": suggested_unit.pk, "suggested_unit": str(suggested_unit)},
                      extra_updates={"suggested_unit": suggested_unit, "extension_requested": False})
        a = c.assignment
        if a is not None and a.status in (A.ISSUED, A.IN_PROGRESS):
            tasks.do_return_assignment(a, acting_user=acting_user, reason=reason, suggested_unit=suggested_unit)
        tell_office(c, acting_user, kind="complaint.returned",
                     title=_("%(code)s returned by %(unit)s") % {"code": c.code, "unit": c.handling_unit},
                     body=_("%(reason)s Believed responsible: %(unit)s.") % {"reason": reason, "unit": suggested_unit})
    return c


def do_reroute_complaint(c: Complaint, *, acting_user: Any, unit: Unit | None, reason: str) -> Complaint:
    """Send a returned complaint to another unit; the legal deadline keeps running."""
    roles = check(c, "reroute", acting_user, reason=reason)
    a = c.assignment
    refused = COMPLAINTS.refusal(c, "reroute")
    if refused:
        raise TransitionError(refused, code="state")
    unit_error = unit_problem(c, unit)
    if unit_error is None and unit is not None and unit.pk == c.handling_unit_id:
        unit_error = _("Choose a different unit.")
    if unit_error:
        raise ValidationError({"unit": unit_error})
    assert unit is not None
    old = c.handling_unit
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "reroute", roles=roles, acting_user=acting_user, reason=reason,
                      data={"from_unit_id": getattr(old, "pk", None), "from_unit": str(old or ""),
                            "to_unit_id": unit.pk, "to_unit": str(unit)},
                      extra_updates={"handling_unit": unit, "suggested_unit": None, "routing_basis": RoutingBasis.MANUAL})
        if a is not None and a.status == A.RETURNED:
            tasks.do_reassign_assignment(a, acting_user=acting_user, unit=unit, reason=reason)
        elif a is None or a.status not in (A.ISSUED, A.IN_PROGRESS):
            c.assignment = tasks.do_issue_assignment(
                park=c.park, assignee_unit=unit, subject=_subject(c), requirements=_requirements(c),
                deadline=max(c.handle_deadline or timezone.localdate(), timezone.localdate()),
                acting_user=acting_user, enterprise=c.enterprise, source=c)
            Complaint.objects.filter(pk=c.pk).update(assignment=c.assignment)
        Complaint.objects.filter(merged_into=c).update(handling_unit=unit, assignment=c.assignment)
    return c
