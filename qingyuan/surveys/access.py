"""Who may do what with surveys: rules in code, each on its own line."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from qingyuan.core.access import get_visible
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park
from qingyuan.surveys.models import Round, Village
from qingyuan.surveys.workflow import MANAGER


def round_roles(user: Any, park_id: int) -> frozenset[str]:
    return frozenset({MANAGER}) if actor_for(user).manages_park(park_id) else frozenset()  # office, leaders


def can_manage(user: Any, park_id: int) -> bool:
    return MANAGER in round_roles(user, park_id)


def reader_park(user: Any) -> Park:
    """The park whose surveys the user reads (the first they see whole); 404 for anyone else."""
    actor = actor_for(user)
    if actor.is_superuser:
        park = Park.objects.order_by("pk").first()
    else:
        park = Park.objects.filter(pk__in=sorted(actor.park_wide_ids)).order_by("pk").first()
    if park is None:
        raise Http404
    return park


def access_round(user: Any, pk: Any, *, for_write: bool = False) -> Round:
    found = get_visible(Round.objects.visible_to(user).select_related("park"), pk=pk)
    if for_write and not can_manage(user, found.park_id):
        raise Http404
    return found


def access_village(user: Any, pk: Any, *, for_write: bool = False) -> Village:
    found = get_visible(Village.objects.visible_to(user).select_related("park", "township"), pk=pk)
    if for_write and not can_manage(user, found.park_id):
        raise Http404
    return found
