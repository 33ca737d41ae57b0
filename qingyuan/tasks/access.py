"""Who may see and act on assignments and supervision checks. Not visible means 404.

Visibility rules live in ``Assignment.objects.visible_to`` and
``SupervisionCheck.objects.visible_to`` (one line each): office staff, leaders,
admins, supervision-group members and inspectors see their park's assignments; a
unit officer sees what was assigned to their unit (and what they issued); an
enterprise user sees the assignments about their enterprise, read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404

from qingyuan.core.access import get_visible
from qingyuan.core.models import Attachment
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Park
from qingyuan.tasks.models import (
    ISSUING_ROLES,
    PARK_READER_ROLES,
    Assignment,
    ProgressReport,
    SupervisionCheck,
)
from qingyuan.tasks.workflow import ASSIGNEE, ISSUER


def assignment_roles(user: Any, assignment: Assignment) -> frozenset[str]:
    """The user's roles toward this assignment: park roles plus ``issuer`` / ``assignee``."""
    actor = actor_for(user)
    roles = set(actor.roles_in_park(assignment.park_id))
    if roles & ISSUING_ROLES:
        roles.add(ISSUER)
    if Role.UNIT_OFFICER in actor.roles_by_unit.get(assignment.assignee_unit_id, frozenset()):
        roles.add(ASSIGNEE)
    return frozenset(roles)


def can_issue_in(user: Any, park_id: int) -> bool:
    return bool(actor_for(user).roles_in_park(park_id) & ISSUING_ROLES)


def issuing_parks(user: Any) -> Any:
    actor = actor_for(user)
    if actor.is_superuser:
        return Park.objects.all()
    return Park.objects.filter(pk__in=list(actor.park_ids_with(ISSUING_ROLES)))


def reads_whole_park(user: Any) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or bool(actor.park_ids_with(PARK_READER_ROLES))


def access_assignment(user: Any, pk: Any, *, for_write: bool = False) -> Assignment:
    assignment = get_visible(
        Assignment.objects.visible_to(user).select_related(
            "park", "issuer_unit", "assignee_unit", "enterprise", "suggested_unit"),
        pk=pk)
    if for_write and not assignment_roles(user, assignment) & {ISSUER, ASSIGNEE}:
        raise PermissionDenied
    return assignment


def access_attachment(user: Any, pk: Any) -> Attachment:
    """An attachment of an assignment or of one of its reports, if the user sees the assignment."""
    attachment = get_visible(Attachment.objects.all(), pk=pk)
    owner = ContentType.objects.get_for_id(attachment.owner_type_id).model_class()
    if owner is Assignment:
        assignment_id: Any = attachment.owner_id
    elif owner is ProgressReport:
        assignment_id = get_visible(ProgressReport.objects.all(), pk=attachment.owner_id).assignment_id
    else:
        raise Http404  # not ours to serve
    access_assignment(user, assignment_id)
    return attachment


def access_check(user: Any, pk: Any, *, for_write: bool = False) -> SupervisionCheck:
    check = get_visible(SupervisionCheck.objects.visible_to(user).select_related("park"), pk=pk)
    if for_write and not can_issue_in(user, check.park_id):
        raise PermissionDenied
    return check
