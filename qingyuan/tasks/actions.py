"""Every change to assignments: issue, sign, report, extend, return, reassign, submit, verify, withdraw.

Each ``do_*`` checks the workflow rule first (a refusal raises ``TransitionError`` with
the reason and changes nothing), then the input (``ValidationError`` keyed by field),
then writes in one transaction: the state through ``workflow.fire`` (which records the
transition and its audit entry), the content with its own audit entry, and the
notifications, which are written on commit. Views, the API, the demo seeder and other
apps call these; nothing else saves an assignment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import attachments, audit, workflow
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError
from qingyuan.org.choices import Role, UnitKind
from qingyuan.org.models import Membership, Park, Unit
from qingyuan.tasks.access import assignment_roles, can_issue_in
from qingyuan.tasks.choices import (
    AssignmentStatus,
    CheckStatus,
    EscalationLevel,
    ExtensionStatus,
    Priority,
    Rating,
    ReportKind,
)
from qingyuan.tasks.escalation import schedule
from qingyuan.tasks.models import (
    NUMBER_PREFIX,
    Assignment,
    EscalationEvent,
    EscalationPolicy,
    ExtensionRequest,
    Finding,
    ProgressReport,
    SupervisionCheck,
)
from qingyuan.tasks.workflow import ASSIGNMENTS, CHECKS, ISSUER

Files = Sequence[Any]
SYSTEM_ROLES = frozenset({ISSUER})  # acting_user=None: the system acts for the issuing side


# ---- people to notify -------------------------------------------------------------------------

def _members(**lookup: Any) -> list[Any]:
    return [m.user for m in Membership.objects.filter(is_active=True, user__is_active=True, **lookup)
            .select_related("user")]


def unit_officers(unit_id: int) -> list[Any]:
    return _members(unit_id=unit_id, role=Role.UNIT_OFFICER)


def issuer_side(a: Assignment) -> list[Any]:
    """The issuer and the park's office staff."""
    return _members(park_id=a.park_id, role=Role.OFFICE_STAFF) + ([a.issued_by] if a.issued_by_id else [])


def _tell(users: Iterable[Any], acting_user: Any, *, kind: str, title: str, a: Assignment, body: str = "") -> None:
    me = getattr(acting_user, "pk", None)
    notify([u for u in users if u.pk != me], kind=kind, title=title, body=body, url=a.get_absolute_url())


# ---- checks shared by the actions -------------------------------------------------------------

def roles_of(acting_user: Any, a: Assignment) -> frozenset[str]:
    return SYSTEM_ROLES if acting_user is None else assignment_roles(acting_user, a)


def check(a: Assignment, name: str, acting_user: Any, *, reason: str | None = None) -> frozenset[str]:
    """Refuse (TransitionError) if ``name`` is not possible now for this user; return their roles.

    With ``reason=None`` (a page about to show the form) the reason is not checked yet.
    """
    roles = roles_of(acting_user, a)
    ASSIGNMENTS.check(a.status, name, roles, reason="-" if reason is None else reason)
    if name in ("approve_extension", "refuse_extension") and not a.extensions.filter(
            status=ExtensionStatus.PENDING).exists():
        raise TransitionError(_("There is no pending extension request to decide."), code="no_request")
    if name == "request_extension" and a.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise TransitionError(_("An extension request is already waiting for a decision."), code="pending")
    return roles


def validate_files(files: Files, field: str = "files") -> list[tuple[Any, attachments.FileKind]]:
    checked, errors = [], []
    for upload in files:
        try:
            checked.append((upload, attachments.validate_upload(upload)))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError({field: errors})
    return checked


def _store(owner: models.Model, files: list[tuple[Any, attachments.FileKind]], acting_user: Any, purpose: str) -> None:
    for upload, kind in files:
        attachments.store(owner, upload, uploaded_by=acting_user, kind=kind, purpose=purpose)


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _unit_errors(unit: Unit | None, park_id: int, *, not_this: int | None = None) -> str | None:
    if unit is None:
        return _("Choose a unit.")
    if unit.park_id != park_id or not unit.is_active:
        return _("The unit must be an active unit of the assignment's park.")
    if unit.kind in (UnitKind.LEADING_GROUP, UnitKind.OFFICE):
        return _("Assignments go to member units, not to the leading group or its office.")
    if not_this is not None and unit.pk == not_this:
        return _("Choose a different unit.")
    return None


def _ladder(a: Assignment) -> Any:
    return EscalationPolicy.ladder_for(a.park_id)


def _lapse_extensions(a: Assignment) -> None:
    a.extensions.filter(status=ExtensionStatus.PENDING).update(status=ExtensionStatus.LAPSED,
                                                               decided_at=timezone.now())


def _reset_escalation(a: Assignment, note: str) -> None:
    if a.escalation_level:
        EscalationEvent.objects.create(assignment=a, from_level=a.escalation_level, to_level=EscalationLevel.NONE,
                                       deadline=a.deadline, note=note[:200])


# ---- issue ------------------------------------------------------------------------------------

def _issuer_unit(park: Park, acting_user: Any) -> Unit | None:
    if acting_user is not None:
        mine = Unit.objects.filter(park=park, memberships__user=acting_user, memberships__is_active=True,
                                   memberships__role__in=[Role.OFFICE_STAFF, Role.LEADER]).order_by("sort_order")
        unit = mine.filter(kind=UnitKind.OFFICE).first() or mine.first()
        if unit is not None:
            return unit
    return (Unit.objects.filter(park=park, kind=UnitKind.OFFICE).order_by("sort_order").first()
            or Unit.objects.filter(park=park, kind=UnitKind.LEADING_GROUP).order_by("sort_order").first())


def do_issue_assignment(
    *, park: Park, assignee_unit: Unit, subject: str, requirements: str, deadline: dt.date, acting_user: Any,
    priority: str = Priority.NORMAL, enterprise: Any = None, source: models.Model | None = None,
    source_label: str = "", issuer_unit: Unit | None = None, issued_on: dt.date | None = None, files: Files = (),
) -> Assignment:
    """Issue an assignment. ``acting_user=None`` is the system (alarms, complaints, patrols).

    ``issued_on`` records a paper assignment issued earlier (imports, the demo); the deadline
    may not be before it, and it may not be in the future.
    """
    if acting_user is not None and not can_issue_in(acting_user, park.pk):
        raise PermissionDenied
    today = timezone.localdate()
    issued_on = issued_on or today
    errors: dict[str, Any] = {}
    if not (subject or "").strip():
        errors["subject"] = _("Give the assignment a subject.")
    if not (requirements or "").strip():
        errors["requirements"] = _("Describe what the unit must do.")
    if issued_on > today:
        errors["issued_on"] = _("The issue date cannot be in the future.")
    if deadline is None or deadline < issued_on:
        errors["deadline"] = _("The deadline cannot be in the past.")
    if priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    unit_error = _unit_errors(assignee_unit, park.pk)
    if unit_error:
        errors["assignee_unit"] = unit_error
    if enterprise is not None and enterprise.park_id != park.pk:
        errors["enterprise"] = _("The enterprise must belong to the assignment's park.")
    issuer_unit = issuer_unit or _issuer_unit(park, acting_user)
    if issuer_unit is None or issuer_unit.park_id != park.pk:
        errors["issuer_unit"] = _("The park has no office or leading group to issue from.")
    try:
        checked = validate_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise(errors)
    with transaction.atomic():
        a = _create_numbered(
            park=park, subject=subject.strip(), requirements=requirements.strip(), priority=priority,
            issuer_unit=issuer_unit, issued_by=acting_user, issued_by_name=audit.user_name(acting_user),
            issued_on=issued_on, assignee_unit=assignee_unit, enterprise=enterprise, deadline=deadline,
            original_deadline=deadline,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
            source_label=(source_label or (str(source) if source is not None else ""))[:200],
            next_escalation_at=schedule(AssignmentStatus.ISSUED, deadline, EscalationPolicy.ladder_for(park.pk),
                                        EscalationLevel.NONE),
        )
        audit.record("assignment.issue", a, acting_user=acting_user, related=source, after=audit.snapshot(a))
        _store(a, checked, acting_user, "issue")
        _tell(unit_officers(assignee_unit.pk), acting_user, kind="assignment.issued", a=a,
              title=_("New assignment %(number)s: %(subject)s") % {"number": a.number, "subject": a.subject},
              body=_("Deadline %(deadline)s. %(requirements)s") % {
                  "deadline": deadline.isoformat(), "requirements": a.requirements[:300]})
    return a


def do_amend_assignment(a: Assignment, *, acting_user: Any, requirements: str, priority: str | None = None,
                         related: models.Model | None = None, message: str = "") -> Assignment:
    """Rewrite an open assignment's requirements (and raise its priority): more alarms of the same episode.

    No notification: the unit was told when it was issued; the audit entry says what changed and why.
    """
    if not a.is_open:
        raise TransitionError(_("Only an open assignment can be amended."), code="state")
    updates: dict[str, Any] = {"requirements": requirements.strip()}
    rank = list(Priority.values)  # normal < urgent < most urgent
    if priority in rank and rank.index(priority) > rank.index(a.priority):
        updates["priority"] = priority
    before = audit.snapshot(a, list(updates))
    with transaction.atomic():
        Assignment.objects.filter(pk=a.pk).update(**updates)
        for key, value in updates.items():
            setattr(a, key, value)
        b, after = audit.changed(before, audit.snapshot(a, list(updates)))
        audit.record("assignment.amend", a, acting_user=acting_user, related=related, before=b, after=after,
                     message=message)
    return a


def _create_numbered(*, park: Park, issued_on: dt.date, **fields: Any) -> Assignment:
    """Give the next number of the park's year (交办〔2026〕12号); retry if someone took it meanwhile."""
    year = issued_on.year
    for attempt in range(5):
        last = Assignment.objects.filter(park=park, year=year).aggregate(m=models.Max("serial"))["m"] or 0
        serial = last + 1
        try:
            with transaction.atomic():
                return Assignment.objects.create(
                    park=park, year=year, serial=serial, number=f"{NUMBER_PREFIX}〔{year}〕{serial}号",
                    issued_on=issued_on, **fields)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# ---- the assignee unit ------------------------------------------------------------------------

def do_sign_assignment(a: Assignment, *, acting_user: Any, note: str = "") -> Assignment:
    check(a, "sign", acting_user)
    with transaction.atomic():
        workflow.fire(ASSIGNMENTS, a, "sign", roles=roles_of(acting_user, a), acting_user=acting_user,
                      reason=note, extra_updates={"signed_at": timezone.now()})
        _tell(issuer_side(a), acting_user, kind="assignment.signed", a=a,
              title=_("%(unit)s signed for %(number)s") % {"unit": a.assignee_unit, "number": a.number})
    return a


def do_report_progress(a: Assignment, *, acting_user: Any, percent: int, text: str, files: Files = ()) -> ProgressReport:
    check(a, "report_progress", acting_user)
    errors: dict[str, Any] = {}
    if not (text or "").strip():
        errors["text"] = _("Describe the progress.")
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = _("Progress is a percentage from 0 to 100.")
    elif percent < a.progress:
        errors["percent"] = _("Progress cannot go down: the last report said %(last)d%%.") % {"last": a.progress}
    try:
        checked = validate_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise(errors)
    old = a.progress
    with transaction.atomic():
        report = ProgressReport.objects.create(assignment=a, kind=ReportKind.PROGRESS, percent=percent,
                                               text=text.strip(), reported_by=acting_user,
                                               reported_by_name=audit.user_name(acting_user))
        workflow.fire(ASSIGNMENTS, a, "report_progress", roles=roles_of(acting_user, a), acting_user=acting_user,
                      data={"report_id": report.pk, "percent": percent}, extra_updates={"progress": percent})
        audit.record("assignment.progress", report, acting_user=acting_user, related=a,
                     before={"progress": old}, after={**audit.snapshot(report), "progress": percent})
        _store(report, checked, acting_user, "progress")
        _tell(issuer_side(a), acting_user, kind="assignment.progress", a=a,
              title=_("%(number)s: progress %(percent)d%%") % {"number": a.number, "percent": percent},
              body=report.text[:300])
    return report


def do_request_extension(a: Assignment, *, acting_user: Any, new_deadline: dt.date | None, reason: str) -> ExtensionRequest:
    check(a, "request_extension", acting_user, reason=reason)
    if new_deadline is None or new_deadline <= a.deadline:
        raise ValidationError({"new_deadline": _("The new deadline must be later than the current one (%(date)s).")
                               % {"date": a.deadline.isoformat()}})
    if new_deadline < timezone.localdate():
        raise ValidationError({"new_deadline": _("The new deadline cannot be in the past.")})
    with transaction.atomic():
        request = ExtensionRequest.objects.create(
            assignment=a, old_deadline=a.deadline, new_deadline=new_deadline, reason=reason.strip(),
            requested_by=acting_user, requested_by_name=audit.user_name(acting_user))
        workflow.fire(ASSIGNMENTS, a, "request_extension", roles=roles_of(acting_user, a), acting_user=acting_user,
                      reason=reason, data={"extension_id": request.pk, "new_deadline": new_deadline.isoformat()})
        audit.record("assignment.extension_request", request, acting_user=acting_user, related=a,
                     after=audit.snapshot(request))
        _tell(issuer_side(a), acting_user, kind="assignment.extension_requested", a=a,
              title=_("%(number)s: extension to %(date)s requested") % {
                  "number": a.number, "date": new_deadline.isoformat()}, body=reason)
    return request


def do_decide_extension(a: Assignment, *, acting_user: Any, approve: bool, reason: str = "") -> ExtensionRequest:
    """Approve (the deadline moves and the escalation starts again) or refuse with a reason."""
    name = "approve_extension" if approve else "refuse_extension"
    roles = check(a, name, acting_user, reason=reason)
    request = a.extensions.get(status=ExtensionStatus.PENDING)
    now = timezone.now()
    with transaction.atomic():
        decided = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED, decided_at=now,
            decided_by=acting_user, decided_by_name=audit.user_name(acting_user), decision_reason=reason.strip())
        if not decided:
            raise TransitionError(_("The status changed meanwhile; reload and try again."), code="conflict")
        extra: dict[str, Any] = {}
        old_deadline, old_level = a.deadline, a.escalation_level
        if approve:
            extra = {"deadline": request.new_deadline, "escalation_level": EscalationLevel.NONE,
                     "next_escalation_at": schedule(a.status, request.new_deadline, _ladder(a), EscalationLevel.NONE)}
        workflow.fire(ASSIGNMENTS, a, name, roles=roles, acting_user=acting_user, reason=reason,
                      data={"extension_id": request.pk, "new_deadline": request.new_deadline.isoformat()},
                      extra_updates=extra)
        if approve and old_level:
            EscalationEvent.objects.create(assignment=a, from_level=old_level, to_level=EscalationLevel.NONE,
                                           deadline=request.new_deadline, note=_("extension approved"))
        audit.record("assignment.extension_decision", request, acting_user=acting_user, related=a,
                     before={"status": ExtensionStatus.PENDING, "deadline": old_deadline.isoformat(),
                             "escalation_level": old_level},
                     after={"status": ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
                            "deadline": a.deadline.isoformat(), "escalation_level": a.escalation_level},
                     message=reason.strip())
        title = (_("%(number)s: extension approved, new deadline %(date)s") if approve
                 else _("%(number)s: extension refused")) % {"number": a.number,
                                                               "date": request.new_deadline.isoformat()}
        _tell(unit_officers(a.assignee_unit_id), acting_user, kind="assignment.extension_decided", a=a,
              title=title, body=reason)
    request.refresh_from_db()
    return request


def do_return_assignment(a: Assignment, *, acting_user: Any, reason: str, suggested_unit: Unit | None) -> Assignment:
    """The unit says it is not within its remit, and names the unit it believes responsible."""
    roles = check(a, "return", acting_user, reason=reason)
    unit_error = _unit_errors(suggested_unit, a.park_id, not_this=a.assignee_unit_id)
    if unit_error:
        raise ValidationError({"suggested_unit": unit_error})
    assert suggested_unit is not None
    with transaction.atomic():
        workflow.fire(ASSIGNMENTS, a, "return", roles=roles, acting_user=acting_user, reason=reason,
                      data={"suggested_unit_id": suggested_unit.pk, "suggested_unit": str(suggested_unit)},
                      extra_updates={"suggested_unit": suggested_unit, "next_escalation_at": None})
        _lapse_extensions(a)
        _tell(issuer_side(a), acting_user, kind="assignment.returned", a=a,
              title=_("%(number)s returned by %(unit)s") % {"number": a.number, "unit": a.assignee_unit},
              body=_("%(reason)s Believed responsible: %(unit)s.") % {"reason": reason, "unit": suggested_unit})
    return a


def do_submit_assignment(a: Assignment, *, acting_user: Any, text: str = "", files: Files = ()) -> ProgressReport:
    """Submit completion with evidence: a description, attachments, or both."""
    roles = check(a, "submit", acting_user)
    checked = validate_files(files)
    if not (text or "").strip() and not checked:
        raise ValidationError({"text": _("Describe what was done or attach evidence.")})
    old = a.progress
    with transaction.atomic():
        report = ProgressReport.objects.create(assignment=a, kind=ReportKind.COMPLETION, percent=100,
                                               text=(text or "").strip(), reported_by=acting_user,
                                               reported_by_name=audit.user_name(acting_user))
        workflow.fire(ASSIGNMENTS, a, "submit", roles=roles, acting_user=acting_user,
                      data={"report_id": report.pk},
                      extra_updates={"progress": 100, "submitted_at": timezone.now(), "sent_back": False,
                                     "next_escalation_at": None})
        audit.record("assignment.completion", report, acting_user=acting_user, related=a,
                     before={"progress": old}, after={**audit.snapshot(report), "files": len(checked)})
        _store(report, checked, acting_user, "evidence")
        _lapse_extensions(a)
        _tell(issuer_side(a), acting_user, kind="assignment.submitted", a=a,
              title=_("%(number)s submitted for verification") % {"number": a.number}, body=report.text[:300])
    return report


# ---- the issuing side -------------------------------------------------------------------------

def do_verify_assignment(a: Assignment, *, acting_user: Any, accept: bool, reason: str = "") -> Assignment:
    """Accept the completion (completed) or send it back to the unit (in progress) with a reason."""
    name = "accept" if accept else "send_back"
    roles = check(a, name, acting_user, reason=reason)
    now = timezone.now()
    with transaction.atomic():
        if accept:
            extra: dict[str, Any] = {"closed_at": now, "next_escalation_at": None}
        else:
            extra = {"sent_back": True, "next_escalation_at": schedule(
                AssignmentStatus.IN_PROGRESS, a.deadline, _ladder(a), a.escalation_level)}
        workflow.fire(ASSIGNMENTS, a, name, roles=roles, acting_user=acting_user, reason=reason,
                      extra_updates=extra)
        title = (_("%(number)s accepted as completed") if accept
                 else _("%(number)s sent back for rework")) % {"number": a.number}
        _tell(unit_officers(a.assignee_unit_id), acting_user, kind="assignment.verified", a=a, title=title,
              body=reason)
    return a


def do_reassign_assignment(a: Assignment, *, acting_user: Any, unit: Unit | None, reason: str,
                           new_deadline: dt.date | None = None) -> Assignment:
    """Send a returned assignment to another unit; it starts again from signing, escalation reset."""
    roles = check(a, "reassign", acting_user, reason=reason)
    errors: dict[str, Any] = {}
    unit_error = _unit_errors(unit, a.park_id, not_this=a.assignee_unit_id)
    if unit_error:
        errors["unit"] = unit_error
    if new_deadline is not None and new_deadline < timezone.localdate():
        errors["new_deadline"] = _("The deadline cannot be in the past.")
    _raise(errors)
    assert unit is not None
    deadline = new_deadline or a.deadline
    old_unit = a.assignee_unit
    with transaction.atomic():
        _reset_escalation(a, _("reassigned to %(unit)s") % {"unit": unit})
        workflow.fire(ASSIGNMENTS, a, "reassign", roles=roles, acting_user=acting_user, reason=reason,
                      data={"from_unit_id": old_unit.pk, "from_unit": str(old_unit), "to_unit_id": unit.pk,
                            "to_unit": str(unit), "deadline": deadline.isoformat()},
                      extra_updates={
                          "assignee_unit": unit, "suggested_unit": None, "deadline": deadline, "progress": 0,
                          "sent_back": False, "signed_at": None, "escalation_level": EscalationLevel.NONE,
                          "next_escalation_at": schedule(AssignmentStatus.ISSUED, deadline, _ladder(a),
                                                         EscalationLevel.NONE)})
        _tell(unit_officers(unit.pk), acting_user, kind="assignment.issued", a=a,
              title=_("New assignment %(number)s: %(subject)s") % {"number": a.number, "subject": a.subject},
              body=_("Reassigned from %(unit)s. Deadline %(deadline)s.") % {
                  "unit": old_unit, "deadline": deadline.isoformat()})
    return a


def do_withdraw_assignment(a: Assignment, *, acting_user: Any, reason: str) -> Assignment:
    roles = check(a, "withdraw", acting_user, reason=reason)
    with transaction.atomic():
        workflow.fire(ASSIGNMENTS, a, "withdraw", roles=roles, acting_user=acting_user, reason=reason,
                      extra_updates={"closed_at": timezone.now(), "next_escalation_at": None})
        _lapse_extensions(a)
        _tell(unit_officers(a.assignee_unit_id), acting_user, kind="assignment.withdrawn", a=a,
              title=_("%(number)s withdrawn") % {"number": a.number}, body=reason)
    return a


# ---- one entry point for the pages and the API ------------------------------------------------

def do_transition_assignment(a: Assignment, name: str, *, acting_user: Any, reason: str = "",
                             new_deadline: dt.date | None = None, percent: int | None = None, text: str = "",
                             unit: Unit | None = None, files: Files = ()) -> Assignment:
    """Dispatch a workflow action by name with its fields (the detail page's forms and the API)."""
    handlers = {
        "sign": lambda: do_sign_assignment(a, acting_user=acting_user, note=reason),
        "report_progress": lambda: do_report_progress(a, acting_user=acting_user, percent=percent,  # type: ignore[arg-type]
                                                      text=text, files=files),
        "request_extension": lambda: do_request_extension(a, acting_user=acting_user, new_deadline=new_deadline,
                                                          reason=reason),
        "approve_extension": lambda: do_decide_extension(a, acting_user=acting_user, approve=True, reason=reason),
        "refuse_extension": lambda: do_decide_extension(a, acting_user=acting_user, approve=False, reason=reason),
        "return": lambda: do_return_assignment(a, acting_user=acting_user, reason=reason, suggested_unit=unit),
        "reassign": lambda: do_reassign_assignment(a, acting_user=acting_user, unit=unit, reason=reason,
                                                   new_deadline=new_deadline),
        "submit": lambda: do_submit_assignment(a, acting_user=acting_user, text=text, files=files),
        "accept": lambda: do_verify_assignment(a, acting_user=acting_user, accept=True, reason=reason),
        "send_back": lambda: do_verify_assignment(a, acting_user=acting_user, accept=False, reason=reason),
        "withdraw": lambda: do_withdraw_assignment(a, acting_user=acting_user, reason=reason),
    }
    handler = handlers.get(name)
    if handler is None:
        raise TransitionError(_("Unknown action “%(name)s”.") % {"name": name}, code="unknown")
    handler()
    return a


# ---- supervision checks (督查) -----------------------------------------------------------------

def _check_roles(acting_user: Any, park_id: int) -> frozenset[str]:
    return frozenset({ISSUER}) if acting_user is None or can_issue_in(acting_user, park_id) else frozenset()


def do_plan_check(*, park: Park, title: str, planned_on: dt.date, units: Sequence[Unit],
                  assignments: Sequence[Assignment] = (), acting_user: Any) -> SupervisionCheck:
    if not _check_roles(acting_user, park.pk):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    if not (title or "").strip():
        errors["title"] = _("Give the check a title.")
    if not units:
        errors["units"] = _("Choose at least one unit to check.")
    elif any(u.park_id != park.pk for u in units):
        errors["units"] = _("The units must belong to the park.")
    if any(a.park_id != park.pk for a in assignments):
        errors["assignments"] = _("The assignments must belong to the park.")
    _raise(errors)
    with transaction.atomic():
        sc = SupervisionCheck.objects.create(park=park, title=title.strip(), planned_on=planned_on,
                                             created_by=acting_user)
        sc.units.set(units)
        sc.assignments.set(assignments)
        audit.record("supervision_check.plan", sc, acting_user=acting_user,
                     after={**audit.snapshot(sc), "units": [u.pk for u in units],
                            "assignments": [a.pk for a in assignments]})
    return sc


def do_record_finding(sc: SupervisionCheck, *, acting_user: Any, text: str, rating: str,
                      assignment: Assignment | None = None, unit: Unit | None = None) -> Finding:
    if not _check_roles(acting_user, sc.park_id):
        raise PermissionDenied
    if sc.status != CheckStatus.PLANNED:
        raise TransitionError(_("Findings can only be recorded while the check is planned."), code="state")
    errors: dict[str, Any] = {}
    if not (text or "").strip():
        errors["text"] = _("Describe the finding.")
    if rating not in Rating.values:
        errors["rating"] = _("Choose a rating.")
    if assignment is not None and not sc.assignments.filter(pk=assignment.pk).exists():
        errors["assignment"] = _("The assignment is not in the scope of this check.")
    if unit is not None and not sc.units.filter(pk=unit.pk).exists():
        errors["unit"] = _("The unit is not among the units checked.")
    _raise(errors)
    unit = unit or (assignment.assignee_unit if assignment is not None else None)
    with transaction.atomic():
        finding = Finding.objects.create(supervision_check=sc, assignment=assignment, unit=unit, text=text.strip(),
                                         rating=rating, recorded_by=acting_user)
        audit.record("supervision_check.finding", finding, acting_user=acting_user, related=sc,
                     after=audit.snapshot(finding))
        if unit is not None:
            me = getattr(acting_user, "pk", None)
            notify([u for u in unit_officers(unit.pk) if u.pk != me], kind="supervision.finding",
                   title=_("Supervision check “%(title)s”: %(rating)s") % {
                       "title": sc.title, "rating": finding.get_rating_display()},
                   body=finding.text[:300], url=sc.get_absolute_url())
    return finding


def do_complete_check(sc: SupervisionCheck, *, acting_user: Any, overall_rating: str, summary: str = "") -> SupervisionCheck:
    roles = _check_roles(acting_user, sc.park_id)
    CHECKS.check(sc.status, "complete", roles)
    if overall_rating not in Rating.values:
        raise ValidationError({"overall_rating": _("Choose an overall rating.")})
    with transaction.atomic():
        workflow.fire(CHECKS, sc, "complete", roles=roles, acting_user=acting_user, reason=summary,
                      data={"overall_rating": overall_rating},
                      extra_updates={"overall_rating": overall_rating, "summary": summary.strip(),
                                     "completed_at": timezone.now()})
    return sc


def do_cancel_check(sc: SupervisionCheck, *, acting_user: Any, reason: str) -> SupervisionCheck:
    roles = _check_roles(acting_user, sc.park_id)
    workflow.fire(CHECKS, sc, "cancel", roles=roles, acting_user=acting_user, reason=reason)
    return sc


def do_spawn_assignment(finding: Finding, *, acting_user: Any, deadline_days: int = 15) -> Assignment:
    """One click: a follow-up assignment from a finding (its source), to the unit concerned."""
    sc = finding.supervision_check
    if not _check_roles(acting_user, sc.park_id):
        raise PermissionDenied
    if finding.spawned_id is not None:
        raise TransitionError(_("This finding already has a follow-up assignment."), code="state")
    unit = finding.unit or (finding.assignment.assignee_unit if finding.assignment_id else None)
    if unit is None:
        raise ValidationError({"unit": _("The finding names no unit to assign the follow-up to.")})
    with transaction.atomic():
        a = do_issue_assignment(
            park=sc.park, assignee_unit=unit, acting_user=acting_user, source=finding,
            source_label=_("Supervision check “%(title)s”") % {"title": sc.title},
            subject=_("Rectify: %(text)s") % {"text": finding.text[:60]},
            requirements=finding.text, deadline=timezone.localdate() + dt.timedelta(days=deadline_days),
            priority=Priority.URGENT if finding.rating == Rating.POOR else Priority.NORMAL,
            enterprise=finding.assignment.enterprise if finding.assignment_id else None)
        if not Finding.objects.filter(pk=finding.pk, spawned__isnull=True).update(spawned=a):
            raise TransitionError(_("This finding already has a follow-up assignment."), code="conflict")
        finding.spawned = a
        audit.record("supervision_check.spawn", finding, acting_user=acting_user, related=a,
                     after={"spawned_id": a.pk})
    return a
