"""Minute, hourly and daily readings of points read for aggregation: raw rows, no model per row.

Readings are fetched with a raw cursor in time order, their ``time`` as the
database gives it cheaply (``RawTimes``), and the columns in the order of
``aggregate.Sample`` so that the rows serve as samples as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection

from qingyuan.monitoring import store
from qingyuan.monitoring.models import Reading


class RawTimes:
    """How raw ``time`` values are fetched, so that no datetime is built per row.

    SQLite: as the stored text, 'YYYY-MM-DD HH:MM:SS' in UTC (an hour is its first 13 characters).
    PostgreSQL: as integer epoch seconds (formatting timestamps as text is costly there).
    """

    def __init__(self) -> None:
        self.text = connection.vendor != "postgresql"
        self._aware: dict[Any, dt.datetime] = {}

    def select(self, column: str) -> str:
        return f"CAST({column} AS TEXT)" if self.text else f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"

    def param(self, when: dt.datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(when)

    def hour_key(self, raw: Any) -> Any:
        return raw[:13] if self.text else raw - raw % 3600

    def key_of(self, when: dt.datetime) -> Any:
        return f"{when.astimezone(dt.UTC):%Y-%m-%d %H}" if self.text else int(when.timestamp()) // 3600 * 3600

    def raw(self, when: dt.datetime) -> Any:
        """``when`` as the database's raw value would be (a reading read from a compacted block)."""
        if not self.text:
            return int(when.timestamp())
        utc = when.astimezone(dt.UTC)
        return f"{utc:%Y-%m-%d %H:%M:%S}" + (f".{utc.microsecond:06d}" if utc.microsecond else "")

    def aware(self, raw: Any) -> dt.datetime:
        found = self._aware.get(raw)
        if found is None:
            if self.text:
                text = raw[:19] if len(raw) > 13 else raw + ":00:00"
                found = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
            else:
                found = dt.datetime.fromtimestamp(raw, dt.UTC)
            self._aware[raw] = found
        return found


def fetch(times: RawTimes, point_id: int, kind: str, start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    if kind in store.COMPACTED and store.has_blocks([point_id], kind, start, end):
        return from_store(times, kind, store.rows(point_id, kind, start, end))
    q = connection.ops.quote_name
    cols = {f.attname: q(f.column) for f in Reading._meta.concrete_fields}
    when = times.select(cols["time"])  # see RawTimes: no datetime per row
    low, high = cols["min"], cols["max"]
    if kind == "minute":  # grouped as min(min, else avg): an extreme equal to the average need not be fetched
        low, high = f"NULLIF({low}, {cols['avg']})", f"NULLIF({high}, {cols['avg']})"
    # Columns in the order of ``aggregate.Sample``: the rows are used as samples as they are.
    sql = (f"SELECT {when}, {cols['avg']}, {low}, {high}, {cols['cou']}, "  # noqa: S608 - names from _meta
           f"{cols['zs_avg']}, {cols['flag']}, {cols['parameter']} FROM {q(Reading._meta.db_table)} "
           f"WHERE {cols['point_id']} = %s AND {cols['kind']} = %s AND {cols['time']} >= %s "
           f"AND {cols['time']} < %s ORDER BY {cols['time']}, {cols['parameter']}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [point_id, kind, times.param(start), times.param(end)])
        return cursor.fetchall()


def from_store(times: RawTimes, kind: str, rows: list[store.Row]) -> list[tuple[Any, ...]]:
    """``fetch``'s rows from the read API (a compacted day): the same columns, values and order."""
    out = []
    for r in rows:
        low, high = r.min, r.max
        if kind == "minute":  # NULLIF(min, avg), NULLIF(max, avg)
            low = None if low is not None and r.avg is not None and low == r.avg else low
            high = None if high is not None and r.avg is not None and high == r.avg else high
        out.append((times.raw(r.time), r.avg, low, high, r.cou, r.zs_avg, r.flag, r.parameter))
    return out


def fetch_many(times: RawTimes, ids: list[int], kind: str, start: dt.datetime, end: dt.datetime
                ) -> dict[int, list[tuple[Any, ...]]]:
    """``fetch`` for several points at once (the bulk recompute's hourly and daily uploads)."""
    if not ids:
        return {}
    q = connection.ops.quote_name
    cols = {f.attname: q(f.column) for f in Reading._meta.concrete_fields}
    when = times.select(cols["time"])
    sql = (f"SELECT {cols['point_id']}, {when}, {cols['avg']}, {cols['min']}, {cols['max']}, {cols['cou']}, "  # noqa: S608 - names from _meta
           f"{cols['zs_avg']}, {cols['flag']}, {cols['parameter']} FROM {q(Reading._meta.db_table)} "
           f"WHERE {cols['point_id']} IN ({', '.join(['%s'] * len(ids))}) AND {cols['kind']} = %s "
           f"AND {cols['time']} >= %s AND {cols['time']} < %s ORDER BY {cols['time']}, {cols['parameter']}")
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, kind, times.param(start), times.param(end)])
        for row in cursor.fetchall():
            out[row[0]].append(row[1:])
    return out
