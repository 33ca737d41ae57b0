"""Feedback: rating, closing (also after the feedback window, by the worker) and review (复查/复核)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.complaints import deadlines as clocks
from qingyuan.complaints.access import complaint_roles
from qingyuan.complaints.actions.acceptance import do_accept_complaint, unit_problem
from qingyuan.complaints.actions.common import (
    check,
    clean_text,
    event_time,
    insert_with_code,
    public_snapshot,
    tell_office,
)
from qingyuan.complaints.choices import (
    Rating,
    ReviewLevel,
    RoutingBasis,
    Status,
)
from qingyuan.complaints.models import Complaint, ComplaintPolicy
from qingyuan.complaints.workflow import COMPLAINTS, OFFICE
from qingyuan.core import audit, workflow
from qingyuan.core.restdays import calendar as rest_days
from qingyuan.core.workflow import TransitionError
from qingyuan.tasks import actions as tasks
from qingyuan.tasks.choices import AssignmentStatus as A


def _complete_assignment(c: Complaint) -> None:
    a = c.assignment
    if a is not None and a.status == A.SUBMITTED:
        tasks.do_verify_assignment(a, acting_user=None, accept=True)


def do_rate_complaint(c: Complaint, *, rating: str, comment: str = "", acting_user: Any = None,
                      as_complainant: bool = True, request_review: bool = False, review_reason: str = "",
                      at: dt.datetime | None = None) -> Complaint:
    """The complainant rates the reply (a merged complainant rates the case they follow).

    Rating closes the case. A dissatisfied complainant may ask for a review (复查) at the same time.
    """
    name = "rate_merged" if c.status == Status.MERGED else "rate"
    roles = check(c, name, acting_user, as_complainant=as_complainant)
    if c.status == Status.MERGED and c.case.status not in (Status.REPLIED, Status.CLOSED):
        raise TransitionError(_("The case has no reply to rate yet."), code="no_reply")
    if c.rating:
        raise TransitionError(_("This reply was already rated."), code="rated")
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or dissatisfied.")})
    if request_review and rating != Rating.DISSATISFIED:
        raise ValidationError({"rating": _("A review can be requested only when dissatisfied.")})
    when = event_time(at, c)
    extra: dict[str, Any] = {"rating": rating, "rating_comment": clean_text(comment)[:1000], "rated_at": when}
    if name == "rate":
        extra["closed_at"] = when
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, name, roles=roles, acting_user=acting_user, data={"rating": rating},
                      extra_updates=extra)
        if name == "rate":
            _complete_assignment(c)
        if rating == Rating.DISSATISFIED:
            tell_office(c, acting_user, kind="complaint.dissatisfied",
                         title=_("%(code)s: the complainant is dissatisfied") % {"code": c.code},
                         body=c.rating_comment)
        if request_review:
            do_request_review(c, reason=review_reason or comment, acting_user=acting_user,
                              as_complainant=as_complainant, at=at)
    return c


def do_close_complaint(c: Complaint, *, acting_user: Any, at: dt.datetime | None = None) -> Complaint:
    """Close a replied complaint without a rating (the feedback window passed, or the office closes it)."""
    roles = check(c, "close", acting_user)
    when = event_time(at, c)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "close", roles=roles, acting_user=acting_user,
                      extra_updates={"closed_at": when})
        _complete_assignment(c)
    return c


def review_deadline(c: Complaint) -> dt.date | None:
    """The last day to ask for a review of the reply this complaint follows: counted from the day its
    complainant received the written reply (信访工作条例: "自收到书面答复之日起"); ``None`` while no
    receipt is recorded (the clock has not started)."""
    if c.case.replied_on is None or c.reply_received_on is None:
        return None
    return clocks.review_request_deadline(c.reply_received_on,
                                          ComplaintPolicy.for_park(c.park_id).clocks_for(c.case_type),
                                          holidays=rest_days())


def can_request_review(c: Complaint, today: dt.date) -> bool:
    deadline = review_deadline(c)
    return (deadline is not None and today <= deadline and c.review_level < ReviewLevel.RE_REVIEW
            and c.case.status in (Status.REPLIED, Status.CLOSED) and not c.reviews.exists())


def do_request_review(c: Complaint, *, reason: str, acting_user: Any = None, as_complainant: bool = True,
                      at: dt.datetime | None = None) -> Complaint:
    """Open a review (复查; 复核 for a review's review) with its own 30-day answer clock."""
    if as_complainant:
        if c.rating != Rating.DISSATISFIED:
            raise TransitionError(_("A review can be requested only when dissatisfied."), code="review")
    elif acting_user is None or not complaint_roles(acting_user, c) & {OFFICE}:
        raise PermissionDenied
    now = event_time(at, c)
    today = timezone.localdate(now)
    if c.case.replied_on is not None and c.reply_received_on is None and c.review_level < ReviewLevel.RE_REVIEW:
        raise TransitionError(_("The period to ask for a review has not started: the complainant's receipt of the "
                                "written reply is not recorded yet."), code="review")
    if not can_request_review(c, today):
        raise TransitionError(_("A review can no longer be requested for this reply (the window is %(days)d "
                                "days from the reply, and only one review and one re-review are possible).") % {
            "days": ComplaintPolicy.for_park(c.park_id).clocks_for(c.case_type).review_request_days}, code="review")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the reply does not settle the matter.")})
    case, policy = c.case, ComplaintPolicy.for_park(c.park_id)
    clock = policy.clocks_for(c.case_type)
    calendar = rest_days()
    answer_by = clocks.review_answer_deadline(today, clock, holidays=calendar)
    values = dict(
        park=c.park, case_type=c.case_type, channel=c.channel, category=c.category, description=reason,
        address=case.address, longitude=case.longitude, latitude=case.latitude, place_cell=case.place_cell,
        enterprise=case.enterprise,
        township=case.township, observed_at=None, received_at=now, received_on=today, year=today.year,
        month=today.month, name=c.name, phone=c.phone, phone_hash=c.phone_hash, trackable=c.trackable,
        pin_hash=c.pin_hash,  # the complainant follows the review with the same PIN
        status=Status.RECEIVED, review_of=c, review_level=c.review_level + 1,
        suggested_unit=policy.review_unit, routing_basis=RoutingBasis.MANUAL if policy.review_unit else RoutingBasis.TRIAGE,
        accept_deadline=min(clocks.acceptance_deadline(today, clock, holidays=calendar), answer_by), handle_deadline=answer_by,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
    with transaction.atomic():
        review = insert_with_code(values)
        audit.record("complaint.review_request", c, acting_user=acting_user, related=review,
                     after={"review": review.code, "level": review.review_level, "answer_by": answer_by.isoformat()},
                     message=reason)
        audit.record("complaint.submit", review, acting_user=acting_user, related=c, after=public_snapshot(review))
        tell_office(review, acting_user, kind="complaint.received",
                     title=_("Review requested for %(code)s: new case %(review)s") % {
                         "code": c.code, "review": review.code}, body=reason[:300])
        unit = policy.review_unit
        if unit is not None and unit.is_active and unit.pk != case.handling_unit_id and unit_problem(review, unit) is None:
            do_accept_complaint(review, unit=unit, acting_user=None, basis=RoutingBasis.MANUAL, at=now)
    return review



# ---- the worker ---------------------------------------------------------------------------------

def close_one() -> bool:
    """Worker step: close one replied complaint whose feedback (review request) window has passed."""
    today = timezone.localdate()
    oldest = (Complaint.objects.filter(status=Status.REPLIED, reply_received_on__lt=today)
              .order_by("reply_received_on", "id"))
    for c in oldest[:50]:  # parks may have different windows: look a little further than the first
        deadline = review_deadline(c)
        if deadline is not None and today > deadline:
            try:
                do_close_complaint(c, acting_user=None)
            except TransitionError:
                continue  # someone rated or closed it meanwhile
            return True
    return False
