"""/api/v1/patrols: list the patrols a user may see; record one (inspectors). Photos go through the web form."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from qingyuan.core import attachments
from qingyuan.core.access import get_visible
from qingyuan.core.api import ERRORS, ErrorOut, Paging, paginate
from qingyuan.inspections import access, actions, checklists
from qingyuan.inspections.choices import PatrolKind
from qingyuan.inspections.models import DrawItem, Patrol
from qingyuan.inspections.schemas import PatrolDetailOut, PatrolIn, PatrolPage

router = Router(tags=["patrols"])

KindValue = Literal[tuple(PatrolKind.values)]  # type: ignore[valid-type]
WRITE_ERRORS = {**ERRORS, 403: ErrorOut}


class PatrolFilters(Paging):
    enterprise: int | None = None
    kind: KindValue | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _patrols(request: HttpRequest) -> Any:
    User = get_user_model()
    return (Patrol.objects.visible_to(request.user).select_related("enterprise")
            .prefetch_related(Prefetch("inspectors", queryset=User.objects.select_related("person")), "findings"))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@router.get("/patrols", response={200: PatrolPage, **ERRORS})
def list_patrols(request: HttpRequest, filters: Query[PatrolFilters]) -> dict[str, Any]:
    qs = _patrols(request)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.since:
        qs = qs.filter(started_at__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(started_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return paginate(qs.order_by("-started_at", "-id"), filters)


def _detail(request: HttpRequest, pk: int) -> Patrol:
    patrol = get_visible(_patrols(request), pk=pk)
    patrol.photos = [{"id": a.pk, "name": a.name, "size": a.size,  # type: ignore[attr-defined]
                      "url": reverse("inspections:photo", args=[patrol.pk, a.pk])}
                     for a in attachments.for_owner(patrol).order_by("id")]
    return patrol


@router.get("/patrols/{patrol_id}", response={200: PatrolDetailOut, **ERRORS})
def get_patrol(request: HttpRequest, patrol_id: int) -> Any:
    return _detail(request, patrol_id)


@router.post("/patrols", response={201: PatrolDetailOut, **WRITE_ERRORS})
def record_patrol(request: HttpRequest, payload: PatrolIn) -> Any:
    """Record a patrol (inspectors only). Refused input: 422 with the messages per field in ``detail``."""
    try:
        enterprise = access.access_recordable_enterprise(request.user, payload.enterprise_id)
    except PermissionDenied:
        return Status(403, {"error": _("Only inspectors of the park record patrols.")})
    draw_item = None
    if payload.draw_item_id is not None:
        draw_item = DrawItem.objects.filter(pk=payload.draw_item_id, draw__park_id=enterprise.park_id).select_related(
            "inspector_1", "inspector_2").first()
        if draw_item is None:
            return Status(422, {"error": _("Unknown draw."), "detail": {"draw_item": [_("Unknown draw.")]}})
    co = list(get_user_model().objects.filter(pk__in=payload.co_inspector_ids))
    if len(co) != len(set(payload.co_inspector_ids)):
        message = _("Unknown user among the other inspectors.")
        return Status(422, {"error": message, "detail": {"co_inspectors": [message]}})
    try:
        patrol = actions.do_record_patrol(
            enterprise=enterprise, acting_user=request.user, kind=payload.kind, draw_item=draw_item,
            client_id=payload.client_id, started_at=payload.started_at,
            finished_at=payload.finished_at or timezone.now(), latitude=payload.latitude,
            longitude=payload.longitude, gps_accuracy_m=payload.gps_accuracy_m, gps_at=payload.gps_at,
            checklist_key=payload.checklist_key or checklists.checklist_for(enterprise).key,
            checklist={k: v.dict() for k, v in payload.checklist.items()},
            findings=[f.dict() for f in payload.findings], notes=payload.notes,
            internal_notes=payload.internal_notes, co_inspectors=co)
    except ValidationError as exc:
        detail = exc.message_dict
        return Status(422, {"error": next(iter(detail.values()))[0], "detail": detail})
    return Status(201, _detail(request, patrol.pk))
