"""Readings with and without the surrogate id, side by side (issue 16, item 5).

    .venv/bin/python bench/surrogate_id.py                               # SQLite (a file in a temp dir)
    bin/with-postgres .venv/bin/python bench/surrogate_id.py             # PostgreSQL 15 (a scratch database)
    .venv/bin/python bench/surrogate_id.py --points 10 --rt-points 4     # a quick look

Two tables shaped like monitoring's ``Reading`` for each data set:

* **id**: the table as the migrations make it. SQLite: ``id integer PRIMARY KEY AUTOINCREMENT`` (the
  rowid) and ``UNIQUE (point_id, kind, time, parameter)`` (an index repeating the four key columns);
  PostgreSQL: ``PARTITION BY RANGE (time)`` by local month with a DEFAULT partition,
  ``PRIMARY KEY (id, time)`` and the same UNIQUE constraint (``monitoring.partitions.PARTITIONED_TABLE``).
* **key**: no id. SQLite: a ``WITHOUT ROWID`` table whose PRIMARY KEY is (point_id, kind, time,
  parameter), so the rows live in the key's B-tree; PostgreSQL: the same partitioned table with
  ``PRIMARY KEY (point_id, kind, time, parameter)`` (the partition key ``time`` is in it) instead of
  the id and the UNIQUE constraint. The Django model of this table has a ``CompositePrimaryKey``.

Both have the foreign key to a points table and the Reading's 15 columns. The same rows go into both, in
the same batches and alternating which table goes first, through the ingest's own statement
(``qingyuan.core.upsert.Upsert`` with the ingest's conflict key and DO UPDATE list, as
``qingyuan.ingest.process`` builds it: an executemany on SQLite, ``INSERT ... SELECT * FROM unnest(...)
ON CONFLICT`` on PostgreSQL), one transaction per batch of --batch packets (the gateway's group commit):

* **hours**: hour and day readings (the rows that stay narrow forever) of --points gas points over
  --days days, 7 parameters with the simulator's column pattern (3 with corrected values), in time
  order: each hour, every point's hour packet;
* **real-time**: real-time readings every 30 s of --rt-points points over --rt-days days, in time order.

It prints per table: bytes on disk per reading (table + indexes, as loaded: nothing vacuumed, since the
real table never is), the insert rate (rows/s of wall time, and CPU per row: the bench's own process,
plus on PostgreSQL the server backend's from /proc when it runs on this machine), and the read of one
point-year of hourly values (ORM ``values_list``, as bench/storage.py reads it) and one point-day of
real-time values: p50/p95 wall and CPU p50 over --runs runs. Wall times depend on the machine's load
(printed); compare the two tables of one run with each other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from timing import Timing, timed  # noqa: E402

KEY = ("point_id", "kind", "time", "parameter")
COLUMNS = ("point_id", "kind", "time", "parameter", "rtd", "avg", "min", "max", "cou",
           "zs_rtd", "zs_avg", "zs_min", "zs_max", "flag", "eflag")
POINTS_TABLE = "bench_sid_point"
# The simulator's gas outlet (qingyuan.simulator.packets): parameter, base value, which statistics it has.
# "zs": corrected values too; "cou": a total.
GAS = (("a21026", 37.5, "zs cou"), ("a21002", 95.1, "zs cou"), ("a34013", 10.9, "zs cou"), ("a19001", 8.7, ""),
       ("a01012", 103.0, ""), ("a01011", 11.45, ""), ("a00000", 18.9, "cou"))
TICK = os.sysconf("SC_CLK_TCK")


def scratch_database() -> str:
    """Point DATABASE_URL at a database this bench may fill: a temp SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        path = Path(tempfile.mkdtemp(prefix="qingyuan-sid-")) / "sid.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return str(path)
    import psycopg

    base, _, _ = url.rpartition("/")
    name = "qingyuan_surrogate_bench"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    return name


# -- tables --------------------------------------------------------------------------------
def sqlite_ddl(table: str, with_id: bool) -> list[str]:
    """Django's DDL for Reading (``manage.py sqlmigrate monitoring 0001``), renamed; or WITHOUT ROWID."""
    cols = ('"kind" varchar(8) NOT NULL, "time" datetime NOT NULL, "parameter" varchar(16) NOT NULL, '
            '"rtd" real NULL, "avg" real NULL, "min" real NULL, "max" real NULL, "cou" real NULL, '
            '"zs_rtd" real NULL, "zs_avg" real NULL, "zs_min" real NULL, "zs_max" real NULL, '
            '"flag" varchar(4) NOT NULL, "eflag" varchar(8) NOT NULL, '
            f'"point_id" bigint NOT NULL REFERENCES "{POINTS_TABLE}" ("id") DEFERRABLE INITIALLY DEFERRED')
    if with_id:
        return [f'CREATE TABLE "{table}" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, {cols}, '
                f'CONSTRAINT "{table}_key" UNIQUE ("point_id", "kind", "time", "parameter"))']
    return [f'CREATE TABLE "{table}" ({cols}, PRIMARY KEY ("point_id", "kind", "time", "parameter")) WITHOUT ROWID']


def postgres_ddl(table: str, with_id: bool, months: list[dt.date]) -> list[str]:
    """monitoring.partitions.PARTITIONED_TABLE renamed (with id), or with the key as primary key; monthly
    partitions by local month and a DEFAULT one, as migration 0002 and the worker make them."""
    from qingyuan.monitoring.partitions import PARTITIONED_TABLE, bounds

    sql = PARTITIONED_TABLE.replace('"monitoring_reading_key"', f'"{table}_key"').replace(
        "monitoring_reading", table).replace('"enterprises_monitoringpoint"', f'"{POINTS_TABLE}"')
    assert f'"{table}_key"' in sql and POINTS_TABLE in sql
    if not with_id:
        sql = sql.replace('    "id" bigint GENERATED BY DEFAULT AS IDENTITY,\n', "").replace(
            'PRIMARY KEY ("id", "time"),\n', "").replace(
            f'CONSTRAINT "{table}_key" UNIQUE', f'CONSTRAINT "{table}_key" PRIMARY KEY')
        assert "IDENTITY" not in sql and '("id", "time")' not in sql
    out = [sql, f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT']
    for first in months:
        start, end = bounds(first)
        out.append(f"CREATE TABLE \"{table}_p{first:%Y_%m}\" PARTITION OF \"{table}\" "
                   f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')")
    return out


def bench_model(name: str, table: str, with_id: bool):  # type: ignore[no-untyped-def]
    """An unmanaged model of the table, with Reading's fields (the key table: a CompositePrimaryKey)."""
    from django.db import models

    from qingyuan.monitoring.models import Reading

    attrs: dict[str, object] = {"__module__": __name__, "Meta": type("Meta", (), {
        "app_label": "monitoring", "db_table": table, "managed": False})}
    if with_id:
        attrs["id"] = models.BigAutoField(primary_key=True)
    else:
        attrs["pk"] = models.CompositePrimaryKey(*KEY)
    attrs["point_id"] = models.BigIntegerField()
    for field in Reading._meta.concrete_fields:
        if field.attname not in ("id", "point_id"):
            attrs[field.name] = field.clone()
    return type(name, (models.Model,), attrs)


# -- rows ----------------------------------------------------------------------------------
def hour_rows(points: list[int], first: dt.datetime, days: int):  # type: ignore[no-untyped-def]
    """Per batch-sized step: every point's hour packet of each hour (and day packet at midnight)."""
    for h in range(days * 24):
        when = first + dt.timedelta(hours=h)
        rows = []
        for pid in points:
            rows += packet_rows(pid, "hour", when, h)
            if h % 24 == 0:
                rows += packet_rows(pid, "day", when, h)
        yield rows


def realtime_rows(points: list[int], first: dt.datetime, days: int):  # type: ignore[no-untyped-def]
    for s in range(days * 2880):
        when = first + dt.timedelta(seconds=30 * s)
        rows = []
        for pid in points:
            rows += packet_rows(pid, "realtime", when, s)
        yield rows


def packet_rows(pid: int, kind: str, when: dt.datetime, k: int) -> list[tuple[object, ...]]:
    rows = []
    for j, (code, base, has) in enumerate(GAS):
        v = round(base * (1 + ((k * 7919 + j * 104729 + pid * 31) % 1001 - 500) / 10_000), 2)
        zs = "zs" in has
        if kind == "realtime":
            rows.append((pid, kind, when, code, v, None, None, None, None, round(v * 0.98, 2) if zs else None,
                         None, None, None, "N", ""))
        else:
            lo, hi = round(v * 0.97, 2), round(v * 1.03, 2)
            cou = round(v * 0.068, 4) if "cou" in has else None
            rows.append((pid, kind, when, code, None, v, lo, hi, cou, None,
                         *((round(v * 0.98, 2), round(lo * 0.98, 2), round(hi * 0.98, 2)) if zs else (None,) * 3),
                         "N", ""))
    return rows


def batches(steps, packets: int):  # type: ignore[no-untyped-def]
    """The steps' rows regrouped into batches of ``packets`` packets (7 rows each)."""
    pending: list[tuple[object, ...]] = []
    for rows in steps:
        pending += rows
        while len(pending) >= packets * len(GAS):
            yield pending[:packets * len(GAS)]
            pending = pending[packets * len(GAS):]
    if pending:
        yield pending


# -- measuring -----------------------------------------------------------------------------
class Table:
    def __init__(self, label: str, model, with_id: bool) -> None:  # type: ignore[no-untyped-def]
        from qingyuan.core.upsert import Upsert

        self.label, self.model, self.with_id = label, model, with_id
        self.upsert = Upsert(model, COLUMNS, key=KEY, update=COLUMNS[4:])  # what ingest.process builds
        self.rows, self.wall, self.cpu, self.server_ticks = 0, 0.0, 0.0, 0


def backend_ticks(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def load(tables: list[Table], steps, packets: int, backend: int | None) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    for n, batch in enumerate(batches(steps, packets)):
        for t in tables if n % 2 == 0 else tables[::-1]:  # alternate who goes first
            ticks, w, c = backend_ticks(backend), time.perf_counter(), time.process_time()
            with transaction.atomic():
                t.upsert.run(batch)
            t.wall += time.perf_counter() - w
            t.cpu += time.process_time() - c
            t.server_ticks += backend_ticks(backend) - ticks
            t.rows += len(batch)


def sizes(table: str) -> tuple[int, int]:
    """(table bytes, index bytes) on disk as loaded."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, type FROM sqlite_master WHERE tbl_name = %s", [table])
            kinds = dict(cursor.fetchall())
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            by_name = dict(cursor.fetchall())
            data = sum(by_name.get(n, 0) for n, k in kinds.items() if k == "table")
            return data, sum(by_name.get(n, 0) for n, k in kinds.items() if k == "index")
        cursor.execute("SELECT COALESCE(SUM(pg_table_size(inhrelid)), 0), COALESCE(SUM(pg_indexes_size(inhrelid)), 0)"
                       " FROM pg_inherits WHERE inhparent = %s::regclass", [table])
        data, indexes = cursor.fetchone()
        return int(data), int(indexes)


def report(tables: list[Table], backend: int | None) -> None:
    base = None
    for t in tables:
        data, indexes = sizes(t.model._meta.db_table)
        per = (data + indexes) / t.rows
        base = base or per
        server = (f", server backend {t.server_ticks / TICK / t.rows * 1e6:.1f} µs" if backend else "")
        print(f"  {t.label:8} {per:6.1f} B/reading (table {data / t.rows:.1f}, indexes {indexes / t.rows:.1f})"
              f"{'' if per == base else f' = {per / base:.0%} of id'}; insert {t.rows / t.wall:,.0f} rows/s wall, "
              f"CPU per row: bench process {t.cpu / t.rows * 1e6:.1f} µs{server}")


def read_checks(tables: list[Table], point: int, kind: str, start: dt.datetime, end: dt.datetime, runs: int,
                label: str, backend: int | None) -> None:
    counts = set()
    results: dict[str, list[Timing]] = {}
    server: dict[str, int] = {}
    for _ in range(2):  # alternate, so both see the same load
        for t in tables:
            def read(t: Table = t) -> None:
                rows = list(t.model.objects.filter(point_id=point, kind=kind, time__gte=start, time__lt=end)
                            .values_list("time", "parameter", "avg" if kind != "realtime" else "rtd", "flag"))
                counts.add(len(rows))
            ticks = backend_ticks(backend)
            results.setdefault(t.label, []).append(timed(read, max(1, runs // 2)))
            server[t.label] = server.get(t.label, 0) + backend_ticks(backend) - ticks
    assert len(counts) == 1, counts
    for t in tables:
        runs_of = results[t.label]
        p50 = statistics.mean(r.wall.p50 for r in runs_of)
        p95 = max(r.wall.p95 for r in runs_of)
        cpu = statistics.mean(r.cpu.p50 for r in runs_of)
        mean_server = server[t.label] / TICK * 1000 / (2 * max(1, runs // 2))
        print(f"  read {label} ({counts.copy().pop():,} rows), {t.label:8} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
              f"(CPU p50 {cpu:5.1f} ms{f', server backend mean {mean_server:.1f} ms' if backend else ''})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=100, help="points with hour/day readings")
    parser.add_argument("--days", type=int, default=365, help="days of hour/day readings")
    parser.add_argument("--rt-points", type=int, default=20, help="points with real-time readings")
    parser.add_argument("--rt-days", type=int, default=2, help="days of real-time readings (every 30 s)")
    parser.add_argument("--batch", type=int, default=500, help="packets per transaction (the gateway's batch)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    where = scratch_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")
    import django

    django.setup()
    from django.db import connection

    from qingyuan.monitoring.partitions import next_month

    zone = dt.timezone(dt.timedelta(hours=8))
    first_day = dt.date(2025, 3, 1)
    months = [first_day]
    while months[-1] < first_day + dt.timedelta(days=args.days + 1):
        months.append(next_month(months[-1]))
    backend = None
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f'CREATE TABLE "{POINTS_TABLE}" ("id" integer NOT NULL PRIMARY KEY)')
            version = f"SQLite {connection.Database.sqlite_version}"
        else:
            cursor.execute(f'CREATE TABLE "{POINTS_TABLE}" ("id" bigint NOT NULL PRIMARY KEY)')
            cursor.execute("SELECT pg_backend_pid(), version()")
            backend, version = cursor.fetchone()
            version = " ".join(version.split()[:2])
            if not Path(f"/proc/{backend}").exists():
                backend = None  # the server runs elsewhere: no server CPU
        cursor.executemany(f'INSERT INTO "{POINTS_TABLE}" ("id") VALUES (%s)',  # noqa: S608 - a constant name
                           [(i,) for i in range(1, max(args.points, args.rt_points) + 1)])
        sets = {}
        for dataset in ("hours", "realtime"):
            pair = []
            for variant, with_id in (("id", True), ("key", False)):
                table = f"bench_sid_{dataset}_{variant}"
                ddl = (sqlite_ddl(table, with_id) if connection.vendor == "sqlite"
                       else postgres_ddl(table, with_id, months))
                for statement in ddl:
                    cursor.execute(statement)
                model = bench_model(f"Sid{dataset.title()}{variant.title()}", table, with_id)
                pair.append(Table(variant, model, with_id))
            sets[dataset] = pair
    print(f"bench/surrogate_id.py on {version} ({where}), {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; batches of {args.batch} packets")
    start = dt.datetime.combine(first_day, dt.time(), zone).astimezone(dt.UTC)
    points = list(range(1, args.points + 1))
    t0 = time.perf_counter()
    load(sets["hours"], hour_rows(points, start, args.days), args.batch, backend)
    print(f"hour and day readings: {args.points} points x {args.days} days x 7 parameters "
          f"({sets['hours'][0].rows:,} rows per table, loaded in {time.perf_counter() - t0:.0f} s); "
          f"load average now {os.getloadavg()[0]:.1f}")
    report(sets["hours"], backend)
    read_checks(sets["hours"], points[len(points) // 2], "hour", start, start + dt.timedelta(days=min(365, args.days)),
                args.runs, "one point-year of hourly values", backend)
    t0 = time.perf_counter()
    rt_points = list(range(1, args.rt_points + 1))
    load(sets["realtime"], realtime_rows(rt_points, start, args.rt_days), args.batch, backend)
    print(f"real-time readings: {args.rt_points} points x {args.rt_days} days, every 30 s, 7 parameters "
          f"({sets['realtime'][0].rows:,} rows per table, loaded in {time.perf_counter() - t0:.0f} s); "
          f"load average now {os.getloadavg()[0]:.1f}")
    report(sets["realtime"], backend)
    read_checks(sets["realtime"], rt_points[0], "realtime", start, start + dt.timedelta(days=1), args.runs,
                "one point-day of real-time values", backend)
    connection.close()
    if connection.vendor == "sqlite":
        shutil.rmtree(Path(where).parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
