"""Write audit entries. Actions call ``record`` (one) or ``record_many`` (a batch) explicitly;
nothing is written by signals.

A system action (a worker step, the sink) passes ``acting_user=None``: its entries have no
user and an empty user name, and pages show them as "System".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from qingyuan.core.context import get_request_id
from qingyuan.core.models import AuditEntry


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON-ready values of ``obj``'s concrete fields (foreign keys by id)."""
    names = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        if field.name in ("password",):
            continue
        data[field.attname] = field.value_from_object(obj)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, for compact before/after pairs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def user_name(user: Any) -> str:
    """The name colleagues know the user by: their profile name, else full name, else username."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    try:
        profile_name = user.person.name
    except (AttributeError, ObjectDoesNotExist):
        profile_name = ""
    return profile_name or user.get_full_name() or user.get_username()


def record(
    action: str,
    obj: models.Model,
    *,
    acting_user: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    related: models.Model | None = None,
    message: str = "",
) -> AuditEntry:
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        user=user,
        user_name=user_name(acting_user),
        request_id=get_request_id(),
        action=action,
        object_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        related_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_id=str(related.pk) if related is not None else "",
        related_repr=str(related)[:200] if related is not None else "",
        before=before,
        after=after,
        message=message,
    )


@dataclass(frozen=True, slots=True)
class Ref:
    """An object named by model, key and text, for a batch that has not loaded the instances."""

    model: type[models.Model]
    pk: Any
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a batch whose entries differ: its object, and what it says about it."""

    obj: models.Model | Ref
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    related: models.Model | Ref | None = None
    message: str = ""


def _type_of(obj: models.Model | Ref, types: dict[type, int]) -> int:
    model = obj.model if isinstance(obj, Ref) else type(obj)
    if model not in types:
        types[model] = ContentType.objects.get_for_model(model).pk
    return types[model]


def record_many(
    action: str,
    objects: Iterable[models.Model | Ref | Entry],
    *,
    acting_user: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    related: models.Model | Ref | None = None,
    message: str = "",
    time: Any = None,
) -> int:
    """One entry per object, as ``record`` writes it, inserted in one statement (per 500 entries).

    ``objects`` are model instances, ``Ref``s, or ``Entry``s when each entry says something of
    its own (an ``Entry``'s before/after/related/message replace the shared ones). The entries
    share the action, the user, the request id and the time (now unless given). Returns how many
    were written.
    """
    from qingyuan.core import bulk

    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    name = user_name(acting_user)
    request_id = get_request_id()
    when = time or timezone.now()
    types: dict[type, int] = {}
    rows = []
    for item in objects:
        entry = item if isinstance(item, Entry) else Entry(item, before, after, related, message)
        rel = entry.related
        rows.append({
            "time": when, "user_id": user.pk if user is not None else None, "user_name": name,
            "request_id": request_id, "action": action,
            "object_type_id": _type_of(entry.obj, types), "object_id": str(entry.obj.pk),
            "object_repr": str(entry.obj)[:200],
            "related_type_id": _type_of(rel, types) if rel is not None else None,
            "related_id": str(rel.pk) if rel is not None else "",
            "related_repr": str(rel)[:200] if rel is not None else "",
            "before": entry.before, "after": entry.after, "message": entry.message,
        })
    return bulk.insert(AuditEntry, rows)


def update(
    obj: models.Model,
    fields: dict[str, Any],
    *,
    editable: Iterable[str],
    action: str,
    acting_user: Any,
    related: models.Model | None = None,
    always: bool = False,
) -> bool:
    """Set ``fields`` on ``obj``, validate (``full_clean``), save, and record the changed fields.

    Refuses a field outside ``editable`` with ``ValueError`` (a programming error, nothing set).
    The entry carries only what changed; none is written when nothing did, unless ``always``
    (e.g. the object was just created). Returns whether anything changed.
    """
    unknown = set(fields) - set(editable)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    old, new = changed(before, snapshot(obj))
    if new or always:
        record(action, obj, acting_user=acting_user, related=related, before=old, after=new)
    return bool(new)


def trail(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Entries about ``obj`` itself or naming it as the related object, newest first."""
    ct = ContentType.objects.get_for_model(obj)
    pk = str(obj.pk)
    return AuditEntry.objects.filter(
        models.Q(object_type=ct, object_id=pk) | models.Q(related_type=ct, related_id=pk)
    ).order_by("-time", "-id")
