"""Helpers the plan actions share: recipients, links, refusals in the workflow's words."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import Role
from qingyuan.plans.choices import PlanStatus
from qingyuan.plans.models import EnterprisePlan


def office_users(park_id: int) -> list[Any]:
    """Active office staff of the park: they run reviews and acceptance."""
    return list(get_user_model().objects.filter(
        memberships__park_id=park_id, memberships__role=Role.OFFICE_STAFF, memberships__is_active=True,
        is_active=True).distinct())


def enterprise_users(enterprise: Enterprise) -> list[Any]:
    return [a.user for a in enterprise.accounts.select_related("user")]


def plan_side(plan: EnterprisePlan) -> list[Any]:
    """Who hears about decisions on the plan: the enterprise's users and its linked officer."""
    return [*enterprise_users(plan.enterprise), plan.enterprise.linked_officer]


def others(users: Iterable[Any], acting_user: Any) -> list[Any]:
    me = getattr(acting_user, "pk", None)
    return [u for u in users if u is not None and u.pk != me]


def plan_url(plan: EnterprisePlan, name: str = "plans:detail") -> str:
    return reverse(name, args=[plan.pk])


def in_park_language(text: Any) -> str:
    """Text stored in records (checklists, lifecycle reasons) is written in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def require_role(roles: Collection[str], allowed: Collection[str], action: Any) -> None:
    if not set(roles) & set(allowed):
        raise TransitionError(_("Your role may not perform “%(action)s”.") % {"action": action}, code="role")


def require_state(plan: EnterprisePlan, states: Collection[str], action: Any) -> None:
    if plan.status not in states:
        raise TransitionError(
            _("“%(action)s” is not possible while the status is “%(state)s”.")
            % {"action": action, "state": PlanStatus(plan.status).label}, code="state")
