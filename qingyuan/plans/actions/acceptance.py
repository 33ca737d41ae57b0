"""Acceptance (验收): request with a checklist, inspection and panel, findings, the verdict.

A passed acceptance of a rectification plan moves the enterprise to rectified through
``enterprises.actions.do_transition_enterprise``, fired as the office user who records the verdict.
A plan to close or relocate needs the enterprise's closure case (closures app), whose verified
steps move the enterprise; its pass changes no status.
A failed one sends the plan back to implementation and reopens the failed measures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingyuan.core import audit, bulk, workflow
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.actions import do_transition_enterprise
from qingyuan.enterprises.models import Enterprise
from qingyuan.plans.access import plan_roles
from qingyuan.plans.actions.common import in_park_language, office_users, others, plan_side, plan_url
from qingyuan.plans.choices import (
    OUTCOME_STATUS,
    OUTCOME_TRANSITION,
    AcceptanceStatus,
    Finding,
    MeasureStatus,
    Outcome,
)
from qingyuan.plans.models import Acceptance, AcceptanceItem, EnterprisePlan, PanelMember
from qingyuan.plans.workflow import ACCEPTANCE, MEASURE, PLAN

GENERAL_ITEMS = {
    Outcome.RECTIFY: [
        gettext_noop("The plan, its approval, design and completion documents are complete"),
        gettext_noop("Treatment facilities run stably and their operating records are complete"),
        gettext_noop("Online monitoring is connected and its data meet the discharge standards"),
        gettext_noop("Hazardous waste is stored properly and its transfer manifests are complete"),
        gettext_noop("The environmental emergency plan is filed and emergency facilities are in place"),
    ],
    Outcome.CLOSE: [
        gettext_noop("Production equipment is dismantled and water and power are cut off"),
        gettext_noop("Raw materials, products and hazardous waste are removed and disposed of"),
        gettext_noop("No environmental hazard remains on the site; the site investigation is done"),
    ],
    Outcome.RELOCATE: [
        gettext_noop("Production at the old site has stopped and equipment is removed"),
        gettext_noop("Raw materials, products and hazardous waste at the old site are disposed of"),
        gettext_noop("The new site has its environmental approval"),
    ],
}


def checklist(plan: EnterprisePlan) -> list[tuple[Any, str]]:
    """One item per measure (not cancelled), then the general items for the plan's outcome."""
    rows: list[tuple[Any, str]] = []
    for measure in plan.measures.exclude(status=MeasureStatus.CANCELLED).order_by("order", "deadline", "id"):
        rows.append((measure, measure.title))
    for text in GENERAL_ITEMS[Outcome(plan.outcome)]:
        rows.append((None, in_park_language(_(text))))
    return rows


def do_request_acceptance(plan: EnterprisePlan, *, acting_user: Any, note: str = "") -> Acceptance:
    roles = plan_roles(acting_user, plan)
    with transaction.atomic():
        PLAN.check(plan.status, "request_acceptance", roles)
        open_measures = plan.measures.exclude(status__in=[MeasureStatus.DONE, MeasureStatus.CANCELLED])
        if open_measures.exists():
            raise TransitionError(
                _("%(n)d measures are not done yet; acceptance can be requested when all are done.")
                % {"n": open_measures.count()}, code="measures")
        number = plan.acceptances.count() + 1
        acceptance = Acceptance.objects.create(
            plan=plan, number=number, version=plan.versions.get(number=plan.version), requested_by=acting_user,
            requested_by_name=audit.user_name(acting_user), request_note=note.strip())
        items = [AcceptanceItem(acceptance=acceptance, order=i, measure=measure, text=text[:300])
                 for i, (measure, text) in enumerate(checklist(plan), start=1)]
        workflow.fire(PLAN, plan, "request_acceptance", roles=roles, acting_user=acting_user, reason=note,
                      data={"acceptance": number})
        bulk.create_under(acceptance, items, action="acceptance.request", acting_user=acting_user, related=plan,
                          after=lambda made: {"number": number, "items": len(made), "note": note.strip()})
        notify(others(office_users(plan.enterprise.park_id), acting_user), kind="plans.acceptance",
               title=_("%(name)s requests acceptance of %(plan)s") % {
                   "name": plan.enterprise.name, "plan": plan.title},
               body=note, url=plan_url(plan, "plans:acceptance"))
    return acceptance


def do_schedule_acceptance(acceptance: Acceptance, *, acting_user: Any, inspection_date: dt.date,
                           organiser: str, panel: Sequence[Mapping[str, Any]]) -> Acceptance:
    """Set the inspection date, the organiser and the panel (users and external members)."""
    plan = acceptance.plan
    roles = plan_roles(acting_user, plan)
    with transaction.atomic():
        ACCEPTANCE.check(acceptance.status, "schedule", roles, effective_date=inspection_date)
        if not panel:
            raise TransitionError(_("Name at least one panel member."), code="panel")
        acceptance.panel.all().delete()
        members = [PanelMember(acceptance=acceptance, **row) for row in panel]
        for member in members:
            member.full_clean(exclude=["acceptance"])
        workflow.fire(ACCEPTANCE, acceptance, "schedule", roles=roles, acting_user=acting_user,
                      effective_date=inspection_date,
                      extra_updates={"inspection_date": inspection_date, "organiser": organiser.strip()})
        bulk.create_under(acceptance, members, action="acceptance.panel", acting_user=acting_user, related=plan,
                          after={"organiser": organiser.strip(), "panel": [
                              {"name": m.name, "organisation": m.organisation, "user_id": m.user_id}
                              for m in members]})
        notify(others([*plan_side(plan), *(m.user for m in members)], acting_user), kind="plans.acceptance",
               title=_("Acceptance inspection of %(plan)s on %(date)s") % {
                   "plan": plan.title, "date": inspection_date.isoformat()},
               body=organiser, url=plan_url(plan, "plans:acceptance"))
    return acceptance


def do_record_findings(acceptance: Acceptance, findings: Mapping[int, tuple[str, str]], *,
                       acting_user: Any) -> Acceptance:
    """Per-item findings: ``{item_id: (pass|fail|pending, note)}``."""
    plan = acceptance.plan
    roles = plan_roles(acting_user, plan)
    with transaction.atomic():
        if acceptance.status != AcceptanceStatus.SCHEDULED:
            raise TransitionError(_("Findings are recorded once the inspection is scheduled and before the verdict."),
                                  code="state")
        if not roles & ACCEPTANCE.get("pass").roles:  # type: ignore[union-attr]
            raise TransitionError(_("Your role may not record findings."), code="role")
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for item in acceptance.items.select_for_update():
            if item.pk not in findings:
                continue
            result, note = findings[item.pk]
            result, note = Finding(result).value, note.strip()[:500]
            if (item.result, item.note) != (result, note):
                before[str(item.pk)] = {"result": item.result, "note": item.note}
                after[str(item.pk)] = {"result": result, "note": note}
                AcceptanceItem.objects.filter(pk=item.pk).update(result=result, note=note)
        if after:
            audit.record("acceptance.findings", acceptance, acting_user=acting_user, related=plan,
                         before=before, after=after)
    return acceptance


def do_decide_acceptance(acceptance: Acceptance, *, acting_user: Any, verdict: str, conclusion: str) -> Acceptance:
    """Pass: the plan is accepted and the enterprise moves on. Fail: back to work, failed measures reopened."""
    plan = acceptance.plan
    roles = plan_roles(acting_user, plan)
    passed = verdict == "pass"
    with transaction.atomic():
        ACCEPTANCE.check(acceptance.status, verdict, roles, reason=conclusion)
        items = list(acceptance.items.select_related("measure"))
        pending = [i for i in items if i.result == Finding.PENDING]
        failed = [i for i in items if i.result == Finding.FAIL]
        if pending:
            raise TransitionError(_("%(n)d checklist items have no finding yet.") % {"n": len(pending)},
                                  code="findings")
        if passed and failed:
            raise TransitionError(_("%(n)d checklist items failed; the verdict cannot be a pass.") % {"n": len(failed)},
                                  code="findings")
        if not passed and not failed:
            raise TransitionError(_("Mark the items that failed before recording a failed verdict."), code="findings")
        workflow.fire(ACCEPTANCE, acceptance, verdict, roles=roles, acting_user=acting_user, reason=conclusion,
                      effective_date=acceptance.inspection_date,
                      extra_updates={"verdict_text": conclusion.strip(), "decided_by": acting_user,
                                     "decided_by_name": audit.user_name(acting_user), "decided_at": timezone.now()})
        if passed:
            workflow.fire(PLAN, plan, "pass_acceptance", roles=roles, acting_user=acting_user, reason=conclusion,
                          data={"acceptance": acceptance.number})
            _move_enterprise(plan, acceptance, acting_user)
        else:
            workflow.fire(PLAN, plan, "fail_acceptance", roles=roles, acting_user=acting_user, reason=conclusion,
                          data={"acceptance": acceptance.number, "failed_items": [i.pk for i in failed]})
            for item in failed:
                if item.measure is not None and item.measure.status == MeasureStatus.DONE:
                    workflow.fire(MEASURE, item.measure, "reopen", roles=roles, acting_user=acting_user,
                                  reason=item.note or conclusion, extra_updates={"done_on": None})
        notify(others([*plan_side(plan), *office_users(plan.enterprise.park_id)], acting_user),
               kind="plans.acceptance",
               title=_("Acceptance of %(plan)s: %(verdict)s") % {
                   "plan": plan.title, "verdict": AcceptanceStatus(acceptance.status).label},
               body=conclusion, url=plan_url(plan, "plans:acceptance"))
    return acceptance


def _move_enterprise(plan: EnterprisePlan, acceptance: Acceptance, acting_user: Any) -> None:
    """rectifying → rectified; nothing if the enterprise is already there.

    A closure or relocation is not done by a plan's acceptance: the enterprise's status follows
    its closure case (closures app), whose verified steps close or relocate it. The pass needs
    that case (open, stopped or completed); without one it is refused."""
    enterprise = Enterprise.objects.get(pk=plan.enterprise_id)
    outcome = Outcome(plan.outcome)
    if outcome != Outcome.RECTIFY:
        # The closures app's cases, through their relation to the enterprise (closures sits above plans).
        if not enterprise.closure_cases.exclude(status="cancelled").exists():
            raise TransitionError(
                _("%(name)s has no closure case: a plan to close or relocate it passes only once the case is "
                  "opened from the enterprise's page (its status then follows the case's verified steps).") % {
                    "name": enterprise.name}, code="closure_case")
        return
    if enterprise.status == OUTCOME_STATUS[outcome]:
        return
    reason = in_park_language(_("Passed the acceptance of “%(plan)s” (record no. %(n)d).") % {
        "plan": plan.title, "n": acceptance.number})
    do_transition_enterprise(enterprise, OUTCOME_TRANSITION[outcome], acting_user=acting_user, reason=reason,
                             effective_date=acceptance.inspection_date or timezone.localdate())
