"""Who may see and change plans. Every rule is one line; not visible means 404.

Reading an enterprise plan:
  office staff, leaders, admins, supervision-group members: every plan of their park
  an officer of the enterprise's linked unit (or its linked officer): that enterprise's plans
  an enterprise user: their own enterprise's plans
  an expert: the plans they were assigned to review
Park plans are read by everyone with a park-wide role.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from qingyuan.core.access import get_visible
from qingyuan.core.models import Attachment
from qingyuan.enterprises.models import EnterpriseAccount
from qingyuan.org.actor import actor_for
from qingyuan.org.scoping import officer_units
from qingyuan.plans.choices import EDITABLE_STATES
from qingyuan.plans.models import (
    READ_ALL_ROLES,
    Acceptance,
    EnterprisePlan,
    Measure,
    ParkPlan,
    ReviewAssignment,
)
from qingyuan.plans.workflow import DRAFTERS, EXPERT, LINKED, OFFICE, OWNER, REVIEW_LEAD


def is_owner(user: Any, enterprise_id: int) -> bool:
    return bool(user.is_authenticated) and EnterpriseAccount.objects.filter(
        enterprise_id=enterprise_id, user=user).exists()


def plan_roles(user: Any, plan: EnterprisePlan) -> frozenset[str]:
    """The user's roles toward this plan, as the plan workflows name them."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return frozenset()
    enterprise = plan.enterprise
    roles = set(actor.roles_in_park(enterprise.park_id) & (READ_ALL_ROLES | OFFICE))
    if enterprise.linked_unit_id in officer_units(actor):
        roles.add(LINKED)
    if enterprise.linked_officer_id == actor.user_id:
        roles.add(LINKED)
    if is_owner(user, enterprise.pk):
        roles.add(OWNER)
    review = None if plan.pk is None else ReviewAssignment.objects.filter(
        version__plan=plan, version__number=plan.version, reviewer=user).first()
    if review is not None:
        roles.add(EXPERT)
    if review is not None and review.is_lead:
        roles.add(REVIEW_LEAD)
    return frozenset(roles)


def can_edit(roles: frozenset[str], plan: EnterprisePlan) -> bool:
    """Drafting and revising: the enterprise or the office, while the plan is a draft or sent back."""
    return plan.status in EDITABLE_STATES and bool(roles & DRAFTERS)


def manages_park(user: Any, park_id: int) -> bool:
    """Office staff and admins create and run plans in their park."""
    actor = actor_for(user)
    return bool(actor.roles_in_park(park_id) & OFFICE)


def access_plan(user: Any, pk: Any, *, for_write: bool = False) -> EnterprisePlan:
    plan = get_visible(
        EnterprisePlan.objects.visible_to(user).select_related("enterprise__park", "park_plan"), pk=pk)
    if for_write and not can_edit(plan_roles(user, plan), plan):
        raise PermissionDenied
    return plan


def access_measure(user: Any, plan: EnterprisePlan, pk: Any) -> Measure:
    return get_visible(Measure.objects.filter(plan=plan), pk=pk)


def access_acceptance(user: Any, plan: EnterprisePlan, pk: Any) -> Acceptance:
    return get_visible(Acceptance.objects.filter(plan=plan).select_related("version"), pk=pk)


def access_evidence(user: Any, plan: EnterprisePlan, pk: Any) -> Attachment:
    """An attachment of one of the plan's measures (the caller has already had access to the plan)."""
    from django.contrib.contenttypes.models import ContentType

    measure_ids = [str(i) for i in Measure.objects.filter(plan=plan).values_list("pk", flat=True)]
    return get_visible(Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(Measure),
                                                 owner_id__in=measure_ids), pk=pk)


def access_park_plan(user: Any, pk: Any, *, for_write: bool = False) -> ParkPlan:
    park_plan = get_visible(ParkPlan.objects.visible_to(user).select_related("park"), pk=pk)
    if for_write and not manages_park(user, park_plan.park_id):
        raise PermissionDenied
    return park_plan
