from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class Ref(Schema):
    id: int
    name: str


class PlanOut(Schema):
    id: int
    park_plan_id: int
    enterprise: Ref
    title: str
    outcome: str
    status: str
    version: int
    start_date: dt.date
    deadline: dt.date
    revision_due: dt.date | None
    measure_count: int = Field(0, alias="n_measures")
    measures_done: int = Field(0, alias="n_done")
    investment: Decimal = Decimal("0")

    @staticmethod
    def resolve_investment(obj: Any) -> Decimal:
        value = obj.get("investment") if isinstance(obj, dict) else getattr(obj, "investment", None)
        return value or Decimal("0")


class AttachmentOut(Schema):
    id: int
    name: str
    mime: str
    size: int
    url: str


class MeasureOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    responsible: str
    start_date: dt.date | None
    deadline: dt.date
    investment: Decimal
    status: str
    done_on: dt.date | None
    reductions: dict[str, str]
    evidence: list[AttachmentOut] = []


class ReviewOut(Schema):
    reviewer: str
    is_lead: bool
    due_date: dt.date
    recommendation: str
    opinion: str
    submitted_at: dt.datetime | None


class VersionOut(Schema):
    number: int
    author: str = Field(..., alias="author_name")
    created_at: dt.datetime
    note: str
    changes: dict[str, Any]
    conclusion: str
    conclusion_text: str
    concluded_at: dt.datetime | None
    reviews: list[ReviewOut] = []


class ItemOut(Schema):
    order: int
    measure_id: int | None
    text: str
    result: str
    note: str


class PanelOut(Schema):
    name: str
    organisation: str
    position: str
    is_lead: bool


class AcceptanceOut(Schema):
    id: int
    number: int
    version: int
    status: str
    requested_by: str = Field(..., alias="requested_by_name")
    requested_at: dt.datetime
    inspection_date: dt.date | None
    organiser: str
    verdict_text: str
    decided_at: dt.datetime | None
    items: list[ItemOut]
    panel: list[PanelOut]
    record_url: str | None


class PlanDetailOut(PlanOut):
    summary: str
    measures: list[MeasureOut]
    versions: list[VersionOut]
    acceptances: list[AcceptanceOut]


class PlanPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PlanOut]
