from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from qingyuan.core.api import Paging


class SectionFilters(Paging):
    park: int | None = Field(None, description="park id")
    kind: str | None = Field(None, description="inbound, in_park or outbound")
    months: int = Field(12, ge=1, le=60, description="how many months of classes (ending this month)")


class MonthOut(Schema):
    month: dt.date
    cls: str | None = Field(description="GB 3838 class of the monthly means: I..V, V+ = 劣Ⅴ")
    worst: list[str]
    compliant: bool | None
    observations: int
    compliance_rate: float | None = Field(description="compliant observations / observations in the month")


class YearOut(Schema):
    year: int
    compliance_rate: float | None = Field(description="compliant months / months with a class")
    months: int
    compliant_months: int


class LatestOut(Schema):
    day: dt.date
    source: str
    cls: str | None
    worst: list[str]
    compliant: bool | None


class SectionOut(Schema):
    id: int
    park_id: int
    name: str
    kind: str
    river: str
    waterbody: str
    target_class: str
    longitude: float | None
    latitude: float | None
    point_mn: str | None
    latest: LatestOut | None
    months: list[MonthOut]
    years: list[YearOut]


class SectionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[SectionOut]
