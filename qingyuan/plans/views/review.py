"""The expert review screen: the office assigns reviewers, experts give opinions, the conclusion is recorded."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core.access import get_visible
from qingyuan.plans import actions
from qingyuan.plans.access import access_plan, plan_roles
from qingyuan.plans.choices import PlanStatus
from qingyuan.plans.forms import AssignReviewersForm, ConclusionForm, OpinionForm
from qingyuan.plans.models import EnterprisePlan, ReviewAssignment
from qingyuan.plans.views.common import attempt
from qingyuan.plans.workflow import CONCLUDERS, OFFICE


def _context(request: HttpRequest, plan: EnterprisePlan) -> dict[str, object]:
    roles = plan_roles(request.user, plan)
    all_versions = list(plan.versions.prefetch_related("reviews__reviewer__person"))
    current = next((v for v in all_versions if v.number == plan.version), None)
    mine = next((r for r in current.reviews.all() if r.reviewer_id == request.user.pk), None) if current else None
    waiting_on_me = mine is not None and mine.submitted_at is None
    in_review = plan.status == PlanStatus.IN_REVIEW
    previous = [r for r in (current.reviews.all() if current else []) if r.submitted_at]
    last = next((v for v in all_versions if v.number == plan.version - 1), None)
    return {
        "plan": plan, "roles": roles, "current": current, "mine": mine,
        "earlier": [v for v in all_versions if v.number != plan.version],
        # An expert who has not given their opinion does not see the others' yet (independent review).
        "hide_opinions": waiting_on_me,
        "opinions_in": len(previous),
        "assign_form": AssignReviewersForm(plan=plan, initial={
            "reviewers": [r.reviewer for r in last.reviews.all()] if last else []})
        if roles & OFFICE and plan.status in (PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW) else None,
        "opinion_form": OpinionForm() if in_review and waiting_on_me else None,
        "conclusion_form": ConclusionForm() if in_review and roles & CONCLUDERS else None,
    }


def review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    return render(request, "plans/review.html", _context(request, plan))


@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    form = AssignReviewersForm(request.POST, plan=plan)
    if not form.is_valid():
        context = _context(request, plan)
        context["assign_form"] = form
        return render(request, "plans/review.html", context, status=400)
    data = form.cleaned_data
    attempt(request, lambda: actions.do_assign_reviewers(plan, list(data["reviewers"]), acting_user=request.user,
                                                         due_date=data["due_date"], lead=data["lead"]),
            _("Reviewers assigned."))
    return redirect("plans:review", pk=pk)


@require_POST
def review_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    mine = get_visible(ReviewAssignment.objects.filter(version__plan=plan, version__number=plan.version,
                                                       reviewer=request.user).select_related("version__plan"))
    form = OpinionForm(request.POST)
    if not form.is_valid():
        context = _context(request, plan)
        context["opinion_form"] = form
        return render(request, "plans/review.html", context, status=400)
    attempt(request, lambda: actions.do_submit_opinion(mine, acting_user=request.user, **form.cleaned_data),
            _("Your opinion is recorded."))
    return redirect("plans:review", pk=pk)


@require_POST
def review_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    form = ConclusionForm(request.POST)
    if not form.is_valid():
        context = _context(request, plan)
        context["conclusion_form"] = form
        return render(request, "plans/review.html", context, status=400)
    data = form.cleaned_data
    ok = attempt(request, lambda: actions.do_conclude_review(
        plan, acting_user=request.user, conclusion=data["conclusion"], text=data["text"],
        revision_due=data["revision_due"]), _("The review conclusion is recorded."))
    return redirect("plans:detail" if ok else "plans:review", pk=pk)

