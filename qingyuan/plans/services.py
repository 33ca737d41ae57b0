"""What waits on a user in the plans app, for the "my work" page.

``work_items(user)`` is registered with ``qingyuan.core.work`` in ``PlansConfig.ready``;
the page calls every provider and sorts by urgency. A constant number of queries per user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.core.work import Colour, WorkItem
from qingyuan.org.actor import actor_for
from qingyuan.plans.choices import AcceptanceStatus, MeasureStatus, PlanStatus
from qingyuan.plans.models import Acceptance, EnterprisePlan, ReviewAssignment
from qingyuan.plans.workflow import OFFICE

REMIND_DAYS = 3   # blue this many days before the deadline
ESCALATE_DAYS = 3  # red this many days after it


def colour_for(deadline: dt.date | None, today: dt.date) -> Colour:
    if deadline is None:
        return Colour.NONE
    days = (deadline - today).days
    if days < -ESCALATE_DAYS:
        return Colour.RED
    if days <= 0:
        return Colour.YELLOW
    if days <= REMIND_DAYS:
        return Colour.BLUE
    return Colour.NONE


def _item(kind: str, kind_label: Any, title: str, url: str, action: Any, deadline: dt.date | None,
          today: dt.date) -> WorkItem:
    return WorkItem(kind=kind, kind_label=kind_label, title=title, url=url, action_label=action,
                    deadline=deadline, colour=colour_for(deadline, today))


def work_items(user: Any) -> list[WorkItem]:
    actor = actor_for(user)
    if not actor.is_authenticated:
        return []
    today = timezone.localdate()
    return [*_enterprise_items(user, today), *_expert_items(user, today), *_office_items(actor, today)]


def _enterprise_items(user: Any, today: dt.date) -> list[WorkItem]:
    items = []
    plans = EnterprisePlan.objects.filter(
        enterprise__accounts__user=user,
        status__in=[PlanStatus.DRAFT, PlanStatus.REVISION, PlanStatus.APPROVED],
    ).annotate(open_measures=Count("measures", filter=~Q(
        measures__status__in=[MeasureStatus.DONE, MeasureStatus.CANCELLED]))).select_related("enterprise")
    for plan in plans:
        url = reverse("plans:detail", args=[plan.pk])
        if plan.status == PlanStatus.DRAFT:
            items.append(_item("plan_draft", _("Rectification plan"), plan.title, url,
                               _("Complete and submit the plan"), None, today))
        elif plan.status == PlanStatus.REVISION:
            items.append(_item("plan_revision", _("Rectification plan"), plan.title, url,
                               _("Revise the plan and resubmit it"), plan.revision_due, today))
        elif plan.open_measures == 0:
            items.append(_item("plan_acceptance", _("Acceptance"), plan.title,
                               reverse("plans:acceptance", args=[plan.pk]), _("Request acceptance"),
                               plan.deadline, today))
    return items


def _expert_items(user: Any, today: dt.date) -> list[WorkItem]:
    pending = ReviewAssignment.objects.filter(
        reviewer=user, submitted_at__isnull=True, version__plan__status=PlanStatus.IN_REVIEW,
        version__number=F("version__plan__version")).select_related("version__plan")
    items = [_item("plan_opinion", _("Expert review"), f"{r.version.plan.title} · v{r.version.number}",
                   reverse("plans:review", args=[r.version.plan_id]), _("Give your opinion"), r.due_date, today)
             for r in pending]
    leads = ReviewAssignment.objects.filter(
        reviewer=user, is_lead=True, version__plan__status=PlanStatus.IN_REVIEW,
        version__number=F("version__plan__version")).select_related("version__plan")
    items += [_conclusion_item(r.version.plan, today) for r in _all_opinions_in(leads, "version__")]
    return items


def _all_opinions_in(qs: Any, prefix: str) -> Any:
    return qs.annotate(
        n_reviews=Count(f"{prefix}reviews"),
        n_open=Count(f"{prefix}reviews", filter=Q(**{f"{prefix}reviews__submitted_at__isnull": True})),
        last_due=Max(f"{prefix}reviews__due_date"),
    ).filter(n_reviews__gt=0, n_open=0)


def _conclusion_item(plan: EnterprisePlan, today: dt.date) -> WorkItem:
    return _item("plan_conclusion", _("Expert review"), plan.title, reverse("plans:review", args=[plan.pk]),
                 _("Record the review conclusion"), None, today)


def _office_items(actor: Any, today: dt.date) -> list[WorkItem]:
    parks = Q() if actor.is_superuser else Q(enterprise__park_id__in=list(actor.park_ids_with(OFFICE)))
    if not actor.is_superuser and not actor.park_ids_with(OFFICE):
        return []
    plans = EnterprisePlan.objects.filter(parks)
    items = [_item("plan_assign", _("Expert review"), plan.title, reverse("plans:review", args=[plan.pk]),
                   _("Assign reviewers"), None, today)
             for plan in plans.filter(status=PlanStatus.SUBMITTED)]
    ready = plans.filter(status=PlanStatus.IN_REVIEW).annotate(
        n_reviews=Count("versions__reviews", filter=Q(versions__number=F("version"))),
        n_open=Count("versions__reviews", filter=Q(versions__number=F("version"),
                                                   versions__reviews__submitted_at__isnull=True)),
    ).filter(n_reviews__gt=0, n_open=0)
    items += [_conclusion_item(plan, today) for plan in ready]
    acceptances = Acceptance.objects.filter(
        plan__in=plans, status__in=[AcceptanceStatus.REQUESTED, AcceptanceStatus.SCHEDULED]).select_related("plan")
    for a in acceptances:
        url = reverse("plans:acceptance", args=[a.plan_id])
        if a.status == AcceptanceStatus.REQUESTED:
            items.append(_item("acceptance_schedule", _("Acceptance"), a.plan.title, url,
                               _("Schedule the inspection"), None, today))
        else:
            items.append(_item("acceptance_verdict", _("Acceptance"), a.plan.title, url,
                               _("Record the findings and the verdict"), a.inspection_date, today))
    return items
