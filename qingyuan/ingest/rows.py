"""Bulk writes as one statement per table and batch, and the batch's keyed lookups.

The writes are ``qingyuan.core.upsert.Upsert`` (the one bulk-write helper: on SQLite an
``executemany`` of one prepared statement, on PostgreSQL ``INSERT ... SELECT * FROM
unnest(column arrays)``, one round trip; ``ON CONFLICT (...) DO UPDATE/NOTHING`` on both).
``Insert`` keeps the gateway's names for it (``conflict=``, ``update=`` defaulting to DO NOTHING).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db import connection, models

from qingyuan.core.upsert import Upsert, _preparer, _server_binding_cursor

__all__ = ["Insert", "select_in", "_preparer", "_server_binding_cursor"]


class Insert(Upsert):
    """A prepared INSERT for ``columns`` of ``model`` (attnames: ``point_id``, not ``point``).

    With ``conflict``: ``ON CONFLICT (conflict)``, ``DO UPDATE`` of ``update`` (columns, or a dict of
    column → SQL expression), ``DO NOTHING`` when ``update`` is empty."""

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        *,
        conflict: Sequence[str] = (),
        update: Mapping[str, str] | Sequence[str] = (),
    ) -> None:
        super().__init__(model, columns, key=conflict, update=update)


SQLITE_IN_CHUNK = 900  # bound parameters per IN list: well under SQLite's limit


def select_in(model: type[models.Model], columns: Sequence[str], key: str, values: Collection[Any]) -> list[tuple[Any, ...]]:
    """``SELECT columns FROM model WHERE key IN values`` as plain tuples, without building a queryset.

    The per-batch lookups of ingest (points by MN, stored dedup keys) run once per
    batch of hundreds of packets; Django's ``__in`` lookup prepares each value in
    Python, which here cost more than the query. PostgreSQL gets one array
    parameter (``= ANY``), SQLite an IN list per chunk of parameters.
    """
    if not values:
        return []
    q = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = ", ".join(q(fields[c].column) for c in columns)
    head = f"SELECT {names} FROM {q(model._meta.db_table)} WHERE {q(fields[key].column)}"  # noqa: S608 - _meta names
    values = list(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head} = ANY(%s)", [values])
            return cursor.fetchall()
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(values), SQLITE_IN_CHUNK):
            chunk = values[start:start + SQLITE_IN_CHUNK]
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.extend(cursor.fetchall())
        return found
