"""Bulk writes of domain rows with their audit entries, in one transaction.

Two shapes:

- ``insert(model, rows)``: rows given as dicts of attnames (``assignment_id``, not
  ``assignment``), written as one multi-row ``INSERT`` per chunk, without building model
  instances and without reading keys back. For append-only rows (events, audit entries) that
  nobody reads in the same step. Values go through each field's ``get_db_prep_save``, as the
  ORM would send them; the chunk keeps a statement well under SQLite's and PostgreSQL's limits
  on bound parameters.
- ``create(objs, action=..., acting_user=...)``: ``bulk_create`` (keys set on the instances)
  and one audit entry per row (``audit.record_many``), together or not at all.

- ``create_under(parent, objs, action=..., acting_user=...)``: ``bulk_create`` the children of
  one action on ``parent`` (a sample's values, an acceptance's checklist, a meeting's
  invitations) and write that action's one audit entry on the parent, listing the children
  (``after`` may be a function of the created rows). One entry per parent action, because the
  action is what happened: nobody "created a sample value", a sample with its values was entered.

``insert`` with ``action`` writes the audit entries of the same write (``entries``: the
objects the change is about, often not the inserted rows, e.g. the assignments whose
escalation events are inserted) in the same transaction.

Derived rows (readings, computed values: no audit entry) are written by ``core.upsert``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction

MAX_PARAMS = 30_000  # SQLite (3.32+) allows 32,766 bound parameters, PostgreSQL 65,535
MAX_ROWS = 500


def insert(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    action: str | None = None,
    entries: Iterable[Any] = (),
    acting_user: Any = None,
    **shared: Any,
) -> int:
    """Insert ``rows`` (dicts with the same keys) as multi-row INSERTs; returns how many.

    With ``action``, also ``audit.record_many(action, entries, acting_user=..., **shared)`` in the
    same transaction.
    """
    if action is not None:
        from qingyuan.core import audit

        with transaction.atomic():
            count = insert(model, rows)
            audit.record_many(action, entries, acting_user=acting_user, **shared)
        return count
    if not rows:
        return 0
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    unknown = [n for n, f in zip(names, fields, strict=True) if f.attname != n or not f.concrete]
    if unknown:
        raise ValueError(f"{model.__name__}: not column attnames: {unknown}")
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(f.column) for f in fields)
    one = f"({', '.join(['%s'] * len(fields))})"
    chunk = max(1, min(MAX_ROWS, MAX_PARAMS // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(part))}",  # noqa: S608 - _meta names
                [f.get_db_prep_save(row[name], connection) for row in part
                 for name, f in zip(names, fields, strict=True)])
    return len(rows)


def create(
    objs: Iterable[models.Model],
    *,
    action: str,
    acting_user: Any,
    related: Any = None,
    before: dict[str, Any] | None = None,
    after: Any = None,
    message: str = "",
    time: Any = None,
) -> list[models.Model]:
    """``bulk_create`` the instances (one model) and write one audit entry per created row.

    ``after`` is the entry's after-values: a dict shared by all, or a function of the created
    instance (default: ``audit.snapshot`` of it); ``related`` an object or a function of the
    instance (each row's own parent). ``time``: the entries' time (default now; the demo's
    seeded history gives the day it tells of).
    """
    from qingyuan.core import audit

    objs = list(objs)
    if not objs:
        return []
    with transaction.atomic():
        made = type(objs[0])._default_manager.bulk_create(objs)
        shape = after if after is not None else audit.snapshot
        audit.record_many(action, [
            audit.Entry(obj, before, shape(obj) if callable(shape) else shape,
                        related(obj) if callable(related) else related, message) for obj in made],
            acting_user=acting_user, time=time)
    return made


def create_under(
    parent: models.Model,
    objs: Iterable[models.Model],
    *,
    action: str,
    acting_user: Any,
    related: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | Callable[[list[Any]], dict[str, Any]] | None = None,
    message: str = "",
    batch_size: int | None = None,
) -> list[Any]:
    """``bulk_create`` the children (one model) and write the parent action's one audit entry.

    ``after``: the entry's after-values, or a function of the created children returning them
    (default: ``{"created": [keys of the children]}``). Returns the created children (keys set).
    Children and entry are written together or not at all; with no children the entry is still
    written (the action happened, e.g. a carry-over that found nothing to carry).
    """
    from qingyuan.core import audit

    objs = list(objs)
    with transaction.atomic():
        made = type(objs[0])._default_manager.bulk_create(objs, batch_size=batch_size) if objs else []
        values = after(made) if callable(after) else after if after is not None else {
            "created": [obj.pk for obj in made]}
        audit.record(action, parent, acting_user=acting_user, related=related, before=before, after=values,
                     message=message)
    return made
