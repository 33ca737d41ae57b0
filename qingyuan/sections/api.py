"""GET /api/v1/sections: sections of the user's parks with their latest class and monthly classes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from qingyuan.core.api import ERRORS, paginate
from qingyuan.sections import services
from qingyuan.sections.models import Section
from qingyuan.sections.schemas import SectionFilters, SectionPage

router = Router(tags=["sections"])


def _out(s: services.SectionSummary) -> dict[str, Any]:
    sec = s.section
    latest = s.latest
    return {
        "id": sec.pk, "park_id": sec.park_id, "name": sec.name, "kind": sec.kind, "river": sec.river,
        "waterbody": sec.waterbody, "target_class": sec.target_class,
        "longitude": float(sec.longitude) if sec.longitude is not None else None,
        "latitude": float(sec.latitude) if sec.latitude is not None else None,
        "point_mn": sec.point.mn if sec.point_id else None,  # type: ignore[union-attr]
        "latest": None if latest is None or latest.result is None else {
            "day": latest.day, "source": latest.source, "cls": latest.result.cls,
            "worst": list(latest.result.worst_params), "compliant": latest.compliant},
        "months": [{"month": m.month, "cls": m.result.cls, "worst": list(m.result.worst_params),
                    "compliant": m.compliant, "observations": m.n, "compliance_rate": m.rate} for m in s.months],
        "years": [{"year": y.year, "compliance_rate": y.rate, "months": y.months,
                   "compliant_months": y.compliant_months} for y in s.years],
    }


@router.get("/sections", response={200: SectionPage, **ERRORS})
def list_sections(request: HttpRequest, filters: Query[SectionFilters]) -> dict[str, Any]:
    """Every logged-in member of a park sees its sections (classes by GB 3838-2002 single-factor evaluation)."""
    qs = Section.objects.visible_to(request.user).filter(is_active=True).select_related("point")
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    page = paginate(qs.order_by("park", "order", "name"), filters)
    summaries = services.summarise_all(page["results"], months=filters.months)
    return {**page, "results": [_out(s) for s in summaries]}
