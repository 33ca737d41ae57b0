"""Expert review of a submitted plan version: reviewers, individual opinions, the conclusion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit, workflow
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError
from qingyuan.org.models import Membership
from qingyuan.plans.access import plan_roles
from qingyuan.plans.actions.common import (
    office_users,
    others,
    plan_side,
    plan_url,
    require_role,
    require_state,
)
from qingyuan.plans.choices import CONCLUSION_TRANSITION, PlanStatus, Recommendation
from qingyuan.plans.models import EnterprisePlan, PlanVersion, ReviewAssignment
from qingyuan.plans.workflow import EXPERT, OFFICE, PLAN


def current_version(plan: EnterprisePlan) -> PlanVersion:
    return plan.versions.get(number=plan.version)


def do_assign_reviewers(plan: EnterprisePlan, reviewers: Sequence[Any], *, acting_user: Any, due_date: dt.date,
                        lead: Any = None) -> list[ReviewAssignment]:
    """Assign experts to the submitted version; the first assignment starts the review."""
    roles = plan_roles(acting_user, plan)
    with transaction.atomic():
        require_role(roles, OFFICE, _("Assign reviewers"))
        require_state(plan, (PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW), _("Assign reviewers"))
        experts = set(Membership.objects.filter(park_id=plan.enterprise.park_id, role="expert", is_active=True)
                      .values_list("user_id", flat=True))
        strangers = [r for r in reviewers if r.pk not in experts]
        if strangers or not reviewers:
            raise TransitionError(_("Reviewers must be experts of the park."), code="reviewers")
        version = current_version(plan)
        if lead is not None:
            version.reviews.filter(is_lead=True).exclude(reviewer=lead).update(is_lead=False)
        created = []
        for reviewer in reviewers:
            review, new = ReviewAssignment.objects.get_or_create(
                version=version, reviewer=reviewer,
                defaults={"due_date": due_date, "assigned_by": acting_user, "is_lead": reviewer == lead})
            if not new and reviewer == lead and not review.is_lead:
                ReviewAssignment.objects.filter(pk=review.pk).update(is_lead=True)
            if new:
                created.append(review)
        if plan.status == PlanStatus.SUBMITTED:
            workflow.fire(PLAN, plan, "start_review", roles=roles, acting_user=acting_user,
                          data={"version": version.number})
        audit.record("plan.assign_reviewers", version, acting_user=acting_user, related=plan,
                     after={"reviewers": [r.reviewer_id for r in created], "due_date": due_date,
                            "lead": getattr(lead, "pk", None)})
        notify([r.reviewer for r in created], kind="plans.review",
               title=_("Please review %(plan)s (version %(n)d)") % {"plan": plan.title, "n": version.number},
               body=_("Opinion due %(date)s.") % {"date": due_date.isoformat()}, url=plan_url(plan, "plans:review"))
    return created


def do_submit_opinion(review: ReviewAssignment, *, acting_user: Any, recommendation: str,
                      opinion: str) -> ReviewAssignment:
    plan = review.version.plan
    with transaction.atomic():
        if review.reviewer_id != acting_user.pk:
            raise TransitionError(_("Only the assigned reviewer may give this opinion."), code="role")
        require_role(plan_roles(acting_user, plan), {EXPERT}, _("Give an opinion"))
        require_state(plan, (PlanStatus.IN_REVIEW,), _("Give an opinion"))
        if review.submitted_at is not None:
            raise TransitionError(_("Your opinion on this version is already in."), code="state")
        if not opinion.strip():
            raise TransitionError(_("Write your opinion."), code="reason")
        moved = ReviewAssignment.objects.filter(pk=review.pk, submitted_at__isnull=True).update(
            recommendation=Recommendation(recommendation), opinion=opinion.strip(), submitted_at=timezone.now())
        if not moved:
            raise TransitionError(_("Your opinion on this version is already in."), code="conflict")
        review.refresh_from_db()
        audit.record("plan.opinion", review, acting_user=acting_user, related=plan,
                     after={"recommendation": review.recommendation, "opinion": review.opinion})
        lead = review.version.reviews.filter(is_lead=True).exclude(reviewer=acting_user).first()
        notify(others([*office_users(plan.enterprise.park_id), getattr(lead, "reviewer", None)], acting_user),
               kind="plans.review",
               title=_("%(name)s gave an opinion on %(plan)s: %(rec)s") % {
                   "name": audit.user_name(acting_user), "plan": plan.title, "rec": review.get_recommendation_display()},
               url=plan_url(plan, "plans:review"))
    return review


def do_conclude_review(plan: EnterprisePlan, *, acting_user: Any, conclusion: str, text: str,
                       revision_due: dt.date | None = None) -> PlanVersion:
    """Record the review's conclusion; "approve after revision" and "reject" send the plan back."""
    conclusion = Recommendation(conclusion)
    roles = plan_roles(acting_user, plan)
    name = CONCLUSION_TRANSITION[conclusion]
    with transaction.atomic():
        PLAN.check(plan.status, name, roles, reason=text)
        version = current_version(plan)
        if not version.reviews.filter(submitted_at__isnull=False).exists():
            raise TransitionError(_("No expert opinion is in yet; the conclusion needs at least one."),
                                  code="opinions")
        PlanVersion.objects.filter(pk=version.pk).update(
            conclusion=conclusion, conclusion_text=text.strip(), concluded_by=acting_user,
            concluded_by_name=audit.user_name(acting_user), concluded_at=timezone.now())
        workflow.fire(PLAN, plan, name, roles=roles, acting_user=acting_user, reason=text,
                      data={"version": version.number, "conclusion": conclusion.value},
                      extra_updates={"revision_due": revision_due if name != "approve" else None})
        audit.record("plan.conclude", version, acting_user=acting_user, related=plan,
                     after={"conclusion": conclusion.value, "text": text.strip(), "revision_due": revision_due})
        notify(others([*plan_side(plan), *office_users(plan.enterprise.park_id)], acting_user),
               kind="plans.plan",
               title=_("Expert review of %(plan)s: %(conclusion)s") % {
                   "plan": plan.title, "conclusion": conclusion.label},
               body=text, url=plan_url(plan))
        version.refresh_from_db()
    return version
