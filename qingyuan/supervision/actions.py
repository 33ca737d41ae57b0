"""Every change to the supervision group's data: members, opinions and the answers' ratings.

Each action checks its rule, changes the row (statuses only through ``workflow.fire``), writes its
audit entry and notifies the people who must act next, once, after the commit. Participation in
inspections lives in ``qingyuan.supervision.participation``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import attachments, audit, workflow
from qingyuan.core.notify import notify
from qingyuan.org.choices import Role, UnitKind
from qingyuan.org.models import Membership, Park, Unit
from qingyuan.supervision import access
from qingyuan.supervision.choices import AnswerRating
from qingyuan.supervision.models import Member, Opinion
from qingyuan.supervision.workflow import OPINIONS
from qingyuan.tasks.escalation import next_check_at
from qingyuan.tasks.models import EscalationPolicy

NUMBER_PREFIX = "监督"
MIN_DAYS, DEFAULT_DAYS, MAX_DAYS = 5, 15, 90  # the answer's deadline after filing; docs/supervision.md
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MEMBER_FIELDS = ("user", "name", "type", "organisation", "term_start", "term_end")


# ---- members (the office) ----------------------------------------------------------------------

def _check_member(park: Park, fields: dict[str, Any], *, not_this: int | None = None) -> None:
    user = fields.get("user")
    if user is not None and Member.objects.filter(park=park, user=user).exclude(pk=not_this).exists():
        raise ValidationError({"user": _("This account already belongs to a member of the group.")})
    if user is not None and not Membership.objects.filter(user=user, park=park, role=Role.SUPERVISOR,
                                                          is_active=True).exists():
        raise ValidationError({"user": _("The account needs the role “supervision group member” in this park.")})


def do_create_member(park: Park, *, acting_user: Any, **fields: Any) -> Member:
    if not access.manages(acting_user, park.pk):
        raise PermissionDenied
    _check_member(park, fields)
    with transaction.atomic():
        member = Member(park=park)
        audit.update(member, fields, editable=MEMBER_FIELDS, action="supervision_member.create",
                     acting_user=acting_user, always=True)
    return member


def do_update_member(member: Member, *, acting_user: Any, **fields: Any) -> bool:
    if not access.manages(acting_user, member.park_id):
        raise PermissionDenied
    _check_member(member.park, fields, not_this=member.pk)
    with transaction.atomic():
        return audit.update(member, fields, editable=MEMBER_FIELDS, action="supervision_member.update",
                            acting_user=acting_user)


# ---- opinions ----------------------------------------------------------------------------------

def validate_files(files: Sequence[Any]) -> list[tuple[Any, attachments.FileKind]]:
    """Each file checked by type and size; the first problems named, nothing stored."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(n)d files.") % {"n": MAX_FILES}})
    checked, errors = [], []
    for upload in files:
        try:
            checked.append((upload, attachments.validate_upload(upload, max_bytes=MAX_FILE_BYTES)))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError({"files": errors})
    return checked


def unit_error(unit: Unit | None, park_id: int) -> str | None:
    if unit is None:
        return _("Choose the unit the opinion is addressed to.")
    if unit.park_id != park_id or not unit.is_active:
        return _("The unit must be an active unit of the group's park.")
    if unit.kind == UnitKind.LEADING_GROUP:
        return _("Address the opinion to the office or a member unit, not to the leading group.")
    return None


def deadline_error(deadline: dt.date | None, filed_on: dt.date) -> str | None:
    if deadline is None:
        return None
    days = (deadline - filed_on).days
    if days < MIN_DAYS:
        return _("Give the unit at least %(n)d days to answer.") % {"n": MIN_DAYS}
    if days > MAX_DAYS:
        return _("The answer is due within %(n)d days at most.") % {"n": MAX_DAYS}
    return None


def _schedule(park_id: int, deadline: dt.date, level: int) -> dt.datetime | None:
    return next_check_at(deadline, EscalationPolicy.ladder_for(park_id), level)


def unit_officers(unit_id: int) -> list[Any]:
    return [m.user for m in Membership.objects.filter(unit_id=unit_id, role=Role.UNIT_OFFICER, is_active=True)
            .select_related("user")]


def park_office(park_id: int, roles: Sequence[str] = (Role.OFFICE_STAFF,)) -> list[Any]:
    return [m.user for m in Membership.objects.filter(park_id=park_id, role__in=roles, is_active=True)
            .select_related("user")]


def do_file_opinion(member: Member, *, acting_user: Any, subject: str, text: str, unit: Unit | None,
                    deadline: dt.date | None = None, files: Sequence[Any] = (),
                    filed_at: dt.datetime | None = None) -> Opinion:
    """The member files an opinion to a unit; the unit's officers are told; the ladder starts.

    ``filed_at``: when a paper opinion handed in earlier is entered (and for the demo's history)."""
    now = min(filed_at or timezone.now(), timezone.now())
    today = timezone.localdate(now)
    if member.user_id != getattr(acting_user, "pk", None) or not member.serves_on(today):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    if not (subject or "").strip():
        errors["subject"] = _("Give the opinion a subject.")
    if not (text or "").strip():
        errors["text"] = _("Write the opinion.")
    if (problem := unit_error(unit, member.park_id)) is not None:
        errors["unit"] = problem
    if (problem := deadline_error(deadline, today)) is not None:
        errors["deadline"] = problem
    try:
        checked = validate_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    deadline = deadline or today + dt.timedelta(days=DEFAULT_DAYS)
    with transaction.atomic():
        opinion = _create_numbered(park_id=member.park_id, year=today.year, member=member, subject=subject.strip(),
                                   text=text.strip(), unit=unit, filed_at=now, deadline=deadline,
                                   next_escalation_at=_schedule(member.park_id, deadline, 0))
        for upload, kind in checked:
            attachments.store(opinion, upload, uploaded_by=acting_user, kind=kind, purpose="opinion")
        audit.record("opinion.file", opinion, acting_user=acting_user, related=unit,
                     after={**audit.snapshot(opinion, ["number", "subject", "unit", "deadline", "status"]),
                            "files": len(checked)})
        notify(unit_officers(unit.pk), kind="opinion.filed",
               title=_("Supervision opinion %(number)s to %(unit)s: %(subject)s") % {
                   "number": opinion.number, "unit": unit, "subject": opinion.subject},
               body=_("Answer due by %(date)s.") % {"date": deadline.isoformat()}, url=opinion.get_absolute_url())
    return opinion


def _create_numbered(*, park_id: int, year: int, **fields: Any) -> Opinion:
    """The next number of the park's year (监督〔2026〕3号); retry if someone took it meanwhile."""
    for attempt in range(5):
        last = Opinion.objects.filter(park_id=park_id, year=year).aggregate(m=models.Max("serial"))["m"] or 0
        try:
            with transaction.atomic():
                return Opinion.objects.create(park_id=park_id, year=year, serial=last + 1,
                                              number=f"{NUMBER_PREFIX}〔{year}〕{last + 1}号", **fields)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def do_answer_opinion(opinion: Opinion, *, acting_user: Any, answer: str, when: dt.datetime | None = None) -> Opinion:
    """The addressed unit answers; the ladder stops; the member is told. ``when``: an answer given on paper
    earlier (and the demo's history)."""
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Write the answer.")})
    now = min(when or timezone.now(), timezone.now())
    with transaction.atomic():
        workflow.fire(OPINIONS, opinion, "answer", roles=access.opinion_roles(acting_user, opinion),
                      acting_user=acting_user, data={"answer": answer.strip()[:2000]},
                      extra_updates={"answer": answer.strip(), "answered_at": now, "answered_by": acting_user,
                                     "answered_by_name": audit.user_name(acting_user), "next_escalation_at": None})
        audit.record("opinion.answer_text", opinion, acting_user=acting_user, after={"answer": opinion.answer})
        notify([opinion.member.user], kind="opinion.answered",
               title=_("%(unit)s answered %(number)s") % {"unit": opinion.unit, "number": opinion.number},
               body=opinion.answer[:300], url=opinion.get_absolute_url())
    return opinion


def do_rate_opinion(opinion: Opinion, *, acting_user: Any, rating: str, comment: str = "",
                    when: dt.datetime | None = None) -> Opinion:
    """The member who filed it rates the answer; a rating below satisfied needs a comment."""
    errors = {}
    if rating not in AnswerRating.values:
        errors["rating"] = _("Choose satisfied, basically satisfied or not satisfied.")
    elif rating != AnswerRating.SATISFIED and not (comment or "").strip():
        errors["comment"] = _("Say what is missing from the answer.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        workflow.fire(OPINIONS, opinion, "rate", roles=access.opinion_roles(acting_user, opinion),
                      acting_user=acting_user, reason=comment, data={"rating": rating},
                      extra_updates={"rating": rating, "rating_comment": comment.strip(), "rated_at": min(when or timezone.now(), timezone.now())})
        audit.record("opinion.rating", opinion, acting_user=acting_user,
                     after={"rating": rating, "rating_comment": opinion.rating_comment})
        label = AnswerRating(rating).label
        notify(unit_officers(opinion.unit_id) + park_office(opinion.park_id), kind="opinion.rated",
               title=_("%(number)s: the member rated the answer “%(rating)s”") % {
                   "number": opinion.number, "rating": label},
               body=opinion.rating_comment[:300], url=opinion.get_absolute_url())
    return opinion


def do_withdraw_opinion(opinion: Opinion, *, acting_user: Any, reason: str) -> Opinion:
    with transaction.atomic():
        workflow.fire(OPINIONS, opinion, "withdraw", roles=access.opinion_roles(acting_user, opinion),
                      acting_user=acting_user, reason=reason, extra_updates={"next_escalation_at": None})
        notify(unit_officers(opinion.unit_id), kind="opinion.withdrawn",
               title=_("%(number)s was withdrawn") % {"number": opinion.number}, body=reason.strip()[:300],
               url=opinion.get_absolute_url())
    return opinion
