"""/api/v1/assignments: list, issue, read, and fire workflow actions, with the pages' access rules."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from qingyuan.core.api import ERRORS, ErrorOut, Paging, paginate
from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Unit
from qingyuan.tasks import actions
from qingyuan.tasks.access import access_assignment, issuing_parks
from qingyuan.tasks.choices import AssignmentStatus, Priority
from qingyuan.tasks.filters import apply_filters
from qingyuan.tasks.models import Assignment
from qingyuan.tasks.schemas import AssignmentDetailOut, AssignmentIn, AssignmentPage, TransitionIn
from qingyuan.tasks.services import urgent_first

router = Router(tags=["assignments"])

StatusValue = Literal[tuple([*AssignmentStatus.values, "open"])]  # type: ignore[valid-type]
PriorityValue = Literal[tuple(Priority.values)]  # type: ignore[valid-type]
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


class AssignmentFilters(Paging):
    q: str = ""
    status: StatusValue | None = None
    assignee_unit: int | None = None
    enterprise: int | None = None
    priority: PriorityValue | None = None
    level: int | None = None
    overdue: bool = False


def _invalid(exc: ValidationError) -> Status:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(detail.values()))[0] if detail else ""
    return Status(422, {"error": first, "detail": detail})


def _refused(exc: TransitionError) -> Status:
    status = {"role": 403, "conflict": 409}.get(exc.code, 400)
    return Status(status, {"error": exc.message, "detail": {"code": exc.code}})


def _detail(pk: int) -> Assignment:
    return Assignment.objects.select_related("assignee_unit", "issuer_unit", "enterprise", "suggested_unit").get(pk=pk)


@router.get("/assignments", response={200: AssignmentPage, **ERRORS})
def list_assignments(request: HttpRequest, filters: Query[AssignmentFilters]) -> dict[str, Any]:
    qs = Assignment.objects.visible_to(request.user).select_related("assignee_unit", "issuer_unit", "enterprise")
    qs = apply_filters(qs, q=filters.q, status=filters.status or "", assignee_unit=filters.assignee_unit,
                       enterprise=filters.enterprise, priority=filters.priority or "", level=filters.level,
                       overdue=filters.overdue)
    return paginate(urgent_first(qs), filters)


@router.post("/assignments", response={201: AssignmentDetailOut, **WRITE_ERRORS})
def issue_assignment(request: HttpRequest, payload: AssignmentIn) -> Any:
    parks = list(issuing_parks(request.user))
    if not parks:
        return Status(403, {"error": _("You may not issue assignments.")})
    park = next((p for p in parks if p.pk == payload.park), None) if payload.park else (
        parks[0] if len(parks) == 1 else None)
    if park is None:
        return Status(422, {"error": _("Choose the park (field park)."), "detail": {"park": ["required"]}})
    unit = Unit.objects.filter(pk=payload.assignee_unit, park=park).first()
    enterprise = Enterprise.objects.filter(pk=payload.enterprise, park=park).first() if payload.enterprise else None
    try:
        if unit is None:
            raise ValidationError({"assignee_unit": _("Unknown unit in this park.")})
        if payload.enterprise and enterprise is None:
            raise ValidationError({"enterprise": _("Unknown enterprise in this park.")})
        a = actions.do_issue_assignment(
            park=park, assignee_unit=unit, enterprise=enterprise, subject=payload.subject,
            requirements=payload.requirements, deadline=payload.deadline, priority=payload.priority,
            acting_user=request.user)
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, _detail(a.pk))


@router.get("/assignments/{assignment_id}", response={200: AssignmentDetailOut, **ERRORS})
def get_assignment(request: HttpRequest, assignment_id: int) -> Any:
    return access_assignment(request.user, assignment_id)


@router.post("/assignments/{assignment_id}/transitions", response={200: AssignmentDetailOut, **WRITE_ERRORS})
def transition_assignment(request: HttpRequest, assignment_id: int, payload: TransitionIn) -> Any:
    """Fire a workflow action with its fields; a refusal says why and changes nothing."""
    a = access_assignment(request.user, assignment_id)
    unit = Unit.objects.filter(pk=payload.unit, park_id=a.park_id).first() if payload.unit else None
    try:
        actions.check(a, payload.action, request.user)
        if payload.unit and unit is None:
            raise ValidationError({"unit": _("Unknown unit in this park.")})
        actions.do_transition_assignment(
            a, payload.action, acting_user=request.user, reason=payload.reason, new_deadline=payload.new_deadline,
            percent=payload.percent, text=payload.text, unit=unit)
    except TransitionError as exc:
        return _refused(exc)
    except ValidationError as exc:
        return _invalid(exc)
    return _detail(a.pk)
