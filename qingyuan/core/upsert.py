"""Many rows in one go: ``INSERT``, or ``INSERT ... ON CONFLICT (key) DO NOTHING / DO UPDATE``.

The one helper behind every hand-built bulk statement (the gateway's hot path in
``qingyuan.ingest.rows``, the aggregates in ``qingyuan.quality.upsert``, the demo's year of
history). ``bulk_create`` would build a model instance per row and split SQLite statements at
999 parameters; here the rows are tuples in ``columns`` order and a batch is:

- SQLite: one ``executemany`` of a single-row statement (one C loop in the driver, no
  multi-row text to build or parse; measured as fast as multi-row ``VALUES``);
- PostgreSQL, up to ``COPY_ABOVE`` rows: ``INSERT ... SELECT * FROM unnest(column arrays)``,
  one round trip with the arrays bound in binary (psycopg's ``executemany`` would be one
  round trip per row);
- PostgreSQL, more rows: ``COPY`` into a temporary table, then one ``INSERT ... SELECT``
  (psycopg's COPY is C code; tens of thousands of rows in arrays would be adapted in Python).

The conflict clause is the portable ``ON CONFLICT`` of SQLite (3.24+) and PostgreSQL. Table
and column names come from the model's ``_meta``; values are always bound. Rows of one run
must not repeat a conflict key (PostgreSQL refuses to update a row twice in one statement).

These are derived or received rows (readings, computed values, device state), not domain
changes: they write no audit entry. Domain rows created in bulk go through
``qingyuan.core.bulk`` with their audit entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction

COPY_ABOVE = 10_000  # PostgreSQL: from this many rows, COPY + INSERT ... SELECT beats one unnest statement


class Upsert:
    """A prepared bulk write of ``columns`` (attnames: ``point_id``, not ``point``) into ``model``.

    ``key``: the conflict target (none: a plain INSERT). ``update``: ``None`` sets every non-key
    column from the proposed row (``excluded``), a sequence sets those columns, a dict maps a
    column to an SQL expression; empty means ``DO NOTHING``.
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        key: Sequence[str] = (),
        update: Mapping[str, str] | Sequence[str] | None = None,
    ) -> None:
        self.model = model
        self.columns = list(columns)
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        missing = [c for c in [*self.columns, *key] if c not in by_name]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        self.fields = [by_name[c] for c in self.columns]
        q = connection.ops.quote_name
        self.table = table = q(model._meta.db_table)
        names = ", ".join(q(f.column) for f in self.fields)
        if update is None:
            update = [c for c in self.columns if c not in key] if key else []
        sets = dict(update) if isinstance(update, Mapping) else {
            c: f"excluded.{q(by_name[c].column)}" for c in update}
        self.tail = ""
        if key:
            target = ", ".join(q(by_name[c].column) for c in key)
            action = (f"DO UPDATE SET {', '.join(f'{q(by_name[c].column)} = {e}' for c, e in sets.items())}"
                      if sets else "DO NOTHING")
            self.tail = f" ON CONFLICT ({target}) {action}"
        self.row = f"({', '.join(['%s'] * len(self.fields))})"
        self.head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from the model's _meta
        self.sql = self.head + self.row + self.tail
        self._prep = [_preparer(f) for f in self.fields]
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%b::{f.db_type(connection)}[]" for f in self.fields)
            self.unnest_sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}){self.tail}"  # noqa: S608
            # one temporary table per column list (two writers of one model may write different columns)
            digest = hashlib.blake2s(names.encode(), digest_size=4).hexdigest()
            self.temp = q(f"qy_upsert_{model._meta.db_table}_{digest}")
            self.create = (f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.temp} AS "  # noqa: S608
                           f"SELECT {names} FROM {table} WITH NO DATA")
            self.copy = f"COPY {self.temp} ({names}) FROM STDIN"
            self.merge = f"INSERT INTO {table} ({names}) SELECT {names} FROM {self.temp}{self.tail}"  # noqa: S608

    def run(self, rows: Sequence[Sequence[Any]]) -> int:
        """Write ``rows`` (tuples or lists in ``columns`` order); returns how many were sent."""
        if not rows:
            return 0
        rows = self.prepared(rows)
        if connection.vendor == "postgresql":
            if len(rows) >= COPY_ABOVE:
                self._copy(rows)
            else:
                columns = [list(column) for column in zip(*rows, strict=True)]
                with _server_binding_cursor() as cursor:
                    cursor.execute(self.unnest_sql, columns)
            return len(rows)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
        return len(rows)

    def prepared(self, rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
        """The rows with each value as the driver takes it (a batch repeats few distinct times: adapted once)."""
        todo = [(i, p, {}) for i, p in enumerate(self._prep) if p is not None]
        if not todo:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for i, prep, memo in todo:
                v = values[i]
                if v is not None:
                    try:
                        values[i] = memo[v]
                    except KeyError:
                        values[i] = memo[v] = prep(v)
                    except TypeError:  # unhashable (JSON)
                        values[i] = prep(v)
            out.append(values)
        return out

    def _copy(self, rows: Sequence[Sequence[Any]]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(self.create)
            cursor.execute(f"TRUNCATE {self.temp}")
            with cursor.cursor.copy(self.copy) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(self.merge)
            cursor.execute(f"TRUNCATE {self.temp}")


def _server_binding_cursor():  # type: ignore[no-untyped-def]
    """A Django-wrapped (so counted and logged) psycopg cursor that sends parameters apart from the SQL.

    Django's default client-side binding would quote every array element into the statement
    text; bound, the column arrays travel in binary.
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def _preparer(field: models.Field):  # type: ignore[type-arg,no-untyped-def]
    """A function turning a Python value into what the driver takes, or None to pass it as is."""
    if isinstance(field, models.JSONField | models.BinaryField):
        return lambda value: field.get_db_prep_save(value, connection)
    if connection.vendor == "postgresql":
        return None  # psycopg takes dates and aware datetimes as they are (Django's adapters return them)
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for a datetime (naive UTC text), quicker for aware UTC values."""
    if value.tzinfo is dt.UTC:
        return str(value.replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value(value)  # type: ignore[no-any-return]
