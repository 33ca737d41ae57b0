"""The park implementation plan: its targets, load reductions, milestones and computed progress."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import audit
from qingyuan.core.access import get_visible
from qingyuan.org.actor import actor_for
from qingyuan.plans import actions, progress
from qingyuan.plans.access import access_park_plan, manages_park
from qingyuan.plans.choices import PlanStatus
from qingyuan.plans.forms import ApproveParkPlanForm, LoadTargetForm, MilestoneForm, ParkPlanForm, TargetForm
from qingyuan.plans.models import EnterprisePlan, LoadTarget, Milestone, ParkPlan, PlanTarget
from qingyuan.plans.views.common import attempt, form_errors
from qingyuan.plans.workflow import OFFICE

STAGE_COLOURS = {"reached": "#198754", "none": "#dee2e6", PlanStatus.DRAFT: "#adb5bd",
                 PlanStatus.SUBMITTED: "#6ea8fe", PlanStatus.IN_REVIEW: "#0d6efd", PlanStatus.REVISION: "#ffc107",
                 PlanStatus.APPROVED: "#fd7e14", PlanStatus.ACCEPTANCE: "#6f42c1", PlanStatus.ACCEPTED: "#20c997"}


def park_plan_list(request: HttpRequest) -> HttpResponse:
    plans = ParkPlan.objects.visible_to(request.user).select_related("park")
    actor = actor_for(request.user)
    rows = [(p, progress.compute(p)) for p in plans[:20]]
    return render(request, "plans/park_list.html", {
        "rows": rows, "can_create": actor.is_superuser or bool(actor.park_ids_with(OFFICE))})


def _stage(row: progress.TargetRow) -> str:
    if row.reached:
        return "reached"
    return row.plan.status if row.plan is not None else "none"


def stage_charts(p: progress.Progress) -> list[dict[str, Any]]:
    """One donut per target type: its enterprises by how far their plan has come."""
    labels = {"reached": _("Outcome reached"), "none": _("No plan yet"),
              **{s.value: str(s.label) for s in PlanStatus}}
    charts = []
    for tally in p.by_outcome:
        counts: dict[str, int] = {}
        for row in p.rows:
            if row.target.outcome == tally.outcome:
                counts[_stage(row)] = counts.get(_stage(row), 0) + 1
        data = [{"name": str(labels[k]), "value": n, "itemStyle": {"color": STAGE_COLOURS[k]}}
                for k, n in counts.items()]
        charts.append({"tally": tally, "json": json.dumps(data, ensure_ascii=False)})
    return charts


def load_chart(p: progress.Progress) -> str:
    return json.dumps({
        "names": [f"{r.load.pollutant_name}" for r in p.loads],
        "required": [float(r.required) for r in p.loads],
        "achieved": [float(r.achieved) for r in p.loads],
        "labels": [str(_("Required reduction")), str(_("Achieved (measures done)"))],
    }, ensure_ascii=False)


def park_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    park_plan = access_park_plan(request.user, pk)
    p = progress.compute(park_plan)
    visible_plans = set(EnterprisePlan.objects.visible_to(request.user).filter(park_plan=park_plan)
                        .values_list("pk", flat=True))
    manage = manages_park(request.user, park_plan.park_id) or actor_for(request.user).is_superuser
    today = timezone.localdate()
    context = {
        "park_plan": park_plan, "progress": p, "charts": stage_charts(p), "load_chart": load_chart(p),
        "visible_plans": visible_plans, "manage": manage, "today": today,
        "milestones": [(m, m.overdue(today)) for m in p.milestones],
        "audit_trail": audit.trail(park_plan)[:20] if manage else [],
    }
    if manage:
        context.update(target_form=TargetForm(park_plan=park_plan), load_form=LoadTargetForm(park_plan=park_plan),
                       milestone_form=MilestoneForm(), approve_form=ApproveParkPlanForm(
                           initial={"approved_by": park_plan.approved_by, "approved_on": today}))
    return render(request, "plans/park_detail.html", context)


def park_plan_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    park_plan = access_park_plan(request.user, pk, for_write=True) if pk else None
    form = ParkPlanForm(request.POST or None, instance=park_plan, user=request.user)
    if not form.fields["park"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        holder: dict[str, ParkPlan] = {}

        def run() -> None:
            if park_plan is None:
                holder["p"] = actions.do_create_park_plan(acting_user=request.user, **data)
            else:
                data.pop("park")
                holder["p"] = actions.do_update_park_plan(ParkPlan.objects.get(pk=pk), acting_user=request.user,
                                                          **data)

        if attempt(request, run, _("Changes saved.")):
            return redirect("plans:park_detail", pk=holder["p"].pk)
    return render(request, "plans/park_form.html", {"form": form, "park_plan": park_plan},
                  status=400 if form.errors else 200)


@require_POST
def park_plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    park_plan = access_park_plan(request.user, pk)
    form = ApproveParkPlanForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: actions.do_approve_park_plan(park_plan, acting_user=request.user,
                                                              **form.cleaned_data), _("Approval recorded."))
    else:
        form_errors(request, form)
    return redirect("plans:park_detail", pk=pk)


def _add(request: HttpRequest, pk: int, form_class: Any, action: Any) -> HttpResponse:
    park_plan = access_park_plan(request.user, pk, for_write=True)
    kwargs = {} if form_class is MilestoneForm else {"park_plan": park_plan}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        attempt(request, lambda: action(park_plan, acting_user=request.user, **form.cleaned_data), _("Added."))
    else:
        form_errors(request, form)
    return redirect("plans:park_detail", pk=pk)


@require_POST
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(request, pk, TargetForm, actions.do_add_target)


@require_POST
def load_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(request, pk, LoadTargetForm, actions.do_add_load_target)


@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(request, pk, MilestoneForm, actions.do_add_milestone)


@require_POST
def row_remove(request: HttpRequest, pk: int, kind: str, row_id: int) -> HttpResponse:
    park_plan = access_park_plan(request.user, pk, for_write=True)
    kinds = {"target": (PlanTarget, actions.do_remove_target),
             "load": (LoadTarget, actions.do_remove_load_target),
             "milestone": (Milestone, actions.do_remove_milestone)}
    if kind not in kinds:
        raise Http404
    model, action = kinds[kind]
    row = get_visible(model.objects.filter(park_plan=park_plan), pk=row_id)
    attempt(request, lambda: action(row, acting_user=request.user), _("Removed."))
    return redirect("plans:park_detail", pk=pk)
