"""Who may see and act on an assessment. Not visible means 404.

Visibility lives in ``Scheme.objects.visible_to`` (one line per rule): the office, the leading group, admins
and supervision-group members read their park's schemes; a unit officer reads the schemes that assess their
unit, and within them only their own unit's scores, results and appeals. Enterprises see nothing.
"""

from __future__ import annotations

from typing import Any

from qingyuan.assessment.models import READER_ROLES, Scheme
from qingyuan.assessment.workflow import LEADER, OFFICE, UNIT
from qingyuan.core.access import get_visible
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role


def may_open_assessment(actor: Any) -> bool:
    """Whether the menu offers 目标考核: the roles ``Scheme.objects.visible_to`` serves, judged without a query
    (a unit officer's unit may not be assessed this year: the page then says there is nothing to show)."""
    if actor.is_superuser:
        return True                                                     # admins
    if actor.park_ids_with(READER_ROLES):
        return True                                                     # office, leaders, supervisors
    return any(Role.UNIT_OFFICER in roles for roles in actor.roles_by_unit.values())  # an assessed unit's officers


def scheme_roles(user: Any, scheme: Scheme) -> frozenset[str]:
    actor = actor_for(user)
    park_roles = actor.roles_in_park(scheme.park_id)
    roles: set[str] = set()
    if park_roles & {Role.OFFICE_STAFF, Role.ADMIN}:
        roles.add(OFFICE)                                               # the office runs the assessment
    if Role.LEADER in park_roles or Role.ADMIN in park_roles:
        roles.add(LEADER)                                               # the leading group decides
    if own_units(user, scheme):
        roles.add(UNIT)                                                 # an assessed unit's officers
    return frozenset(roles)


def reads_all(user: Any, scheme: Scheme) -> bool:
    """Whether the user reads every unit's scores (else only their own units')."""
    actor = actor_for(user)
    return actor.is_superuser or scheme.park_id in actor.park_ids_with(
        frozenset({Role.LEADER, Role.OFFICE_STAFF, Role.ADMIN, Role.SUPERVISOR}))


def own_units(user: Any, scheme: Scheme) -> set[int]:
    actor = actor_for(user)
    officer_units = {u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles}
    return set(scheme.assessed.filter(unit_id__in=officer_units).values_list("unit_id", flat=True))


def visible_unit_ids(user: Any, scheme: Scheme) -> set[int] | None:
    """None: every unit; else the ids of the units whose scores the user may read."""
    return None if reads_all(user, scheme) else own_units(user, scheme)


def access_scheme(user: Any, pk: Any) -> Scheme:
    return get_visible(Scheme.objects.visible_to(user).select_related("park"), pk=pk)


def access_unit_in(user: Any, scheme: Scheme, unit_id: Any) -> Any:
    """An assessed unit of ``scheme`` the user may read; 404 otherwise."""
    from django.http import Http404

    visible = visible_unit_ids(user, scheme)
    assessed = scheme.assessed.select_related("unit").filter(unit_id=unit_id).first()
    if assessed is None or (visible is not None and assessed.unit_id not in visible):
        raise Http404
    return assessed.unit
