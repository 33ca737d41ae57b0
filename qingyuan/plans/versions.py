"""Plan versions: a frozen snapshot at each submission and the computed difference to the last one."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from qingyuan.plans.choices import MeasureKind, Outcome
from qingyuan.plans.models import EnterprisePlan, Measure

PLAN_FIELDS = ("title", "outcome", "start_date", "deadline", "summary")
MEASURE_FIELDS = ("kind", "title", "description", "responsible", "start_date", "deadline", "investment", "reductions")

LABELS = {
    "title": _("title"), "outcome": _("outcome"), "start_date": _("start date"), "deadline": _("deadline"),
    "summary": _("summary"), "kind": _("kind"), "description": _("description"),
    "responsible": _("responsible person"), "investment": _("investment (10,000 yuan)"),
    "reductions": _("load reductions (t/a)"),
}


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def measure_data(measure: Measure) -> dict[str, Any]:
    data = {name: getattr(measure, name) for name in MEASURE_FIELDS}
    return _json({"id": measure.pk, **data})


def snapshot(plan: EnterprisePlan) -> dict[str, Any]:
    """What the plan says at this moment: its own fields and its measures (not their progress)."""
    measures = plan.measures.select_related("owner_user__person").order_by("order", "deadline", "id")
    return {
        "plan": _json({name: getattr(plan, name) for name in PLAN_FIELDS}),
        "measures": [measure_data(m) for m in measures],
    }


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """Plan fields changed, measures added, removed, and changed field by field (measures matched by id)."""
    before = before or {"plan": {}, "measures": []}
    plan_changes = {k: [before["plan"].get(k), v] for k, v in after["plan"].items()
                    if before["plan"] and before["plan"].get(k) != v}
    old = {m["id"]: m for m in before["measures"]}
    new = {m["id"]: m for m in after["measures"]}
    changed = []
    for mid, m in new.items():
        if mid in old:
            fields = {k: [old[mid].get(k), m.get(k)] for k in MEASURE_FIELDS if old[mid].get(k) != m.get(k)}
            if fields:
                changed.append({"id": mid, "title": m["title"], "fields": fields})
    return {
        "initial": not before["measures"] and not before["plan"],
        "plan": plan_changes,
        "added": [{"id": mid, "title": m["title"]} for mid, m in new.items() if mid not in old],
        "removed": [{"id": mid, "title": m["title"]} for mid, m in old.items() if mid not in new],
        "changed": changed,
    }


def is_empty(changes: dict[str, Any]) -> bool:
    return not (changes.get("plan") or changes.get("added") or changes.get("removed") or changes.get("changed"))


def describe(changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows (what, field, old → new) for showing a diff; labels in the user's language."""
    rows: list[tuple[str, str, str]] = []
    for field, (old, new) in changes.get("plan", {}).items():
        rows.append((str(_("Plan")), str(LABELS.get(field, field)), f"{_fmt(old, field)} → {_fmt(new, field)}"))
    for m in changes.get("added", []):
        rows.append((m["title"], str(_("added")), ""))
    for m in changes.get("removed", []):
        rows.append((m["title"], str(_("removed")), ""))
    for m in changes.get("changed", []):
        for field, (old, new) in m["fields"].items():
            rows.append((m["title"], str(LABELS.get(field, field)), f"{_fmt(old, field)} → {_fmt(new, field)}"))
    return rows


def _fmt(value: Any, field: str = "") -> str:
    if value in (None, "", {}):
        return "—"
    choices = {"kind": MeasureKind, "outcome": Outcome}.get(field)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"
