"""/api/v1/assessment: schemes and their results, with the pages' access rules (a unit reads its own row)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from qingyuan.assessment.access import access_scheme, visible_unit_ids
from qingyuan.assessment.models import Scheme
from qingyuan.assessment.schemas import RankingRowOut, ResultsQuery, SchemeOut
from qingyuan.assessment.services import ranking
from qingyuan.core.api import ERRORS

router = Router(tags=["assessment"])


def _scheme(s: Scheme) -> dict[str, Any]:
    return {"id": s.pk, "park": s.park_id, "year": s.year, "title": s.title, "status": s.status,
            "status_label": s.get_status_display()}


@router.get("/assessment/schemes", response={200: list[SchemeOut], **ERRORS})
def list_schemes(request: HttpRequest) -> list[dict[str, Any]]:
    """The schemes the caller may read: the office, leaders and supervisors of the park; assessed units."""
    return [_scheme(s) for s in Scheme.objects.visible_to(request.user)]


@router.get("/assessment/schemes/{pk}/results", response={200: list[RankingRowOut], **ERRORS})
def results(request: HttpRequest, pk: int, query: Query[ResultsQuery]) -> list[dict[str, Any]]:
    """The ranking of the year (quarter 0) or an interim quarter, with grades and veto reasons."""
    s = access_scheme(request.user, pk)
    return [{"rank": r.rank, "unit": r.unit.pk, "unit_name": str(r.unit), "total": r.total, "grade": r.grade,
             "grade_label": r.grade_label, "vetoed": r.vetoed, "veto_reason": r.veto_reason}
            for r in ranking(s, query.quarter, unit_ids=visible_unit_ids(request.user, s))]
