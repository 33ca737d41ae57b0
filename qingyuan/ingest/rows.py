"""Bulk writes as single ``executemany`` statements.

``bulk_create`` on SQLite splits rows into chunks of 999 parameters (a batch of
500 packets would be dozens of statements) and builds a model instance per
row. Here a batch is one prepared INSERT run over all its rows: one query for
Django's query counter, one C loop in the driver. The SQL is the portable
``INSERT ... ON CONFLICT (...) DO UPDATE/NOTHING`` that SQLite (3.24+) and
PostgreSQL share; table and column names come from the models' ``_meta``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


class Insert:
    """A prepared INSERT for ``columns`` of ``model`` (attnames: ``point_id``, not ``point``)."""

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        *,
        conflict: Sequence[str] = (),
        update: dict[str, str] | Sequence[str] = (),
    ) -> None:
        self.model = model
        self.columns = list(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [c for c in self.columns if c not in fields]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        self.fields = [fields[c] for c in self.columns]
        q = connection.ops.quote_name
        table = q(model._meta.db_table)
        self.table = table
        sql = (f"INSERT INTO {table} ({', '.join(q(f.column) for f in self.fields)}) "
               f"VALUES ({', '.join(['%s'] * len(self.fields))})")
        if conflict:
            target = ", ".join(q(fields[c].column) for c in conflict)
            assignments = update if isinstance(update, dict) else {c: f"excluded.{q(c)}" for c in update}
            if assignments:
                sets = ", ".join(f"{q(fields[c].column)} = {expr}" for c, expr in assignments.items())
                sql += f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
            else:
                sql += f" ON CONFLICT ({target}) DO NOTHING"
        self.sql = sql
        self._prep = [_preparer(f) for f in self.fields]

    def run(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        columns = [(i, p, {}) for i, p in enumerate(self._prep) if p is not None]
        if columns:
            prepared = []
            for row in rows:
                values = list(row)
                for i, prep, memo in columns:  # a batch repeats few distinct times: adapt each once
                    v = values[i]
                    if v is not None:
                        try:
                            values[i] = memo[v]
                        except KeyError:
                            values[i] = memo[v] = prep(v)
                        except TypeError:  # unhashable (JSON)
                            values[i] = prep(v)
                prepared.append(values)
            rows = prepared
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


def _preparer(field: models.Field):  # type: ignore[type-arg,no-untyped-def]
    """A function turning a Python value into what the driver takes, or None to pass it as is."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField | models.BinaryField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None
