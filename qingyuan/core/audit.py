"""Write audit entries. Actions call ``record`` explicitly; nothing is written by signals."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

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
