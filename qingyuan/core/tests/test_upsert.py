"""``core.upsert.Upsert``: the one bulk write behind ingest's rows and quality's aggregates.

Runs on SQLite and, with ``bin/with-postgres``, on PostgreSQL (there both the unnest and the COPY
path are exercised: ``COPY_ABOVE`` is lowered for the second).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.core import upsert
from qingyuan.core.upsert import Upsert
from qingyuan.ingest.rows import Insert
from qingyuan.quality.models import KpiDaily

COLUMNS = ("point_id", "day", "parameter", "expected", "excluded", "received", "valid", "computed_at")
KEY = ("point_id", "day", "parameter")
AT = dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)
FIRST = dt.date(2026, 1, 1)


def rows(point_id, n, received=24, at=AT):
    return [(point_id, FIRST + dt.timedelta(days=i), "w01018", 24, 0, received, received - 1, at) for i in range(n)]


def stored(point_id):
    return list(KpiDaily.objects.filter(point_id=point_id).order_by("day").values_list(*COLUMNS[1:]))


@pytest.fixture(params=["one statement", "copy"])
def path(request, monkeypatch):
    if request.param == "copy":
        if connection.vendor != "postgresql":
            pytest.skip("COPY is PostgreSQL's path")
        monkeypatch.setattr(upsert, "COPY_ABOVE", 1)
    return request.param


def test_it_inserts_the_rows_with_their_dates_and_times_as_the_orm_reads_them(world, path):
    pk = world.point_a.pk
    assert Upsert(KpiDaily, COLUMNS, KEY).run(rows(pk, 3)) == 3
    got = stored(pk)
    assert [r[0] for r in got] == [FIRST, FIRST + dt.timedelta(days=1), FIRST + dt.timedelta(days=2)]
    assert got[0][1:] == ("w01018", 24, 0, 24, 23, AT)


def test_it_updates_every_column_but_the_key_on_conflict(world, path):
    pk = world.point_a.pk
    Upsert(KpiDaily, COLUMNS, KEY).run(rows(pk, 3))
    later = AT + dt.timedelta(hours=5)
    Upsert(KpiDaily, COLUMNS, KEY).run(rows(pk, 2, received=20, at=later))
    got = stored(pk)
    assert len(got) == 3
    assert [(r[4], r[5], r[6]) for r in got] == [(20, 19, later), (20, 19, later), (24, 23, AT)]


def test_it_does_nothing_on_conflict_when_asked_and_keeps_the_stored_row(world, path):
    pk = world.point_a.pk
    Upsert(KpiDaily, COLUMNS, KEY).run(rows(pk, 1))
    Insert(KpiDaily, COLUMNS, conflict=KEY).run(rows(pk, 2, received=5))  # ingest's default: DO NOTHING
    assert [r[4] for r in stored(pk)] == [24, 5]


def test_it_sets_columns_by_an_sql_expression(world, path):
    pk = world.point_a.pk
    Upsert(KpiDaily, COLUMNS, KEY).run(rows(pk, 1, received=10))
    table = KpiDaily._meta.db_table
    adding = Upsert(KpiDaily, COLUMNS, KEY, update={"received": f"{table}.received + excluded.received"})
    adding.run(rows(pk, 1, received=4))
    assert stored(pk)[0][4] == 14


def test_it_writes_a_batch_in_one_statement_whatever_its_size(world):
    """The gateway's batch (thousands of readings) is one round trip, not one per row or per 999 parameters."""
    pk = world.point_a.pk
    with CaptureQueriesContext(connection) as ctx:
        Upsert(KpiDaily, COLUMNS, KEY).run(rows(pk, 2000))
    writes = [q for q in ctx.captured_queries if f'INSERT INTO "{KpiDaily._meta.db_table}"' in q["sql"]]
    assert len(writes) == 1
    assert KpiDaily.objects.filter(point_id=pk).count() == 2000


def test_it_refuses_a_column_the_model_does_not_have():
    with pytest.raises(ValueError, match="no columns"):
        Upsert(KpiDaily, ("point_id", "nonsense"), KEY)
