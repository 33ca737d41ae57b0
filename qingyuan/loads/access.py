"""Who sees what of load control. Not visible means 404.

* The park load page, the capacity ledger, projects and the rebound list: park-wide roles of
  the park (``org.access.access_park(user, pk, park_wide=True)``); an enterprise user sees none of them.
* An enterprise's loads: whoever sees the enterprise (``enterprises.access.access_enterprise``): the
  park's regulators and readers, and the enterprise's own users — never another enterprise's.
* Writes (baselines, projects, closing flags): the park's managers (office, leaders, admin).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from qingyuan.core.access import get_visible
from qingyuan.loads.actions import can_manage
from qingyuan.loads.models import NewProject, ReboundFlag


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
