"""GET /api/v1/briefings: the briefings the user may see (issued ones for readers, all for the office)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from qingyuan.briefings.models import Briefing
from qingyuan.core.api import ERRORS

router = Router(tags=["briefings"])


class BriefingOut(Schema):
    id: int
    park_id: int
    kind: str
    title: str
    number: str
    status: str
    period_start: dt.date
    period_end: dt.date
    issued_at: dt.datetime | None


@router.get("/briefings", response={200: list[BriefingOut], **ERRORS})
def list_briefings(request: HttpRequest, q: str = "") -> list[Briefing]:
    qs = Briefing.objects.visible_to(request.user).order_by("-period_end", "-id")
    if q:
        qs = qs.filter(title__icontains=q)
    return list(qs[:200])
