"""Changes to enterprise plans: drafting, measures, evidence, submission and measure progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qingyuan.core import attachments, audit, workflow
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError
from qingyuan.plans import versions
from qingyuan.plans.access import plan_roles
from qingyuan.plans.actions.common import (
    office_users,
    others,
    plan_side,
    plan_url,
    require_role,
    require_state,
)
from qingyuan.plans.choices import EDITABLE_STATES, MeasureStatus, PlanStatus
from qingyuan.plans.models import EnterprisePlan, Measure, PlanVersion
from qingyuan.plans.workflow import DRAFTERS, MEASURE, OWNER, PLAN

_PLAN_FIELDS = ("title", "outcome", "start_date", "deadline", "summary")
_MEASURE_FIELDS = ("kind", "title", "description", "owner_name", "owner_user", "start_date", "deadline",
                   "investment", "reductions", "order")


@transaction.atomic
def do_create_plan(*, acting_user: Any, park_plan: Any, enterprise: Any, **fields: Any) -> EnterprisePlan:
    plan = EnterprisePlan(park_plan=park_plan, enterprise=enterprise, created_by=acting_user, **fields)
    roles = plan_roles(acting_user, plan)
    require_role(roles, DRAFTERS, _("Draft a plan"))
    plan.full_clean()
    plan.save()
    audit.record("plan.create", plan, acting_user=acting_user, related=enterprise, after=audit.snapshot(plan))
    if OWNER not in roles:
        notify(others(plan_side(plan), acting_user), kind="plans.plan",
               title=_("A rectification plan was drafted for %(name)s") % {"name": enterprise.name},
               url=plan_url(plan))
    return plan


def _editable(plan: EnterprisePlan, acting_user: Any, action: Any) -> None:
    require_state(plan, EDITABLE_STATES, action)
    require_role(plan_roles(acting_user, plan), DRAFTERS, action)


@transaction.atomic
def do_update_plan(plan: EnterprisePlan, *, acting_user: Any, **fields: Any) -> EnterprisePlan:
    unknown = set(fields) - set(_PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    _editable(plan, acting_user, _("Edit the plan"))
    before = audit.snapshot(plan)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    old, new = audit.changed(before, audit.snapshot(plan))
    new.pop("updated_at", None)
    old.pop("updated_at", None)
    if new:
        audit.record("plan.update", plan, acting_user=acting_user, before=old, after=new)
    return plan


@transaction.atomic
def do_add_measure(plan: EnterprisePlan, *, acting_user: Any, **fields: Any) -> Measure:
    _editable(plan, acting_user, _("Add a measure"))
    if "order" not in fields:
        fields["order"] = (plan.measures.aggregate(n=Max("order"))["n"] or 0) + 1
    measure = Measure(plan=plan, **fields)
    measure.full_clean()
    measure.save()
    audit.record("plan.add_measure", measure, acting_user=acting_user, related=plan, after=audit.snapshot(measure))
    return measure


@transaction.atomic
def do_update_measure(measure: Measure, *, acting_user: Any, **fields: Any) -> Measure:
    if set(fields) - set(_MEASURE_FIELDS):
        raise ValueError(f"not editable here: {sorted(set(fields) - set(_MEASURE_FIELDS))}")
    _editable(measure.plan, acting_user, _("Edit a measure"))
    audit.update(measure, fields, editable=_MEASURE_FIELDS, action="plan.update_measure", acting_user=acting_user,
                 related=measure.plan)
    return measure


@transaction.atomic
def do_remove_measure(measure: Measure, *, acting_user: Any) -> None:
    """Drafts and revisions may drop a measure; earlier versions keep it in their snapshot."""
    _editable(measure.plan, acting_user, _("Remove a measure"))
    if attachments.for_owner(measure).exists():
        raise TransitionError(_("This measure has evidence attached; cancel it instead of removing it."),
                              code="evidence")
    audit.record("plan.remove_measure", measure, acting_user=acting_user, related=measure.plan,
                 before=audit.snapshot(measure))
    measure.delete()


def do_submit_plan(plan: EnterprisePlan, *, acting_user: Any, note: str = "") -> PlanVersion:
    """Freeze the plan as a new version (with what changed since the last one) and send it to review."""
    roles = plan_roles(acting_user, plan)
    with transaction.atomic():
        PLAN.check(plan.status, "submit", roles)
        if not plan.measures.exists():
            raise TransitionError(_("Add at least one measure before submitting the plan."), code="measures")
        previous = plan.versions.filter(number=plan.version).first()
        shot = versions.snapshot(plan)
        changes = versions.diff(previous.snapshot if previous else None, shot)
        if previous is not None and versions.is_empty(changes):
            raise TransitionError(_("Nothing changed since version %(n)d; revise the plan before resubmitting.")
                                  % {"n": previous.number}, code="unchanged")
        version = PlanVersion.objects.create(
            plan=plan, number=plan.version + 1, author=acting_user, author_name=audit.user_name(acting_user),
            note=note.strip(), changes=changes, snapshot=shot)
        workflow.fire(PLAN, plan, "submit", roles=roles, acting_user=acting_user, reason=note,
                      data={"version": version.number},
                      extra_updates={"version": version.number, "revision_due": None})
        audit.record("plan.version", version, acting_user=acting_user, related=plan,
                     after={"number": version.number, "changes": changes})
        notify(others(office_users(plan.enterprise.park_id), acting_user), kind="plans.review",
               title=_("%(plan)s (version %(n)d) submitted for review") % {"plan": plan.title, "n": version.number},
               body=note, url=plan_url(plan, "plans:review"))
    return version


def do_return_plan(plan: EnterprisePlan, *, acting_user: Any, reason: str) -> EnterprisePlan:
    """The office sends an incomplete submission back before any review."""
    with transaction.atomic():
        workflow.fire(PLAN, plan, "return_for_completion", roles=plan_roles(acting_user, plan),
                      acting_user=acting_user, reason=reason)
        notify(others(plan_side(plan), acting_user), kind="plans.plan",
               title=_("%(plan)s was returned for completion") % {"plan": plan.title}, body=reason,
               url=plan_url(plan))
    return plan


def do_transition_measure(measure: Measure, name: str, *, acting_user: Any, reason: str = "",
                          effective_date: dt.date | None = None) -> Measure:
    """Progress of a measure while its plan is being implemented; every change in the measure's history."""
    plan = measure.plan
    roles = plan_roles(acting_user, plan)
    t = MEASURE.get(name)
    with transaction.atomic():
        require_state(plan, (PlanStatus.APPROVED,), t.label if t else name)
        extra: dict[str, Any] = {}
        if name == "finish":
            extra["done_on"] = effective_date
        elif name in ("reopen", "cancel"):
            extra["done_on"] = None
        workflow.fire(MEASURE, measure, name, roles=roles, acting_user=acting_user, reason=reason,
                      effective_date=effective_date, extra_updates=extra)
        audience = office_users(plan.enterprise.park_id) if OWNER in roles else plan_side(plan)
        notify(others(audience, acting_user), kind="plans.measure",
               title=_("%(plan)s: “%(measure)s” is now “%(status)s”") % {
                   "plan": plan.title, "measure": measure.title,
                   "status": MeasureStatus(measure.status).label},
               body=reason, url=plan_url(plan))
    return measure


@transaction.atomic
def do_attach_evidence(measure: Measure, upload: Any, *, acting_user: Any) -> Any:
    """Evidence of a measure: checked by content and size, stored outside the web root."""
    plan = measure.plan
    require_role(plan_roles(acting_user, plan), DRAFTERS, _("Attach evidence"))
    require_state(plan, (*EDITABLE_STATES, PlanStatus.APPROVED, PlanStatus.ACCEPTANCE), _("Attach evidence"))
    kind = attachments.validate_upload(upload)
    stored = attachments.store(measure, upload, uploaded_by=acting_user, kind=kind, purpose="evidence")
    audit.record("plan.attach_evidence", measure, acting_user=acting_user, related=plan,
                 after={"attachment_id": stored.pk, "name": stored.name, "size": stored.size, "mime": stored.mime})
    return stored

