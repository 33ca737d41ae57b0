"""Pydantic schemas of /api/v1/assessment."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field


class SchemeOut(Schema):
    id: int
    park: int
    year: int
    title: str
    status: str
    status_label: str


class RankingRowOut(Schema):
    rank: int
    unit: int
    unit_name: str
    total: Decimal
    grade: str
    grade_label: str
    vetoed: bool
    veto_reason: str


class ResultsQuery(Schema):
    quarter: int = Field(0, ge=0, le=4, description="0 for the year, 1-4 for an interim quarter")
