"""Bulk writes as one statement per table and batch.

``bulk_create`` on SQLite splits rows into chunks of 999 parameters (a batch of
500 packets would be dozens of statements) and builds a model instance per
row. Here a batch is one prepared INSERT over all its rows: on SQLite an
``executemany`` (one C loop in the driver), on PostgreSQL an
``INSERT ... SELECT * FROM unnest(column arrays)`` (one round trip; psycopg's
``executemany`` would make one per row). The conflict clause is the portable
``ON CONFLICT (...) DO UPDATE/NOTHING`` of SQLite (3.24+) and PostgreSQL;
table and column names come from the models' ``_meta``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
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
        names = ", ".join(q(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model's _meta
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
        # PostgreSQL: one statement over column arrays (one round trip); executemany would be one per row.
        head, _, tail = sql.partition(" VALUES (")
        tail = tail.partition(")")[2]
        arrays = ", ".join(f"%b::{f.db_type(connection)}[]" for f in self.fields)
        self.unnest_sql = f"{head} SELECT * FROM unnest({arrays}){tail}"  # noqa: S608 - as above

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
        if connection.vendor == "postgresql":
            columns = [list(column) for column in zip(*rows, strict=True)]
            with _server_binding_cursor() as cursor:
                cursor.execute(self.unnest_sql, columns)
            return
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


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


def _server_binding_cursor():  # type: ignore[no-untyped-def]
    """A Django-wrapped (so counted and logged) psycopg cursor that sends parameters apart from the SQL.

    Django's default client-side binding would quote every array element into
    the statement text; bound, the column arrays travel in binary.
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def _preparer(field: models.Field):  # type: ignore[type-arg,no-untyped-def]
    """A function turning a Python value into what the driver takes, or None to pass it as is."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            return _sqlite_datetime
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField | models.BinaryField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for a datetime (naive UTC text), quicker for aware UTC values."""
    if value.tzinfo is dt.UTC:
        return str(value.replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value(value)  # type: ignore[no-any-return]
