"""What waits on a user in the complaint app, for the "my work" page (``core.work``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.complaints.choices import Status
from qingyuan.complaints.models import Complaint
from qingyuan.core.work import WorkItem
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role

LIMIT = 50
ASSIGNMENT_OPEN = ["issued", "in_progress", "returned"]
OFFICE_WORK_ROLES = frozenset({Role.OFFICE_STAFF, Role.ADMIN})


def _item(c: Complaint, action: Any, deadline: Any, today: Any) -> WorkItem:
    return WorkItem(kind="complaint", kind_label=_("Complaint"), title=f"{c.code} {c.get_category_display()}"
                    + (f" · {c.enterprise}" if c.enterprise_id else ""), url=c.get_absolute_url(),
                    action_label=action, deadline=deadline, colour=c.colour(today))


def work_items(user: Any) -> list[WorkItem]:
    """Complaint work that no assignment stands for (the tasks app lists the assignments themselves:
    signing, progress, a returned assignment, an extension request): complaints waiting to be accepted,
    and those whose assignment is no longer open although the complainant still waits for a reply."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[WorkItem] = []
    office_parks = list(actor.park_ids_with(OFFICE_WORK_ROLES))
    if office_parks:
        qs = (Complaint.objects.filter(park_id__in=office_parks)
              .filter(Q(status=Status.RECEIVED) | Q(status=Status.RETURNED, assignment__isnull=True))
              .select_related("enterprise", "assignment").order_by("accept_deadline", "id")[:LIMIT])
        for c in qs:
            action = _("Accept and route, or refuse") if c.status == Status.RECEIVED else _(
                "Route to the responsible unit")
            items.append(_item(c, action, c.accept_deadline, today))
    units = [u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles]
    if units:
        qs = (Complaint.objects.filter(handling_unit_id__in=units, status__in=[Status.ACCEPTED, Status.IN_HANDLING])
              .filter(Q(assignment__isnull=True) | ~Q(assignment__status__in=ASSIGNMENT_OPEN))
              .select_related("enterprise", "assignment").order_by("handle_deadline", "id")[:LIMIT])
        for c in qs:
            items.append(_item(c, _("Reply to the complainant"), c.handle_deadline, today))
    return items
