"""Acceptance screens: request, schedule with the panel, per-item findings, verdict, the Word record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import workflow
from qingyuan.plans import actions, docx
from qingyuan.plans.access import access_acceptance, access_plan, plan_roles
from qingyuan.plans.choices import AcceptanceStatus, MeasureStatus
from qingyuan.plans.forms import AcceptanceRequestForm, FindingsForm, ScheduleForm, VerdictForm
from qingyuan.plans.models import Acceptance, EnterprisePlan
from qingyuan.plans.views.common import attempt
from qingyuan.plans.workflow import ACCEPTANCE, PLAN


def _context(request: HttpRequest, plan: EnterprisePlan, **forms: object) -> dict[str, object]:
    roles = plan_roles(request.user, plan)
    acceptances = list(plan.acceptances.select_related("version").prefetch_related("items__measure", "panel"))
    current = acceptances[0] if acceptances else None
    can_request = any(t.name == "request_acceptance" for t in PLAN.available(plan.status, roles))
    office = current is not None and bool(ACCEPTANCE.available(AcceptanceStatus.SCHEDULED, roles))
    open_measures = plan.measures.exclude(status__in=[MeasureStatus.DONE, MeasureStatus.CANCELLED]).count()
    context: dict[str, object] = {
        "plan": plan, "roles": roles, "acceptances": acceptances, "current": current,
        "open_measures": open_measures,
        "request_form": AcceptanceRequestForm() if can_request and not open_measures else None,
        "schedule_form": None, "findings_form": None, "verdict_form": None,
        "history": [(h, ACCEPTANCE.label(h.to_state)) for h in workflow.history(current)] if current else [],
    }
    if current is not None and office and current.status in (AcceptanceStatus.REQUESTED, AcceptanceStatus.SCHEDULED):
        context["schedule_form"] = ScheduleForm(plan=plan, initial={
            "inspection_date": current.inspection_date, "organiser": current.organiser})
    if current is not None and office and current.status == AcceptanceStatus.SCHEDULED:
        context["findings_form"] = FindingsForm(items=list(current.items.all()))
        context["verdict_form"] = VerdictForm()
    context.update(forms)
    return context


def acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    return render(request, "plans/acceptance.html", _context(request, plan))


@require_POST
def acceptance_request(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    form = AcceptanceRequestForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: actions.do_request_acceptance(plan, acting_user=request.user,
                                                               note=form.cleaned_data["note"]),
                _("Acceptance requested; the office will schedule the inspection."))
    return redirect("plans:acceptance", pk=pk)


def _current(request: HttpRequest, pk: int, acceptance_id: int) -> tuple[EnterprisePlan, Acceptance]:
    plan = access_plan(request.user, pk)
    return plan, access_acceptance(request.user, plan, acceptance_id)


@require_POST
def acceptance_schedule(request: HttpRequest, pk: int, acceptance_id: int) -> HttpResponse:
    plan, current = _current(request, pk, acceptance_id)
    form = ScheduleForm(request.POST, plan=plan)
    if not form.is_valid():
        return render(request, "plans/acceptance.html", _context(request, plan, schedule_form=form), status=400)
    attempt(request, lambda: actions.do_schedule_acceptance(
        current, acting_user=request.user, inspection_date=form.cleaned_data["inspection_date"],
        organiser=form.cleaned_data["organiser"], panel=form.panel()), _("Inspection scheduled."))
    return redirect("plans:acceptance", pk=pk)


@require_POST
def acceptance_findings(request: HttpRequest, pk: int, acceptance_id: int) -> HttpResponse:
    plan, current = _current(request, pk, acceptance_id)
    form = FindingsForm(request.POST, items=list(current.items.all()))
    if not form.is_valid():
        return render(request, "plans/acceptance.html", _context(request, plan, findings_form=form), status=400)
    attempt(request, lambda: actions.do_record_findings(current, form.findings(), acting_user=request.user),
            _("Findings saved."))
    return redirect("plans:acceptance", pk=pk)


@require_POST
def acceptance_verdict(request: HttpRequest, pk: int, acceptance_id: int) -> HttpResponse:
    plan, current = _current(request, pk, acceptance_id)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return render(request, "plans/acceptance.html", _context(request, plan, verdict_form=form), status=400)
    attempt(request, lambda: actions.do_decide_acceptance(
        current, acting_user=request.user, verdict=form.cleaned_data["verdict"],
        conclusion=form.cleaned_data["conclusion"]), _("The verdict is recorded."))
    return redirect("plans:acceptance", pk=pk)


def acceptance_record(request: HttpRequest, pk: int, acceptance_id: int) -> HttpResponse:
    """The Word record, for everyone who can see the plan."""
    _plan, current = _current(request, pk, acceptance_id)
    current = Acceptance.objects.select_related("plan__enterprise__park", "plan__park_plan", "version").get(
        pk=current.pk)
    response = HttpResponse(docx.render(current), content_type=docx.DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, docx.filename(current))
    response["X-Content-Type-Options"] = "nosniff"
    return response
