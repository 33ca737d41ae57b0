"""Enterprise plan pages: list, create, detail (measures, timeline, versions), drafting and progress."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import attachments, audit, workflow
from qingyuan.core.audit_display import readable
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.core.models import Attachment
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.actor import actor_for
from qingyuan.plans import actions, spreadsheet, versions
from qingyuan.plans.access import access_evidence, access_measure, access_plan, can_edit, plan_roles
from qingyuan.plans.choices import MeasureStatus, PlanStatus
from qingyuan.plans.forms import (
    EvidenceForm,
    MeasureForm,
    MeasureTransitionForm,
    PlanFilter,
    PlanForm,
    ReturnForm,
    SubmitForm,
)
from qingyuan.plans.models import EnterprisePlan, Measure, pollutant_name
from qingyuan.plans.services import colour_for
from qingyuan.plans.views.common import attempt, form_errors
from qingyuan.plans.workflow import ACCEPTANCE, MEASURE, OFFICE, PLAN

STATUS_COLOURS = {MeasureStatus.NOT_STARTED: "#adb5bd", MeasureStatus.IN_PROGRESS: "#fd7e14",
                  MeasureStatus.DONE: "#198754", MeasureStatus.CANCELLED: "#6c757d"}
DETAIL_TRANSITIONS = ("submit", "return_for_completion")


def can_draft(user: Any) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or bool(actor.park_ids_with(OFFICE)) or Enterprise.objects.filter(
        accounts__user=user).exists()


def _filtered(request: HttpRequest) -> tuple[PlanFilter, Any]:
    """The plans the list shows for this user and these filters (the list and its export)."""
    visible = EnterprisePlan.objects.visible_to(request.user)
    form = PlanFilter(request.GET or None, plans=visible)
    qs = form.apply(visible) if form.is_bound else visible
    return form, qs.with_totals().order_by("deadline", "id")


def plan_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs, settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(p, colour_for(p.deadline, today) if p.status != PlanStatus.ACCEPTED else None) for p in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "plans/list.html",
                       {"filter": form, "page": page, "rows": rows, "can_create": can_draft(request.user),
                        "query": query.urlencode()},
                       partial="plans/partials/table.html")


@reads_from_replica
def plan_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    return spreadsheet.response(qs)


def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, user=request.user,
                    initial={"park_plan": request.GET.get("park_plan"), "enterprise": request.GET.get("enterprise")})
    if not form.fields["enterprise"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        holder: dict[str, EnterprisePlan] = {}

        def run() -> None:
            holder["plan"] = actions.do_create_plan(acting_user=request.user, **form.cleaned_data)

        if attempt(request, run, _("Plan created; now add its measures.")):
            return redirect("plans:detail", pk=holder["plan"].pk)
    return render(request, "plans/plan_form.html", {"form": form}, status=400 if form.errors else 200)


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, for_write=True)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        fresh = EnterprisePlan.objects.select_related("enterprise", "park_plan").get(pk=pk)
        changes = {k: v for k, v in form.cleaned_data.items() if k not in ("park_plan", "enterprise")}
        if attempt(request, lambda: actions.do_update_plan(fresh, acting_user=request.user, **changes),
                   _("Changes saved.")):
            return redirect("plans:detail", pk=pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan}, status=400 if form.errors else 200)


def timeline(plan: EnterprisePlan, measures: list[Measure]) -> str:
    rows = [{"name": m.title, "start": (m.start_date or plan.start_date).isoformat(),
             "end": m.deadline.isoformat(), "status": m.get_status_display(),
             "colour": STATUS_COLOURS[MeasureStatus(m.status)], "investment": str(m.investment)}
            for m in measures]
    return json.dumps({"rows": rows, "today": timezone.localdate().isoformat(),
                       "start": plan.start_date.isoformat(), "end": plan.deadline.isoformat()}, ensure_ascii=False)


def evidence_by_measure(measures: list[Measure]) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = defaultdict(list)
    for a in Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(Measure),
                                       owner_id__in=[str(m.pk) for m in measures]):
        found[int(a.owner_id)].append(a)
    return found


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    roles = plan_roles(request.user, plan)
    measures = list(plan.measures.select_related("owner_user__person"))
    evidence = evidence_by_measure(measures)
    implementing = plan.status == PlanStatus.APPROVED
    measure_rows = [(m, evidence.get(m.pk, []), MEASURE.available(m.status, roles) if implementing else [],
                     [(pollutant_name(code), t) for code, t in (m.reductions or {}).items()])
                    for m in measures]
    plan_versions = list(plan.versions.all())
    context = {
        "plan": plan, "roles": roles, "measure_rows": measure_rows,
        "can_edit": can_edit(roles, plan),
        "can_attach": bool(roles & (OFFICE | {"owner"})) and plan.status != PlanStatus.ACCEPTED,
        "transitions": [t for t in PLAN.available(plan.status, roles) if t.name in DETAIL_TRANSITIONS],
        "can_request_acceptance": any(t.name == "request_acceptance" for t in PLAN.available(plan.status, roles))
        and all(m.status in (MeasureStatus.DONE, MeasureStatus.CANCELLED) for m in measures),
        "versions": [(v, versions.describe(v.changes)) for v in plan_versions],
        "chart": timeline(plan, [m for m in measures if m.status != MeasureStatus.CANCELLED]),
        "totals": {"investment": sum((m.investment for m in measures if m.status != MeasureStatus.CANCELLED), 0),
                   "done": sum(m.status == MeasureStatus.DONE for m in measures),
                   "live": sum(m.status != MeasureStatus.CANCELLED for m in measures)},
        "history": [(h, PLAN.label(h.to_state)) for h in workflow.history(plan)],
        "audit_trail": readable(audit.trail(plan)[:30], workflows=[PLAN, MEASURE, ACCEPTANCE]),
        "latest_acceptance": plan.acceptances.first(),
        "today": timezone.localdate(),
        "submit_form": SubmitForm(), "return_form": ReturnForm(), "evidence_form": EvidenceForm(),
    }
    return render(request, "plans/detail.html", context)


def measure_form(request: HttpRequest, pk: int, measure_id: int | None = None) -> HttpResponse:
    plan = access_plan(request.user, pk, for_write=True)
    measure = access_measure(request.user, plan, measure_id) if measure_id else None
    form = MeasureForm(request.POST or None, instance=measure, plan=plan)
    if request.method == "POST" and form.is_valid():
        if measure is None:
            ok = attempt(request, lambda: actions.do_add_measure(plan, acting_user=request.user, **form.changes()),
                         _("Measure added."))
        else:
            fresh = Measure.objects.select_related("plan__enterprise").get(pk=measure.pk)
            ok = attempt(request, lambda: actions.do_update_measure(fresh, acting_user=request.user,
                                                                    **form.changes()), _("Changes saved."))
        if ok:
            return redirect("plans:detail", pk=pk)
    return render(request, "plans/measure_form.html", {"form": form, "plan": plan, "measure": measure},
                  status=400 if form.errors else 200)


@require_POST
def measure_delete(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    plan = access_plan(request.user, pk, for_write=True)
    measure = access_measure(request.user, plan, measure_id)
    attempt(request, lambda: actions.do_remove_measure(measure, acting_user=request.user), _("Measure removed."))
    return redirect("plans:detail", pk=pk)


@require_POST
def measure_transition(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    measure = access_measure(request.user, plan, measure_id)
    form = MeasureTransitionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("plans:detail", pk=pk)
    data = form.cleaned_data
    attempt(request, lambda: actions.do_transition_measure(
        measure, data["transition"], acting_user=request.user, reason=data["reason"],
        effective_date=data["effective_date"]), _("Measure updated."))
    return redirect("plans:detail", pk=pk)


@require_POST
def evidence_upload(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    measure = access_measure(request.user, plan, measure_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("plans:detail", pk=pk)
    attempt(request, lambda: actions.do_attach_evidence(measure, form.cleaned_data["file"], acting_user=request.user),
            _("Evidence uploaded."))
    return redirect("plans:detail", pk=pk)


def evidence_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    return attachments.serve(access_evidence(request.user, plan, attachment_id))


@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    form = SubmitForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: actions.do_submit_plan(plan, acting_user=request.user, note=form.cleaned_data["note"]),
                _("Plan submitted for expert review."))
    else:
        form_errors(request, form)
    return redirect("plans:detail", pk=pk)


@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: actions.do_return_plan(plan, acting_user=request.user,
                                                        reason=form.cleaned_data["reason"]),
                _("Plan returned for completion."))
    else:
        form_errors(request, form)
    return redirect("plans:detail", pk=pk)

