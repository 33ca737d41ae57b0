"""Access to parks and units: the queryset scopes and ``access_*`` lookups (the only definitions).

* A park is visible to anyone with an active role in it (enterprise users included: their park's
  sections and notices are theirs to read); ``park_wide=True`` narrows to the parks where the user
  holds a park-wide role (``PARK_WIDE_ROLES``), for pages that show the whole park's figures
  (load control: an enterprise user sees only their own enterprise's loads).
* A unit is visible to the park-wide roles of its park.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from qingyuan.core.access import deny, get_visible
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park, Unit


def visible_parks(user: Any, *, park_wide: bool = False) -> QuerySet[Park]:
    parks = Park.objects.visible_to(user)
    actor = actor_for(user)
    if park_wide and not actor.is_superuser:
        parks = parks.filter(pk__in=sorted(actor.park_wide_ids))
    return parks


def access_park(user: Any, pk: Any = None, *, park_wide: bool = False) -> Park:
    """The park ``pk``, or with no ``pk`` ("" or None) the user's first park by id; 404 when not visible."""
    parks = visible_parks(user, park_wide=park_wide).order_by("pk")
    if pk in (None, ""):
        first = parks.first()
        if first is None:
            raise deny()
        return first
    return get_visible(parks, pk=pk)


def access_unit(user: Any, pk: Any) -> Unit:
    return get_visible(Unit.objects.visible_to(user).select_related("park", "parent"), pk=pk)
