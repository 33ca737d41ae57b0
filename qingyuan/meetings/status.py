"""A decision's live status, read from the assignment that carries it (never stored)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from qingyuan.meetings.choices import STATE_CSS, DecisionState
from qingyuan.meetings.models import Decision
from qingyuan.tasks.choices import AssignmentStatus, EscalationLevel


def state_of(decision: Decision, today: dt.date) -> DecisionState:
    """done: the assignment was verified complete; escalated: 督办 or 挂牌督办; overdue: past its deadline
    (催办 included); on track: otherwise. Before approval there is no assignment: pending."""
    a = decision.assignment
    if a is None:
        return DecisionState.PENDING
    if a.status == AssignmentStatus.COMPLETED:
        return DecisionState.DONE
    if a.status == AssignmentStatus.WITHDRAWN:
        return DecisionState.WITHDRAWN
    if a.escalation_level >= EscalationLevel.SUPERVISED:
        return DecisionState.ESCALATED
    if a.deadline < today:
        return DecisionState.OVERDUE
    return DecisionState.ON_TRACK


def is_open(state: str) -> bool:
    return state in (DecisionState.ON_TRACK, DecisionState.OVERDUE, DecisionState.ESCALATED)


def rows(decisions: Iterable[Decision], today: dt.date) -> list[dict[str, Any]]:
    """The decisions with their state, label and badge colour, for pages and documents."""
    out = []
    for d in decisions:
        state = state_of(d, today)
        out.append({"decision": d, "state": state, "label": state.label, "css": STATE_CSS[state]})
    return out
