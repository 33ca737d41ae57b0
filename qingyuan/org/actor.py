"""Who a user is in the organisation: their parks, units and roles, loaded once per request."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from qingyuan.org.choices import PARK_MANAGER_ROLES, PARK_WIDE_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    is_superuser: bool = False
    roles_by_park: dict[int, frozenset[str]] = field(default_factory=dict)
    unit_ids: frozenset[int] = frozenset()
    roles_by_unit: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset().union(*self.roles_by_park.values()) if self.roles_by_park else frozenset()

    def park_ids_with(self, roles: frozenset[str]) -> frozenset[int]:
        return frozenset(p for p, rs in self.roles_by_park.items() if rs & roles)

    @property
    def park_wide_ids(self) -> frozenset[int]:
        return self.park_ids_with(PARK_WIDE_ROLES)

    def sees_park(self, park_id: int) -> bool:
        return self.is_superuser or park_id in self.park_wide_ids

    def manages_park(self, park_id: int) -> bool:
        return self.is_superuser or bool(self.roles_by_park.get(park_id, frozenset()) & PARK_MANAGER_ROLES)

    def has_role(self, role: str) -> bool:
        return self.is_superuser and role == Role.ADMIN or role in self.roles

    def roles_in_park(self, park_id: int) -> frozenset[str]:
        roles = set(self.roles_by_park.get(park_id, frozenset()))
        if self.is_superuser:
            roles.add(Role.ADMIN)
        return frozenset(roles)


ANONYMOUS = Actor(user_id=None)


def actor_for(user: Any) -> Actor:
    """The user's Actor, computed with one query and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_qingyuan_actor", None)
    if cached is not None:
        return cached
    by_park: dict[int, set[str]] = defaultdict(set)
    by_unit: dict[int, set[str]] = defaultdict(set)
    from qingyuan.org.models import Membership

    for park_id, unit_id, role in Membership.objects.filter(user=user, is_active=True).values_list(
        "park_id", "unit_id", "role"
    ):
        by_park[park_id].add(role)
        if unit_id is not None:
            by_unit[unit_id].add(role)
    actor = Actor(
        user_id=user.pk,
        is_superuser=bool(user.is_superuser),
        roles_by_park={p: frozenset(r) for p, r in by_park.items()},
        unit_ids=frozenset(by_unit),
        roles_by_unit={u: frozenset(r) for u, r in by_unit.items()},
    )
    user._qingyuan_actor = actor
    return actor
