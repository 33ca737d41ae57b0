from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class UnitRef(Schema):
    id: int
    name: str


class EnterpriseOut(Schema):
    id: int
    park_id: int
    name: str
    credit_code: str
    legal_representative: str
    industry: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    risk_class: str
    status: str
    status_since: dt.date | None
    linked_unit: UnitRef | None


class OutletOut(Schema):
    id: int
    medium: str
    code: str
    name: str
    receiving: str
    route: str = Field(description="direct (to the environment) or indirect (into a treatment plant)")
    receiving_plant_id: int | None = Field(None, description="the receiving treatment plant of an indirect outlet")
    standard: str


class PointOut(Schema):
    id: int
    name: str
    mn: str
    park_id: int
    outlet_id: int | None
    enterprise_id: int | None = Field(None, alias="outlet.enterprise_id")
    protocol_version: str
    st: str
    rtd_interval_s: int
    min_interval_min: int
    is_active: bool


class PermitLimitOut(Schema):
    pollutant_code: str
    outlet_id: int | None
    concentration_limit: Decimal | None
    unit: str
    standard_ref: str
    annual_load_t: Decimal | None


class PermitOut(Schema):
    number: str
    management_class: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date
    limits: list[PermitLimitOut]


class EnterpriseDetailOut(EnterpriseOut):
    outlets: list[OutletOut]
    points: list[PointOut]
    permits: list[PermitOut]

    @staticmethod
    def resolve_points(obj: Any) -> list[Any]:
        from qingyuan.enterprises.models import MonitoringPoint

        return list(MonitoringPoint.objects.filter(outlet__enterprise=obj).select_related("outlet"))

    @staticmethod
    def resolve_permits(obj: Any) -> list[Any]:
        return list(obj.permits.prefetch_related("limits"))


class Page(Schema):
    count: int
    page: int
    page_size: int


class EnterprisePage(Page):
    results: list[EnterpriseOut]


class PointPage(Page):
    results: list[PointOut]
