"""Indicators computed from the platform's records.

Each computation takes all assessed units at once and a period, runs one query (or two) for the whole
batch, and returns per unit a ``Measure``: the value and the exact records counted (and, of those, the
ones that met the standard). ``KEYS`` maps an indicator's ``key`` to its definition.

Kinds: a *percent* (0-100; points = weight × value / 100; with nothing to count the unit keeps the full
weight) or a *count* of weighted failures (points = weight − per_item × value, never below zero). A percent
with a ``full_from`` threshold scores the full weight from it up and linearly below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from qingyuan.assessment.indicators import alarms, complaints, inspections, plans, quality, sections, tasks
from qingyuan.assessment.indicators.base import Measure, Period

Compute = Callable[[list[int], Period, dict[str, Any]], dict[int, Measure]]


@dataclass(frozen=True)
class Definition:
    key: str
    label: Any
    kind: str  # "percent" | "count"
    model: str  # app_label.model of the records counted
    compute: Compute
    defaults: dict[str, Any] = field(default_factory=dict)


DEFINITIONS = [
    Definition("assignments_on_time", _("Assignments closed on time (%)"), "percent", "tasks.assignment",
               tasks.on_time),
    Definition("assignments_escalated", _("Overdue and escalated assignments (挂牌督办 weighs most)"), "count",
               "tasks.assignment", tasks.escalated, {"per_item": 1, "weights": tasks.DEFAULT_WEIGHTS}),
    Definition("complaint_clocks", _("Complaint clocks kept (%)"), "percent", "complaints.complaint",
               complaints.clocks_kept),
    Definition("complaint_satisfaction", _("Complainants satisfied (%)"), "percent", "complaints.complaint",
               complaints.satisfied),
    Definition("alarms_handled", _("Alarms acknowledged and verified within policy (%)"), "percent",
               "alarms.alarm", alarms.handled_in_time),
    Definition("patrol_completion", _("Patrol plan completion (%)"), "percent", "inspections.patrol",
               inspections.plan_completion),
    Definition("findings_on_time", _("Patrol findings closed on time (%)"), "percent", "inspections.finding",
               inspections.findings_on_time),
    Definition("plan_measures_on_schedule", _("Linked enterprises' plan measures on schedule (%)"), "percent",
               "plans.measure", plans.measures_on_schedule),
    Definition("rebounds", _("Load rebounds at linked enterprises"), "count", "loads.reboundflag", plans.rebounds,
               {"per_item": 2}),
    Definition("section_compliance", _("Section compliance of townships along the river (%)"), "percent",
               "sections.sample", sections.compliance),
    Definition("valid_transmission", _("Valid transmission rate of linked enterprises' devices (%)"), "percent",
               "enterprises.monitoringpoint", quality.valid_transmission,
               {"full_from": quality.DEFAULT_FULL_FROM}),
]
KEYS = {d.key: d for d in DEFINITIONS}
KEY_CHOICES = [(d.key, d.label) for d in DEFINITIONS]


def register(definition: Definition) -> None:
    """Add an indicator computed by another app (called from its ``AppConfig.ready``); idempotent by key.

    The lists are extended in place, so modules that imported them see the new indicator."""
    if definition.key in KEYS:
        return
    DEFINITIONS.append(definition)
    KEYS[definition.key] = definition
    KEY_CHOICES.append((definition.key, definition.label))


__all__ = ["DEFINITIONS", "KEYS", "KEY_CHOICES", "Decimal", "Definition", "Measure", "Period", "register"]
