"""Who may see and act on aggregates, KPIs, compliance pages and declarations. Not visible means 404.

* A point's values and KPIs: whoever sees the point (``enterprises.access.access_point``).
* An enterprise's compliance page: whoever sees the enterprise (``enterprises.access.access_enterprise``):
  the park's regulators, and the enterprise's own users — never another enterprise's.
* Declarations: ``StopDeclaration.objects.visible_to``; the enterprise's users submit and
  withdraw, the park's managers and the linked unit's officers review.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from qingyuan.core.access import get_visible
from qingyuan.core.models import Attachment
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.quality.models import StopDeclaration
from qingyuan.quality.workflow import OWNER, REVIEWER


def is_member(user: Any, enterprise_id: int) -> bool:
    actor = actor_for(user)
    return actor.is_authenticated and EnterpriseAccount.objects.filter(
        user_id=actor.user_id, enterprise_id=enterprise_id).exists()


def regulates(user: Any, enterprise: Enterprise) -> bool:
    """Park managers, and officers of the enterprise's linked unit."""
    actor = actor_for(user)
    if actor.manages_park(enterprise.park_id):
        return True
    unit = enterprise.linked_unit_id
    return unit is not None and Role.UNIT_OFFICER in actor.roles_by_unit.get(unit, frozenset())


def declaration_roles(user: Any, declaration: StopDeclaration) -> frozenset[str]:
    roles = set()
    if is_member(user, declaration.enterprise_id):
        roles.add(OWNER)
    if regulates(user, declaration.enterprise):
        roles.add(REVIEWER)
    return frozenset(roles)


def access_declaration(user: Any, pk: Any, *, for_write: bool = False) -> StopDeclaration:
    declaration = get_visible(
        StopDeclaration.objects.visible_to(user).select_related("enterprise__park", "enterprise__linked_unit"),
        pk=pk)
    if for_write and not declaration_roles(user, declaration):
        raise PermissionDenied
    return declaration


def declarable_enterprises(user: Any):  # type: ignore[no-untyped-def]
    """The enterprises a user may file a declaration for: their own."""
    actor = actor_for(user)
    return Enterprise.objects.filter(accounts__user_id=actor.user_id) if actor.is_authenticated \
        else Enterprise.objects.none()


def access_evidence(user: Any, declaration_pk: Any, attachment_pk: Any) -> Attachment:
    from qingyuan.core import attachments

    declaration = access_declaration(user, declaration_pk)
    return get_visible(attachments.for_owner(declaration), pk=attachment_pk)
