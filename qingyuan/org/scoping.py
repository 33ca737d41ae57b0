"""The one shape of a park-scoped ``visible_to`` queryset.

Every model that belongs to a park answers ``Model.objects.visible_to(user)`` the same way:
an anonymous user sees nothing, a superuser sees everything, anyone else sees the rows their
roles in the row's park allow, plus whatever the app adds (its own rules, one per line). This
class writes the first three once; an app says which roles read the park and, when it has more
rules, adds them in ``visible_rows``::

    class CaseQuerySet(ParkScopedQuerySet):
        reader_roles = READERS
        distinct_rows = True

        def visible_rows(self, actor):
            return (self.park_rule(actor)                                  # managers, finance, supervisors
                    | models.Q(enterprise__accounts__user_id=actor.user_id))  # the enterprise: its own case

See docs/core.md ("Access").
"""

from __future__ import annotations

from typing import Any

from django.db import models

from qingyuan.org.actor import Actor, actor_for
from qingyuan.org.choices import PARK_WIDE_ROLES, Role

ANY_ROLE = frozenset(Role)


class ParkScopedQuerySet(models.QuerySet):
    """Rows of a park, read by the park's ``reader_roles`` (park-wide roles unless the app says otherwise)."""

    park_field = "park"  # the path to the row's park ("enterprise__park" for a row of an enterprise)
    reader_roles: frozenset[str] = PARK_WIDE_ROLES
    distinct_rows = False  # set when a rule follows a to-many relation (the row could repeat)

    def visible_to(self, user: Any) -> ParkScopedQuerySet:
        actor = actor_for(user)
        if not actor.is_authenticated:
            return self.none()
        if actor.is_superuser:
            return self
        rows = self.filter(self.visible_rows(actor))
        return rows.distinct() if self.distinct_rows else rows

    def visible_rows(self, actor: Actor) -> models.Q:
        """The rules, one per line; the default is the park rule alone."""
        return self.park_rule(actor)

    def park_rule(self, actor: Actor, roles: frozenset[str] | None = None) -> models.Q:
        """Rows of the parks where the actor holds one of ``roles`` (default: ``reader_roles``)."""
        parks = actor.park_ids_with(self.reader_roles if roles is None else roles)
        return models.Q(**{f"{self.park_field}_id__in": sorted(parks)})


def officer_units(actor: Actor) -> list[int]:
    """The units in which the actor is a unit officer (the rule "a unit sees what concerns it")."""
    return [u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles]
