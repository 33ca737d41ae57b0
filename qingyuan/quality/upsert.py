"""Upserts as one ``executemany``: ``INSERT ... ON CONFLICT (key) DO UPDATE`` (SQLite ≥ 3.24 and PostgreSQL).

The aggregates write tens of thousands of rows per run; ``bulk_create`` would
build a model instance per row and split SQLite statements at 999 parameters.
(The same idea as ``qingyuan.ingest.rows``, which domain apps may not import.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


class Upsert:
    def __init__(self, model: type[models.Model], columns: Sequence[str], key: Sequence[str],
                 update: dict[str, str] | None = None) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [c for c in [*columns, *key] if c not in fields]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        q = connection.ops.quote_name
        cols = [fields[c] for c in columns]
        sets = update if update is not None else {
            c: f"excluded.{q(fields[c].column)}" for c in columns if c not in key}
        table, names = q(model._meta.db_table), ", ".join(q(f.column) for f in cols)
        marks, target = ", ".join(["%s"] * len(cols)), ", ".join(q(fields[c].column) for c in key)
        action = (f"DO UPDATE SET {', '.join(f'{q(fields[c].column)} = {e}' for c, e in sets.items())}"
                  if sets else "DO NOTHING")
        # Table and column names come from the model's _meta; values are parameters.
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({target}) {action}"  # noqa: S608
        self.prep = [_preparer(f) for f in cols]

    def run(self, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        todo = [(i, p) for i, p in enumerate(self.prep) if p is not None]
        if todo:
            out = []
            for row in rows:
                values = list(row)
                for i, prep in todo:
                    if values[i] is not None:
                        values[i] = prep(values[i])
                out.append(values)
            rows = out
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
        return len(rows)


def _preparer(field: models.Field):  # type: ignore[type-arg,no-untyped-def]
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None
