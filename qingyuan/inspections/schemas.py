from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from qingyuan.inspections.access import sees_internal_notes


class Ref(Schema):
    id: int
    name: str


class InspectorOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        person = getattr(obj, "person", None)
        return person.name if person else obj.get_username()


class FindingOut(Schema):
    id: int
    text: str
    severity: str
    checklist_item: str
    status: str
    assignment_id: int | None


class PatrolOut(Schema):
    id: int
    park_id: int
    enterprise: Ref
    kind: str
    draw_item_id: int | None
    started_at: dt.datetime
    finished_at: dt.datetime
    latitude: Decimal | None
    longitude: Decimal | None
    gps_accuracy_m: float | None
    checklist_key: str
    checklist: dict[str, Any]
    notes: str
    internal_notes: str | None = Field(None, description="Null for users who may not read internal notes.")
    recorded_by_name: str
    inspectors: list[InspectorOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_inspectors(obj: Any) -> list[Any]:
        return list(obj.inspectors.all())

    @staticmethod
    def resolve_findings(obj: Any) -> list[Any]:
        return list(obj.findings.all())

    @staticmethod
    def resolve_internal_notes(obj: Any, context: Any) -> str | None:
        return obj.internal_notes if sees_internal_notes(context["request"].user, obj) else None


class PhotoOut(Schema):
    id: int
    name: str
    size: int
    url: str


class PatrolDetailOut(PatrolOut):
    photos: list[PhotoOut] = []


class PatrolPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PatrolOut]


class AnswerIn(Schema):
    answer: str
    note: str = ""


class FindingIn(Schema):
    text: str
    severity: str = "minor"
    checklist_item: str = ""


class PatrolIn(Schema):
    enterprise_id: int
    kind: str = "planned"
    draw_item_id: int | None = None
    client_id: uuid.UUID | None = Field(None, description="Set by the client; sending the same id twice records "
                                                          "the patrol once.")
    started_at: dt.datetime
    finished_at: dt.datetime | None = Field(None, description="Defaults to the time the server receives it.")
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    gps_accuracy_m: float | None = None
    gps_at: dt.datetime | None = None
    checklist_key: str | None = Field(None, description="Defaults to the enterprise's current checklist.")
    checklist: dict[str, AnswerIn]
    findings: list[FindingIn] = []
    notes: str = ""
    internal_notes: str = ""
    co_inspector_ids: list[int] = []
