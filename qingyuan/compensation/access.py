"""Who may do what with a compensation case: rules in code, each on its own line."""

from __future__ import annotations

from typing import Any

from qingyuan.compensation.models import CompensationCase
from qingyuan.compensation.workflow import FINANCE, MANAGER
from qingyuan.core.access import get_visible
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import PARK_MANAGER_ROLES, Role


def case_roles(user: Any, park_id: int) -> frozenset[str]:
    roles = actor_for(user).roles_in_park(park_id)
    out = set()
    if roles & PARK_MANAGER_ROLES:
        out.add(MANAGER)  # the office, leaders, admins: open cases, inventory, appraisal, agreement, disputes
    if Role.FINANCE in roles:
        out.add(FINANCE)  # the county finance bureau: records payments
    return frozenset(out)


def may_open_cases(actor: Any) -> bool:
    """For the menu: managers, finance and supervisors (one check on the loaded actor, no query)."""
    from qingyuan.compensation.models import READERS

    return actor.is_superuser or bool(actor.park_ids_with(READERS))


def access_case(user: Any, pk: Any, *, for_write: bool = False) -> CompensationCase:
    """A case the user may see (and, ``for_write``, act on as manager or finance); 404 otherwise."""
    case = get_visible(CompensationCase.objects.visible_to(user).select_related("enterprise", "park", "closure"),
                       pk=pk)
    if for_write and not case_roles(user, case.park_id):
        raise get_visible(CompensationCase.objects.none(), pk=pk)  # raises Http404
    return case
