"""Who may do what on a closure case; rules live here, each on its own line (docs/closures.md)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from qingyuan.closures.choices import StepKind
from qingyuan.closures.models import ClosureCase
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import PARK_MANAGER_ROLES, Role

MANAGER = "manager"          # office, leaders, admins of the park: open, record, verify, cancel
RESPONSIBLE = "responsible"  # officers of the case's responsible unit: record steps
INSPECTOR = "inspector"      # inspectors of the park: verify the production stop on site

# Steps an inspector may verify (from the field, with a patrol); the others are verified by managers.
INSPECTOR_STEPS = frozenset({StepKind.PRODUCTION_STOPPED})


def case_roles(user: Any, case: ClosureCase) -> frozenset[str]:
    actor = actor_for(user)
    roles = set()
    park_roles = actor.roles_in_park(case.park_id)
    if park_roles & PARK_MANAGER_ROLES:
        roles.add(MANAGER)
    if Role.INSPECTOR in park_roles:
        roles.add(INSPECTOR)
    if Role.UNIT_OFFICER in actor.roles_by_unit.get(case.responsible_unit_id, frozenset()):
        roles.add(RESPONSIBLE)
    return frozenset(roles)


def can_open(user: Any, park_id: int) -> bool:
    return actor_for(user).manages_park(park_id)


def can_record(roles: frozenset[str]) -> bool:
    return bool(roles & {MANAGER, RESPONSIBLE})


def can_verify(roles: frozenset[str], kind: str) -> bool:
    return MANAGER in roles or (INSPECTOR in roles and kind in INSPECTOR_STEPS)


def access_case(user: Any, pk: int) -> ClosureCase:
    """The case if the user may see it; 404 otherwise (not found and not allowed look the same)."""
    case = (ClosureCase.objects.visible_to(user).select_related("enterprise", "responsible_unit", "park")
            .filter(pk=pk).first())
    if case is None:
        raise Http404
    return case
