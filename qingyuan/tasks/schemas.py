from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from qingyuan.tasks.choices import EscalationLevel, Priority

PriorityValue = Literal[tuple(Priority.values)]  # type: ignore[valid-type]


class UnitRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class AssignmentOut(Schema):
    id: int
    park_id: int
    number: str
    subject: str
    priority: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    escalation_level: int
    escalation: str
    colour: str
    assignee_unit: UnitRef
    issuer_unit: UnitRef
    enterprise_id: int | None
    enterprise_name: str | None
    issued_on: dt.date
    deadline: dt.date
    original_deadline: dt.date
    progress: int
    sent_back: bool
    source_label: str

    @staticmethod
    def resolve_escalation(obj: Any) -> str:
        return str(EscalationLevel(obj.escalation_level).label)

    @staticmethod
    def resolve_colour(obj: Any) -> str:
        return EscalationLevel(obj.escalation_level).colour.name.lower()

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str | None:
        return obj.enterprise.name if obj.enterprise_id else None


class ReportOut(Schema):
    id: int
    kind: str
    percent: int
    text: str
    reported_by_name: str
    created_at: dt.datetime


class ExtensionOut(Schema):
    id: int
    old_deadline: dt.date
    new_deadline: dt.date
    reason: str
    status: str
    requested_by_name: str
    requested_at: dt.datetime
    decided_by_name: str
    decided_at: dt.datetime | None
    decision_reason: str


class HistoryOut(Schema):
    time: dt.datetime
    transition: str
    from_state: str
    to_state: str
    reason: str
    user_name: str
    data: dict[str, Any]


class AssignmentDetailOut(AssignmentOut):
    requirements: str
    issued_by_name: str
    suggested_unit: UnitRef | None
    reports: list[ReportOut]
    extensions: list[ExtensionOut]
    history: list[HistoryOut]
    actions: list[str] = Field(default_factory=list, description="Workflow actions the caller may take now.")

    @staticmethod
    def resolve_reports(obj: Any) -> list[Any]:
        return list(obj.reports.all())

    @staticmethod
    def resolve_extensions(obj: Any) -> list[Any]:
        return list(obj.extensions.all())

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        from qingyuan.core.workflow import history

        return list(history(obj))

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[str]:
        from qingyuan.tasks.access import assignment_roles
        from qingyuan.tasks.services import available_actions

        user = context["request"].user
        return [t.name for t in available_actions(obj, assignment_roles(user, obj))]


class Page(Schema):
    count: int
    page: int
    page_size: int


class AssignmentPage(Page):
    results: list[AssignmentOut]


class AssignmentIn(Schema):
    park: int | None = Field(None, description="Needed only if you may issue in several parks.")
    assignee_unit: int
    subject: str = Field(..., max_length=200)
    requirements: str
    deadline: dt.date
    priority: PriorityValue = Priority.NORMAL.value  # type: ignore[valid-type]
    enterprise: int | None = None


class TransitionIn(Schema):
    action: Literal["sign", "report_progress", "request_extension", "approve_extension", "refuse_extension",
                    "return", "reassign", "submit", "accept", "send_back", "withdraw"]
    reason: str = Field("", max_length=2000)
    new_deadline: dt.date | None = None
    percent: int | None = Field(None, ge=0, le=100)
    text: str = Field("", max_length=5000)
    unit: int | None = Field(None, description="return: the unit believed responsible; reassign: the new unit.")
