"""Upserts in multi-row statements: ``INSERT ... VALUES (...), (...) ON CONFLICT (key) DO UPDATE``.

Portable between SQLite (≥ 3.24) and PostgreSQL (there: COPY into a temporary table, then
``INSERT ... SELECT ... ON CONFLICT``).
Rows of one run must not repeat a key.

The aggregates write tens of thousands of rows per run; ``bulk_create`` would
build a model instance per row and split SQLite statements at 999 parameters.
(The same idea as ``qingyuan.ingest.rows``, which domain apps may not import.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models, transaction


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
        target = ", ".join(q(fields[c].column) for c in key)
        action = (f"DO UPDATE SET {', '.join(f'{q(fields[c].column)} = {e}' for c, e in sets.items())}"
                  if sets else "DO NOTHING")
        self.row = f"({', '.join(['%s'] * len(cols))})"
        # Table and column names come from the model's _meta; values are parameters.
        self.head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
        self.tail = f" ON CONFLICT ({target}) {action}"
        self.per_statement = max(1, min(500, 30000 // len(cols)))
        # PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT (psycopg's COPY is C code;
        # a long VALUES list or arrays would be adapted in Python).
        self.temp = q(f"qy_upsert_{model._meta.db_table}")
        self.create = f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.temp} AS SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608
        self.copy = f"COPY {self.temp} ({names}) FROM STDIN"
        self.merge = f"INSERT INTO {table} ({names}) SELECT {names} FROM {self.temp}" + self.tail  # noqa: S608
        self.prep = [_preparer(f) for f in cols]

    def run(self, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        todo = [(i, p, {}) for i, p in enumerate(self.prep) if p is not None]
        if todo:
            out = []
            for row in rows:
                values = list(row)
                for i, prep, seen in todo:  # the same few period starts recur in every row: adapted once
                    v = values[i]
                    if v is not None:
                        found = seen.get(v)
                        if found is None:
                            found = seen[v] = prep(v)
                        values[i] = found
                out.append(values)
            rows = out
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(self.create)
                cursor.execute(f"TRUNCATE {self.temp}")
                with cursor.cursor.copy(self.copy) as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(self.merge)
                cursor.execute(f"TRUNCATE {self.temp}")
            return len(rows)
        n = self.per_statement
        with connection.cursor() as cursor:
            for i in range(0, len(rows), n):  # multi-row VALUES: one round trip per few hundred rows
                chunk = rows[i:i + n]
                cursor.execute(self.head + ", ".join([self.row] * len(chunk)) + self.tail,
                               [v for row in chunk for v in row])
        return len(rows)


def _preparer(field: models.Field):  # type: ignore[type-arg,no-untyped-def]
    if connection.vendor == "postgresql":
        return None  # psycopg takes dates and aware datetimes as they are (Django's adapters return them)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None
