"""Every change to closure cases: open, record a step, verify it, cancel.

Each ``do_*`` is atomic, checks its rules first (a refusal is a ValidationError whose message
says why, and nothing changes), writes its audit entry, and moves the case's and the
enterprise's status through their workflows. The enterprise's status follows the verified
steps: the production stop suspends it; the final check closes, relocates or transforms it
and writes the capacity the closure frees (capacity.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.closures import capacity, proof
from qingyuan.closures.access import can_open, can_record, can_verify, case_roles
from qingyuan.closures.choices import STEPS, CaseKind, CaseStatus, StepKind
from qingyuan.closures.models import ClosureCase, ClosurePolicy, ClosureStep
from qingyuan.closures.workflow import CASES
from qingyuan.core import attachments, audit, workflow
from qingyuan.core.models import Attachment
from qingyuan.enterprises.actions import do_decommission_point, do_transition_enterprise
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.lifecycle import CLOSURE_CASE
from qingyuan.enterprises.models import Enterprise, MonitoringPoint

K = StepKind
# Steps that may come before the production stop (the decision's preparations).
BEFORE_STOP = frozenset({K.NEW_SITE_RECORDED, K.NEW_LINE_RECORDED, K.PRODUCTION_STOPPED})
TERMINAL_TRANSITION = {CaseKind.CLOSURE: "close", CaseKind.RELOCATION: "relocate", CaseKind.CONVERSION: "transform"}
LIVE = (CaseStatus.OPEN, CaseStatus.STOPPED)
SUSPENDABLE = (EnterpriseStatus.OPERATING, EnterpriseStatus.RECTIFYING, EnterpriseStatus.RECTIFIED)
STEP_FIELDS = ("utility_records", "manifest_numbers", "report_number", "report_org", "report_conclusion",
               "permit_numbers")


def _refuse(message: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: [message]} if field else message)


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def do_open_case(*, enterprise: Enterprise, acting_user: Any, kind: str, decision_number: str,
                 decision_date: dt.date, basis: str, deadline: dt.date, responsible_unit: Any,
                 basis_note: str = "", new_site: str = "", new_product_line: str = "") -> ClosureCase:
    """Open a case on the decision to close, relocate or convert ``enterprise``."""
    if not can_open(acting_user, enterprise.park_id):
        raise PermissionDenied
    if enterprise.status not in (*SUSPENDABLE, EnterpriseStatus.SUSPENDED):
        raise _refuse(_("%(name)s is already “%(status)s”.") % {
            "name": enterprise.name, "status": enterprise.get_status_display()})
    live = ClosureCase.objects.filter(enterprise=enterprise, status__in=LIVE).first()
    if live is not None:
        raise _refuse(_("%(name)s already has an open case (%(number)s).") % {
            "name": enterprise.name, "number": live.decision_number})
    if decision_date > _today():
        raise _refuse(_("The decision date cannot be in the future."), "decision_date")
    if deadline < decision_date:
        raise _refuse(_("The deadline cannot be before the decision date (%(date)s).") % {
            "date": decision_date.isoformat()}, "deadline")
    if responsible_unit.park_id != enterprise.park_id:
        raise _refuse(_("The responsible unit must belong to the enterprise's park."), "responsible_unit")
    if kind == CaseKind.RELOCATION and not new_site.strip():
        raise _refuse(_("A relocation needs its new site."), "new_site")
    if kind == CaseKind.CONVERSION and not new_product_line.strip():
        raise _refuse(_("A conversion needs its new product line."), "new_product_line")
    case = ClosureCase(
        park_id=enterprise.park_id, enterprise=enterprise, kind=kind, decision_number=decision_number.strip(),
        decision_date=decision_date, basis=basis, basis_note=basis_note.strip(), deadline=deadline,
        responsible_unit=responsible_unit, new_site=new_site.strip(), new_product_line=new_product_line.strip(),
        opened_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        opened_by_name=audit.user_name(acting_user), opened_at=timezone.now())
    case.full_clean()
    case.save()
    audit.record("closures.open", case, acting_user=acting_user, related=enterprise, after=audit.snapshot(case))
    return case


def _stop_step(case: ClosureCase) -> ClosureStep | None:
    return case.steps.filter(kind=K.PRODUCTION_STOPPED).first()


def _check_dates(case: ClosureCase, kind: str, done_on: dt.date) -> None:
    if done_on > _today():
        raise _refuse(_("The date cannot be in the future."), "done_on")
    if done_on < case.decision_date:
        raise _refuse(_("The date cannot be before the decision (%(date)s).") % {
            "date": case.decision_date.isoformat()}, "done_on")
    others = {s.kind: s for s in case.steps.exclude(kind=kind)}
    stop = others.get(K.PRODUCTION_STOPPED)
    if kind not in BEFORE_STOP:
        if stop is None:
            raise _refuse(_("Record the production stop first."), "done_on")
        if done_on < stop.done_on:
            raise _refuse(_("The date cannot be before the production stop (%(date)s).") % {
                "date": stop.done_on.isoformat()}, "done_on")
    if kind == K.PRODUCTION_STOPPED:
        later = [s for s in others.values() if s.kind not in BEFORE_STOP and s.done_on < done_on]
        if later:
            raise _refuse(_("The production stop cannot be after “%(step)s” (%(date)s).") % {
                "step": later[0].get_kind_display(), "date": later[0].done_on.isoformat()}, "done_on")
    if kind == K.FINAL_CHECK:
        latest = max(others.values(), key=lambda s: s.done_on, default=None)
        if latest is not None and done_on < latest.done_on:
            raise _refuse(_("The final check cannot be before “%(step)s” (%(date)s).") % {
                "step": latest.get_kind_display(), "date": latest.done_on.isoformat()}, "done_on")
    elif (final := others.get(K.FINAL_CHECK)) is not None and done_on > final.done_on:
        raise _refuse(_("The date cannot be after the final check (%(date)s).") % {
            "date": final.done_on.isoformat()}, "done_on")


@transaction.atomic
def do_record_step(case: ClosureCase, kind: str, *, acting_user: Any, done_on: dt.date, evidence: str,
                   **fields: Any) -> ClosureStep:
    """Record (or correct, until verified) what was done for step ``kind``, with its evidence."""
    roles = case_roles(acting_user, case)
    if not can_record(roles):
        raise PermissionDenied
    case = ClosureCase.objects.select_for_update().get(pk=case.pk)
    if case.status not in LIVE:
        raise _refuse(_("The case is “%(status)s”: its steps can no longer change.") % {
            "status": case.get_status_display()})
    if kind not in STEPS[case.kind]:
        raise _refuse(_("“%(step)s” is not a step of a %(kind)s.") % {
            "step": StepKind(kind).label, "kind": case.get_kind_display()})
    step = case.steps.filter(kind=kind).first()
    if step is not None and step.is_verified:
        raise _refuse(_("“%(step)s” is verified: it can no longer change.") % {"step": step.get_kind_display()})
    _check_dates(case, kind, done_on)
    unknown = set(fields) - set(STEP_FIELDS)
    if unknown:
        raise ValueError(f"unknown step fields {sorted(unknown)}")
    before = audit.snapshot(step) if step else None
    step = step or ClosureStep(case=case, kind=kind)
    step.done_on, step.evidence = done_on, evidence.strip()
    for name, value in fields.items():
        setattr(step, name, (value or "").strip())
    step.recorded_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    step.recorded_by_name = audit.user_name(acting_user)
    step.recorded_at = timezone.now()
    step.full_clean()
    step.save()
    audit.record("closures.record_step", step, acting_user=acting_user, related=case, before=before,
                 after=audit.snapshot(step))
    return step


def _photos_of(patrol: Any) -> int:
    return attachments.for_owner(patrol).filter(mime__startswith="image/").count()


def _missing_evidence(case: ClosureCase, step: ClosureStep, patrol: Any, photos: Sequence[Any]) -> str | None:
    """Why ``step`` cannot be verified on its evidence, or None."""
    if not step.evidence:
        return _("Record the evidence of “%(step)s” before verifying it.") % {"step": step.get_kind_display()}
    need = {K.UTILITIES_CUT: ("utility_records", _("the power and water records")),
            K.WASTE_DISPOSED: ("manifest_numbers", _("at least one transfer manifest number")),
            K.PERMITS_CANCELLED: ("permit_numbers", _("the cancelled permit numbers"))}.get(step.kind)
    if need and not getattr(step, need[0]).strip():
        return _("“%(step)s” needs %(what)s.") % {"step": step.get_kind_display(), "what": need[1]}
    if step.kind == K.SOIL_INVESTIGATED and not (step.report_number and step.report_conclusion):
        return _("The soil investigation needs its report number and conclusion.")
    if step.kind == K.PRODUCTION_STOPPED:
        if patrol is None:
            return _("The production stop is verified by a patrol on site: choose the patrol.")
        if patrol.enterprise_id != case.enterprise_id:
            return _("The patrol was not at %(name)s.") % {"name": case.enterprise.name}
        if timezone.localtime(patrol.started_at).date() < step.done_on:
            return _("The patrol (%(date)s) was before the production stop (%(stop)s).") % {
                "date": timezone.localtime(patrol.started_at).date().isoformat(), "stop": step.done_on.isoformat()}
        if not photos and not _photos_of(patrol):
            return _("The production stop needs at least one photo, from the patrol or taken now.")
    if step.kind == K.FINAL_CHECK:
        verified = set(case.steps.filter(verified_at__isnull=False).values_list("kind", flat=True))
        missing = [StepKind(k).label for k in STEPS[case.kind] if k != K.FINAL_CHECK and k not in verified]
        if missing:
            return _("The final check comes after every other step; not verified yet: %(steps)s.") % {
                "steps": "、".join(str(m) for m in missing)}
    return None


def _still_flowing(case: ClosureCase, step: ClosureStep) -> str | None:
    """The online data must show the stop: no point with a non-zero flow since the stop date."""
    for p in proof.stop_proof(case.enterprise, step.done_on):
        if p.flowing_since_stop:
            f = p.last_flow
            return _("%(point)s still shows a flow of %(value)s (%(parameter)s) at %(time)s, after the stop "
                     "date %(date)s.") % {"point": p.point.name, "value": f"{f.value:g}", "parameter": f.parameter,
                                           "time": timezone.localtime(f.time).strftime("%Y-%m-%d %H:%M"),
                                           "date": step.done_on.isoformat()}
    return None


def _unexplained_data(case: ClosureCase) -> str | None:
    days = ClosurePolicy.for_park(case.park_id).quiet_days
    for point in MonitoringPoint.objects.filter(outlet__enterprise=case.enterprise, is_active=True):
        f = proof.recent_flow(point, days)
        if f is not None:
            return _("%(point)s still sent a flow of %(value)s (%(parameter)s) at %(time)s, within the last "
                     "%(days)s days: explain it before the point is decommissioned.") % {
                "point": point.name, "value": f"{f.value:g}", "parameter": f.parameter, "days": days,
                "time": timezone.localtime(f.time).strftime("%Y-%m-%d %H:%M")}
    return None


@transaction.atomic
def do_verify_step(case: ClosureCase, kind: str, *, acting_user: Any, patrol: Any = None,
                   photos: Sequence[Any] = (), note: str = "") -> ClosureStep:
    """Verify step ``kind`` on its evidence; the case's and the enterprise's status follow."""
    roles = case_roles(acting_user, case)
    if not can_verify(roles, kind):
        raise PermissionDenied
    case = ClosureCase.objects.select_for_update().select_related("enterprise").get(pk=case.pk)
    if case.status not in LIVE:
        raise _refuse(_("The case is “%(status)s”: its steps can no longer change.") % {
            "status": case.get_status_display()})
    step = case.steps.filter(kind=kind).first()
    if step is None:
        raise _refuse(_("Record “%(step)s” before verifying it.") % {"step": StepKind(kind).label})
    if step.is_verified:
        raise _refuse(_("“%(step)s” is already verified.") % {"step": step.get_kind_display()})
    kinds = [attachments.validate_upload(f, allowed=attachments.IMAGE_KINDS) for f in photos]
    why = _missing_evidence(case, step, patrol, photos)
    if why is None and kind == K.PRODUCTION_STOPPED:
        why = _still_flowing(case, step)
    if why is None and kind == K.POINTS_DECOMMISSIONED:
        why = _unexplained_data(case)
    if why is not None:
        raise _refuse(why)
    now = timezone.now()
    ClosureStep.objects.filter(pk=step.pk).update(
        verified_at=now, verified_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        verified_by_name=audit.user_name(acting_user), patrol=patrol)
    step.refresh_from_db()
    for f, k in zip(photos, kinds, strict=True):
        attachments.store(step, f, uploaded_by=acting_user, kind=k, purpose="photo")
    audit.record("closures.verify_step", step, acting_user=acting_user, related=case,
                 before={"verified_at": None}, after={"verified_at": now, "patrol_id": patrol.pk if patrol else None},
                 message=note.strip())
    if kind == K.PRODUCTION_STOPPED:
        _on_stop(case, step, acting_user, roles)
    elif kind == K.POINTS_DECOMMISSIONED:
        for point in MonitoringPoint.objects.filter(outlet__enterprise=case.enterprise, is_active=True):
            do_decommission_point(point, acting_user=acting_user, reason=_("%(kind)s %(number)s: decommissioned") % {
                "kind": case.get_kind_display(), "number": case.decision_number})
    elif kind == K.FINAL_CHECK:
        _on_final_check(case, step, acting_user, roles)
    return step


def _on_stop(case: ClosureCase, step: ClosureStep, acting_user: Any, roles: frozenset[str]) -> None:
    workflow.fire(CASES, case, "stop", roles=roles, acting_user=acting_user)
    if case.enterprise.status in SUSPENDABLE:
        do_transition_enterprise(
            case.enterprise, "suspend", acting_user=acting_user, roles=frozenset({CLOSURE_CASE}),
            reason=_("Production stopped (%(number)s), verified on site.") % {"number": case.decision_number},
            effective_date=step.done_on)


def _on_final_check(case: ClosureCase, step: ClosureStep, acting_user: Any, roles: frozenset[str]) -> None:
    workflow.fire(CASES, case, "complete", roles=roles, acting_user=acting_user,
                  extra_updates={"completed_at": step.verified_at})
    do_transition_enterprise(
        case.enterprise, TERMINAL_TRANSITION[case.kind], acting_user=acting_user, roles=frozenset({CLOSURE_CASE}),
        reason=_("%(kind)s %(number)s: final check verified.") % {
            "kind": case.get_kind_display(), "number": case.decision_number},
        effective_date=step.done_on)
    stop = _stop_step(case)
    assert stop is not None  # the final check needs every step verified
    capacity.write_freed(case, stop.done_on, step.done_on, acting_user=acting_user)


@transaction.atomic
def do_cancel_case(case: ClosureCase, *, acting_user: Any, reason: str) -> ClosureCase:
    """Revoke the decision; the steps stay on record. The enterprise's status is not changed back."""
    workflow.fire(CASES, case, "cancel", roles=case_roles(acting_user, case), acting_user=acting_user,
                  reason=reason)
    return case


def photos_of_step(step: ClosureStep) -> list[Attachment]:
    return list(attachments.for_owner(step))
