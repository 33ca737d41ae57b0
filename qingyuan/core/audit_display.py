"""Audit entries as people read them: "状态：整治中 → 整治完成", with field and value labels.

``readable(entries, workflows=...)`` turns ``AuditEntry`` rows into ``ReadableEntry``s: an
action label (a workflow transition's label when the caller passes that workflow, else
"Created" / "Changed" ...), the object's kind, and one ``Change`` per field, each with the
field's verbose name and the values as labels (choices by their label, foreign keys by the
related object's name, booleans as yes/no, times in local time). Nested lists and dicts are
summarised ("3 items"), never shown raw. Keys that are not fields of the model and not in
``EXTRA_LABELS`` are left out rather than shown as identifiers.

Foreign keys are resolved with one query per related model over all entries, so a page
that shows N entries pays a fixed number of queries. ``core`` imports no domain app: the
models come from the entries' content types and the workflows from the caller.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from qingyuan.core.models import AuditEntry
from qingyuan.core.pollutants import pollutant_name

EMPTY = "—"
# Keys some actions write that are not fields of the audited model.
EXTRA_LABELS: dict[str, Any] = {
    "effective_date": _("Effective date"),
    "limits": _("Limits"),
    "user_id": _("User"),
    "reason": _("Reason"),
}
POLLUTANT_FIELDS = frozenset({"pollutant_code", "parameter"})  # HJ 212 codes: shown by name, code as a hint
SKIPPED = frozenset({"id", "created_at", "updated_at", "computed_at"})
VERBS: dict[str, Any] = {
    "create": pgettext_lazy("audit", "Created"),
    "update": pgettext_lazy("audit", "Changed"),
    "delete": pgettext_lazy("audit", "Deleted"),
}


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: nothing before (a new value, not a change)
    new: str


@dataclass
class ReadableEntry:
    entry: AuditEntry
    action_label: str
    object_label: str
    changes: list[Change] = field(default_factory=list)

    @property
    def message(self) -> str:
        return self.entry.message


def _model_of(entry: AuditEntry) -> type[models.Model] | None:
    ct = ContentType.objects.get_for_id(entry.object_type_id)
    return ct.model_class()


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.name, f.attname):
            return f
    return None


def _keys(entry: AuditEntry) -> list[str]:
    before, after = entry.before or {}, entry.after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [k for k in keys if k not in SKIPPED]


def _related_names(entries: list[AuditEntry]) -> dict[tuple[type[models.Model], str], str]:
    """``str()`` of every object a foreign key in the entries points to: one query per related model."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = _model_of(entry)
        for key in _keys(entry):
            f = _field(model, key)
            if f is None or not f.is_relation or f.related_model is None:
                continue
            for side in (entry.before or {}, entry.after or {}):
                value = side.get(key)
                if value not in (None, "") and not isinstance(value, list | dict):
                    wanted[f.related_model].add(str(value))
    names: dict[tuple[type[models.Model], str], str] = {}
    for related, ids in wanted.items():
        for obj in related._default_manager.filter(pk__in=list(ids)):
            names[(related, str(obj.pk))] = str(obj)
    return names


def _number(value: Any) -> str:
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format(d.normalize(), "f") if d.is_finite() else str(value)


def _time(value: str) -> str:
    parsed = parse_datetime(value)
    if parsed is None:
        return value
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")


def value_label(f: models.Field | None, value: Any, names: dict[tuple[type[models.Model], str], str]) -> str:
    """One value as a person reads it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list):
        return ngettext("%(n)d item", "%(n)d items", len(value)) % {"n": len(value)}
    if isinstance(value, dict):
        return ngettext("%(n)d entry", "%(n)d entries", len(value)) % {"n": len(value)}
    if isinstance(value, bool):
        return str(pgettext_lazy("audit", "yes") if value else pgettext_lazy("audit", "no"))
    if f is not None and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f is not None and f.name in POLLUTANT_FIELDS:
        name = pollutant_name(value)
        return f"{name} ({value})" if name != str(value) else str(value)
    if f is not None and f.is_relation and f.related_model is not None:
        return names.get((f.related_model, str(value)), f"#{value}")
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        return _time(value)
    if isinstance(value, int | float | Decimal) or isinstance(f, models.DecimalField | models.FloatField):
        return _number(value)
    return str(value)


def field_label(model: type[models.Model] | None, key: str) -> str | None:
    f = _field(model, key)
    if f is not None:
        return str(capfirst(f.verbose_name))
    extra = EXTRA_LABELS.get(key)
    return str(extra) if extra is not None else None


def action_label(entry: AuditEntry, workflows: dict[str, Any]) -> str:
    prefix, _sep, verb = entry.action.rpartition(".")
    wf = workflows.get(prefix)
    t = wf.get(verb) if wf is not None else None
    if t is not None:
        return str(t.label)
    return str(VERBS.get(verb, VERBS["update"]))


def readable(entries: Iterable[AuditEntry], *, workflows: Iterable[Any] = ()) -> list[ReadableEntry]:
    """The entries with labelled actions and changes; a fixed number of queries for any number of entries."""
    rows = list(entries)
    names = _related_names(rows)
    by_name = {wf.name: wf for wf in workflows}
    out = []
    for entry in rows:
        model = _model_of(entry)
        kind = str(capfirst(model._meta.verbose_name)) if model is not None else ""
        item = ReadableEntry(entry, action_label(entry, by_name), kind)
        if not entry.action.endswith(".create"):
            item.changes = _changes(entry, model, names)
        out.append(item)
    return out


def _changes(entry: AuditEntry, model: type[models.Model] | None,
             names: dict[tuple[type[models.Model], str], str]) -> list[Change]:
    before, after = entry.before, entry.after or {}
    changes = []
    for key in _keys(entry):
        label = field_label(model, key)
        if label is None:
            continue
        f = _field(model, key)
        new = value_label(f, after.get(key), names)
        old = value_label(f, before.get(key), names) if before is not None and key in before else None
        changes.append(Change(label, old, new))
    return changes
