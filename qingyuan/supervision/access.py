"""Who may see and do what in the supervision group's workspace. Rules in code, each on its own line.

- The park's office (office staff, admins) manages the members, invites them to inspections and decides
  their requests; leaders read.
- A member (a serving ``Member`` with a login) files opinions, rates the answers to their own opinions,
  accepts invitations, asks to join inspections and signs the records they joined; every member of the
  group reads the group's opinions.
- A unit officer sees and answers the opinions addressed to their unit, and nothing else here.
- Enterprise users, inspectors and experts see nothing here. Not visible means 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone

from qingyuan.core.access import get_visible
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Park
from qingyuan.supervision.models import GROUP_ROLES, Member, Opinion, Participation
from qingyuan.supervision.workflow import AUTHOR, MEMBER, OFFICE, UNIT

OFFICE_ROLES = frozenset({Role.OFFICE_STAFF, Role.ADMIN})


def manages(user: Any, park_id: int) -> bool:
    """The office of the park manages the group."""
    return bool(actor_for(user).roles_in_park(park_id) & OFFICE_ROLES)


def managed_parks(user: Any) -> Any:
    actor = actor_for(user)
    if actor.is_superuser:
        return Park.objects.all()
    return Park.objects.filter(pk__in=list(actor.park_ids_with(OFFICE_ROLES)))


def sees_group(actor: Any) -> bool:
    """Menu rule (no query): the office, leaders and the group's members."""
    return actor.is_superuser or bool(actor.roles & GROUP_ROLES)


def serving_members(user: Any, day: dt.date | None = None) -> Any:
    """The user's memberships of a group whose term covers ``day`` (today)."""
    if not getattr(user, "is_authenticated", False):
        return Member.objects.none()
    return Member.objects.filter(user=user).serving_on(day or timezone.localdate()).select_related("park")


def current_member(user: Any, park_id: int | None = None) -> Member | None:
    qs = serving_members(user)
    if park_id is not None:
        qs = qs.filter(park_id=park_id)
    return qs.order_by("park_id").first()


def opinion_roles(user: Any, opinion: Opinion) -> frozenset[str]:
    actor = actor_for(user)
    roles = set()
    if actor.roles_in_park(opinion.park_id) & OFFICE_ROLES:
        roles.add(OFFICE)
    if Role.UNIT_OFFICER in actor.roles_by_unit.get(opinion.unit_id, frozenset()):
        roles.add(UNIT)
    if user.is_authenticated and opinion.member.user_id == user.pk:
        roles.add(AUTHOR)
    return frozenset(roles)


def participation_roles(user: Any, participation: Participation) -> frozenset[str]:
    roles = set()
    if manages(user, participation.park_id):
        roles.add(OFFICE)
    if user.is_authenticated and participation.member.user_id == user.pk:
        roles.add(MEMBER)
    return frozenset(roles)


def access_opinion(user: Any, pk: Any) -> Opinion:
    return get_visible(Opinion.objects.visible_to(user).select_related("park", "member", "unit"), pk=pk)


def access_member(user: Any, pk: Any, *, for_write: bool = False) -> Member:
    member = get_visible(Member.objects.visible_to(user).select_related("park", "user"), pk=pk)
    if for_write and not manages(user, member.park_id):
        raise Http404
    return member


def access_participation(user: Any, pk: Any) -> Participation:
    return get_visible(Participation.objects.visible_to(user).select_related(
        "member", "patrol", "patrol__enterprise", "acceptance", "acceptance__plan"), pk=pk)
