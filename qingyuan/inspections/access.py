"""Who may see and do what with patrols, findings, plans and draws. Not visible means 404.

Visibility lives in the ``visible_to`` querysets (one rule per line):

* office staff, leaders, admins, supervision-group members and inspectors read every
  patrol, plan and draw of their park;
* a unit officer reads the patrols of the enterprises linked to their unit (and the
  linked officer those of their enterprises) — not the plans or draws, which would
  tell when the next visit comes;
* an enterprise user reads the patrols of their own enterprise, without the
  inspectors' internal notes;
* nobody else sees anything (404).

Inspectors record patrols; the inspectors of a patrol and the park's managers decide
its findings; managers and inspectors run draws; managers publish them and override
plan intervals.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404

from qingyuan.core.access import get_visible
from qingyuan.core.models import Attachment
from qingyuan.enterprises.access import access_enterprise
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount
from qingyuan.inspections.models import (
    PARK_MANAGER_ROLES,
    PARK_READER_ROLES,
    Finding,
    Patrol,
    PatrolPlan,
    RandomDraw,
)
from qingyuan.inspections.workflow import PATROL_INSPECTOR
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role


def reads_park(user: Any, park_id: int) -> bool:
    return bool(actor_for(user).roles_in_park(park_id) & PARK_READER_ROLES)


def manages_park(user: Any, park_id: int) -> bool:
    return bool(actor_for(user).roles_in_park(park_id) & PARK_MANAGER_ROLES)


def is_inspector_in(user: Any, park_id: int) -> bool:
    return Role.INSPECTOR in actor_for(user).roles_by_park.get(park_id, frozenset())


def can_record_in(user: Any, park_id: int) -> bool:
    return is_inspector_in(user, park_id)


def can_draw_in(user: Any, park_id: int) -> bool:
    return is_inspector_in(user, park_id) or manages_park(user, park_id)


def reads_any_park(user: Any) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or bool(actor.park_ids_with(PARK_READER_ROLES))


def sees_internal_notes(user: Any, patrol: Patrol) -> bool:
    return reads_park(user, patrol.park_id)


def sees_patrols_of(user: Any, enterprise: Enterprise) -> bool:
    """The per-object form of ``Patrol.objects.visible_to`` for one enterprise."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return False
    return (
        reads_park(user, enterprise.park_id)
        or Role.UNIT_OFFICER in actor.roles_by_unit.get(enterprise.linked_unit_id, frozenset())
        or (enterprise.linked_officer_id is not None and enterprise.linked_officer_id == actor.user_id)
        or EnterpriseAccount.objects.filter(enterprise=enterprise, user_id=actor.user_id).exists()
    )


def patrol_roles(user: Any, patrol: Patrol) -> frozenset[str]:
    roles = set(actor_for(user).roles_in_park(patrol.park_id))
    if user.is_authenticated and (patrol.recorded_by_id == user.pk or patrol.inspectors.filter(pk=user.pk).exists()):
        roles.add(PATROL_INSPECTOR)
    return frozenset(roles)


def access_patrol(user: Any, pk: Any) -> Patrol:
    return get_visible(Patrol.objects.visible_to(user).select_related("park", "enterprise__linked_unit",
                                                                      "draw_item__draw"), pk=pk)


def access_finding(user: Any, pk: Any, *, for_write: bool = False) -> Finding:
    finding = get_visible(Finding.objects.filter(patrol__in=Patrol.objects.visible_to(user)).select_related(
        "patrol__park", "patrol__enterprise__linked_unit"), pk=pk)
    if for_write and not patrol_roles(user, finding.patrol) & {PATROL_INSPECTOR, *PARK_MANAGER_ROLES}:
        raise PermissionDenied
    return finding


def access_plan(user: Any, pk: Any, *, for_write: bool = False) -> PatrolPlan:
    plan = get_visible(PatrolPlan.objects.visible_to(user).select_related("enterprise__park"), pk=pk)
    if for_write and not manages_park(user, plan.enterprise.park_id):
        raise PermissionDenied
    return plan


def access_draw(user: Any, pk: Any, *, for_write: bool = False) -> RandomDraw:
    draw = get_visible(RandomDraw.objects.visible_to(user).select_related("park"), pk=pk)
    if for_write and not manages_park(user, draw.park_id):
        raise PermissionDenied
    return draw


def access_enterprise_patrols(user: Any, pk: Any) -> Enterprise:
    """The enterprise whose patrol history the user may read, else 404."""
    enterprise = access_enterprise(user, pk)
    if not sees_patrols_of(user, enterprise):
        raise Http404
    return enterprise


def access_recordable_enterprise(user: Any, pk: Any) -> Enterprise:
    """An enterprise the user may record a patrol of: visible, and they are an inspector of its park."""
    enterprise = access_enterprise(user, pk)
    if not can_record_in(user, enterprise.park_id):
        raise PermissionDenied
    return enterprise


def access_photo(user: Any, patrol_pk: Any, pk: Any) -> Attachment:
    patrol = access_patrol(user, patrol_pk)
    return get_visible(Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(Patrol), owner_id=str(patrol.pk)), pk=pk)
