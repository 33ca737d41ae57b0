"""Access to parks and units: the queryset scopes and ``access_*`` lookups."""

from __future__ import annotations

from typing import Any

from qingyuan.core.access import get_visible
from qingyuan.org.models import Park, Unit


def access_park(user: Any, pk: Any) -> Park:
    return get_visible(Park.objects.visible_to(user), pk=pk)


def access_unit(user: Any, pk: Any) -> Unit:
    return get_visible(Unit.objects.visible_to(user).select_related("park", "parent"), pk=pk)
