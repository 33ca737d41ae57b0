from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from qingyuan.core.api import ERRORS, Paging, paginate
from qingyuan.enterprises.access import access_enterprise
from qingyuan.enterprises.choices import EnterpriseStatus, Industry, RiskClass
from qingyuan.enterprises.filters import apply_filters
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.enterprises.schemas import EnterpriseDetailOut, EnterprisePage, PointPage

router = Router(tags=["enterprises"])

StatusValue = Literal[tuple(EnterpriseStatus.values)]  # type: ignore[valid-type]
IndustryValue = Literal[tuple(Industry.values)]  # type: ignore[valid-type]
RiskValue = Literal[tuple(RiskClass.values)]  # type: ignore[valid-type]


class EnterpriseFilters(Paging):
    q: str = ""
    status: StatusValue | None = None
    industry: IndustryValue | None = None
    risk_class: RiskValue | None = None
    linked_unit: int | None = None


@router.get("/enterprises", response={200: EnterprisePage, **ERRORS})
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> dict[str, Any]:
    qs = Enterprise.objects.visible_to(request.user).select_related("linked_unit")
    qs = apply_filters(qs, q=filters.q, status=filters.status or "", industry=filters.industry or "",
                       risk_class=filters.risk_class or "", linked_unit=filters.linked_unit)
    return paginate(qs.order_by("name", "id"), filters)


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS})
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Any:
    return access_enterprise(request.user, enterprise_id)


class PointFilters(Paging):
    enterprise: int | None = None
    mn: str | None = None
    medium: Literal["water", "gas"] | None = None


@router.get("/points", response={200: PointPage, **ERRORS})
def list_points(request: HttpRequest, filters: Query[PointFilters]) -> dict[str, Any]:
    qs = MonitoringPoint.objects.visible_to(request.user).select_related("outlet")
    if filters.enterprise is not None:
        qs = qs.filter(outlet__enterprise_id=filters.enterprise)
    if filters.mn:
        qs = qs.filter(mn=filters.mn)
    if filters.medium:
        qs = qs.filter(outlet__medium=filters.medium)
    return paginate(qs.order_by("park_id", "name", "id"), filters)
