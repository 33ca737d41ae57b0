from __future__ import annotations

from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from qingyuan.enterprises.access import access_enterprise
from qingyuan.enterprises.choices import EnterpriseStatus, Industry, RiskClass
from qingyuan.enterprises.filters import apply_filters
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.enterprises.schemas import EnterpriseDetailOut, EnterprisePage, PointPage

router = Router(tags=["enterprises"])

StatusValue = Literal[tuple(EnterpriseStatus.values)]  # type: ignore[valid-type]
IndustryValue = Literal[tuple(Industry.values)]  # type: ignore[valid-type]
RiskValue = Literal[tuple(RiskClass.values)]  # type: ignore[valid-type]


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=200)


class EnterpriseFilters(Paging):
    q: str = ""
    status: StatusValue | None = None
    industry: IndustryValue | None = None
    risk_class: RiskValue | None = None
    linked_unit: int | None = None


def _page(qs: Any, paging: Paging) -> dict[str, Any]:
    paginator = Paginator(qs, paging.page_size)
    if paging.page > max(paginator.num_pages, 1):
        raise Http404
    return {"count": paginator.count, "page": paging.page, "page_size": paging.page_size,
            "results": list(paginator.page(paging.page).object_list)}


@router.get("/enterprises", response=EnterprisePage)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> dict[str, Any]:
    qs = Enterprise.objects.visible_to(request.user).select_related("linked_unit")
    qs = apply_filters(qs, q=filters.q, status=filters.status or "", industry=filters.industry or "",
                       risk_class=filters.risk_class or "", linked_unit=filters.linked_unit)
    return _page(qs.order_by("name", "id"), filters)


@router.get("/enterprises/{enterprise_id}", response=EnterpriseDetailOut)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Any:
    return access_enterprise(request.user, enterprise_id)


class PointFilters(Paging):
    enterprise: int | None = None
    mn: str | None = None
    medium: Literal["water", "gas"] | None = None


@router.get("/points", response=PointPage)
def list_points(request: HttpRequest, filters: Query[PointFilters]) -> dict[str, Any]:
    qs = MonitoringPoint.objects.visible_to(request.user).select_related("outlet")
    if filters.enterprise is not None:
        qs = qs.filter(outlet__enterprise_id=filters.enterprise)
    if filters.mn:
        qs = qs.filter(mn=filters.mn)
    if filters.medium:
        qs = qs.filter(outlet__medium=filters.medium)
    return _page(qs.order_by("park_id", "name", "id"), filters)
