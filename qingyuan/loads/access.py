"""Who sees what of load control. Not visible means 404.

* The park load page, the capacity ledger, projects and the rebound list: park-wide roles of
  the park (``actor.park_wide_ids``); an enterprise user sees none of them.
* An enterprise's loads: whoever sees the enterprise (``Enterprise.objects.visible_to``): the
  park's regulators and readers, and the enterprise's own users — never another enterprise's.
* Writes (baselines, projects, closing flags): the park's managers (office, leaders, admin).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from qingyuan.core.access import get_visible
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads.actions import can_manage
from qingyuan.loads.models import NewProject, ReboundFlag
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park


def parks_of(user: Any):  # type: ignore[no-untyped-def]
    actor = actor_for(user)
    if actor.is_superuser:
        return Park.objects.all()
    return Park.objects.filter(pk__in=list(actor.park_wide_ids))


def access_park(user: Any, park_id: Any = None) -> Park:
    """The park named (or the user's first park-wide park); 404 when not park-wide there."""
    parks = parks_of(user).order_by("pk")
    park = parks.filter(pk=park_id).first() if park_id not in (None, "") else parks.first()
    if park is None:
        raise Http404
    return park


def access_enterprise(user: Any, pk: Any) -> Enterprise:
    return get_visible(Enterprise.objects.visible_to(user).select_related("park", "linked_unit"), pk=pk)


def access_project(user: Any, pk: Any, *, for_write: bool = False) -> NewProject:
    project = get_visible(NewProject.objects.visible_to(user).select_related("park"), pk=pk)
    if for_write and not can_manage(user, project.park_id):
        raise PermissionDenied
    return project


def access_flag(user: Any, pk: Any, *, for_write: bool = False) -> ReboundFlag:
    flag = get_visible(ReboundFlag.objects.visible_to(user).select_related(
        "enterprise", "point", "assignment"), pk=pk)
    if for_write and not can_manage(user, flag.park_id):
        raise PermissionDenied
    return flag
