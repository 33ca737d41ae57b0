"""Sections are visible to every logged-in member of their park (any role); others get 404.
Staff (office, leaders, unit officers, inspectors) enter samples (``actions.can_sample``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from qingyuan.core.access import get_visible
from qingyuan.sections.actions import can_sample
from qingyuan.sections.models import Section


def access_section(user: Any, pk: Any, *, for_write: bool = False) -> Section:
    section = get_visible(Section.objects.visible_to(user).select_related("park", "point"), pk=pk)
    if for_write and not can_sample(user, section.park_id):
        raise PermissionDenied
    return section
