"""API schemas. The public ones carry no personal data at all (no name, no phone, no notes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from qingyuan.complaints.choices import Category, Rating

CategoryValue = Literal[tuple(Category.values)]  # type: ignore[valid-type]
RatingValue = Literal[tuple(Rating.values)]  # type: ignore[valid-type]


class ChallengeOut(Schema):
    question: str
    token: str


class ComplaintIn(Schema):
    park: str = Field(..., description="The park's code, e.g. qingxi-chem.")
    category: CategoryValue
    description: str = Field(..., max_length=2000)
    address: str = Field("", max_length=200)
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    enterprise_id: int | None = None
    observed_at: dt.datetime | None = None
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=30)
    website: str = Field("", description="Leave empty (a honeypot for bots).")
    challenge_token: str = Field(..., description="From GET /api/v1/complaints/challenge.")
    challenge_answer: str = Field(..., max_length=4)


class CreatedOut(Schema):
    code: str
    pin: str = Field(..., description="The complainant's PIN, given only here: rating needs it.")
    status: str
    tracking_url: str


class PublicReviewOut(Schema):
    code: str
    level: int
    status: str
    status_label: str
    reply: str
    replied_on: dt.date | None


class PublicComplaintOut(Schema):
    code: str
    status: str
    status_label: str
    merged: bool
    category: str
    category_label: str
    received_on: dt.date
    handling_unit: str | None
    accept_deadline: dt.date | None
    handle_deadline: dt.date | None
    not_accepted_reason: str
    reply: str
    replied_on: dt.date | None
    rating: str
    can_rate: bool
    review_deadline: dt.date | None
    reviews: list[PublicReviewOut]


class RatingIn(Schema):
    rating: RatingValue
    pin: str = Field("", max_length=12, description="The PIN returned when the complaint was filed.")
    comment: str = Field("", max_length=1000)
    request_review: bool = False


class UnitRef(Schema):
    id: int
    name: str


class StaffComplaintOut(Schema):
    id: int
    park_id: int
    code: str | None = Field(None, description="The tracking code: only for the office and the handling unit.")
    reference: str = Field(..., description="The complaint's reference, e.g. #42 (not the tracking code).")
    case_type: str
    channel: str
    category: str
    description: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    enterprise_id: int | None
    enterprise: str | None
    received_at: dt.datetime
    status: str
    handling_unit: UnitRef | None
    accept_deadline: dt.date
    handle_deadline: dt.date | None
    replied_on: dt.date | None
    replied_on_time: bool | None
    reply: str
    rating: str
    colour: str
    merged_into: str | None = Field(None, description="The case it follows: its code or its reference.")
    review_level: int
    assignment_id: int | None
    name: str | None = Field(None, description="Only for the office and the handling unit; null otherwise.")
    phone: str | None = Field(None, description="Only for the office and the handling unit; null otherwise.")


class ComplaintPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[StaffComplaintOut]
