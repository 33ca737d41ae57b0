"""Bytes on disk per stored reading, read times and compaction rate, before and after compaction (issue 16).

    .venv/bin/python bench/storage.py                                  # SQLite (a file in a temp dir)
    bin/with-postgres .venv/bin/python bench/storage.py                # PostgreSQL (a throwaway test database)
    .venv/bin/python bench/storage.py --points 20 --days 7 --realtime-s 30 --minute-min 10

Targets (issue 16 "Benchmarks"):
* bytes on disk per stored reading after compaction, raw evidence and indexes included: <= 40 B
  (312 B before issue 16);
* read time of one point's hourly values over a year (all 7 parameters, ~61,000
  readings), and of one day's minute values from a
  compacted day: < 50 ms each (p50 and p95 of --runs runs, wall and CPU: the machine may be loaded);
* compaction rate: a year of a 100-point county within an hour.

A county-sized sample is built through the real ingest path: the simulator's gas-outlet frames
(real-time every --realtime-s seconds, minute data every --minute-min minutes, hourly and daily
uploads; 7 parameters), decoded and handed to ``qingyuan.ingest.process.process_packets`` in
batches as the gateway's group commit does, each received a few seconds after its data time, so
readings and raw packets are stored exactly as the gateway stores them. One more point gets a
year of hourly uploads for the hourly read. Then every day is closed (compaction is run "a year
later"): readings are compacted (``monitoring.compaction``) and, when importable, raw packets too
(``monitoring.evidence_blocks.compact_packets``). Sizes: SQLite, the file after VACUUM and each
table and index from ``dbstat``; PostgreSQL, ``pg_total_relation_size`` of the tables (the readings
partitions summed) after VACUUM FULL. Nothing is written to the configured database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from timing import timed  # noqa: E402

from qingyuan.gateway.sink import Received  # noqa: E402
from qingyuan.hj212 import Decoder, Packet  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
TABLES = {"readings": ("monitoring_reading",), "raw packets": ("monitoring_rawpacket",),
          "reading blocks": ("monitoring_readingblock",), "packet blocks": ("monitoring_packetblock",)}


def make_points(n: int) -> list:
    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet
    from qingyuan.org.models import Park

    park = Park.objects.create(name="bench", code="bench", county="bench")
    enterprise = Enterprise.objects.create(
        park=park, name="bench", credit_code=make("91361123BENCH0001"), legal_representative="-",
        industry="C26", address="-", risk_class="general")
    outlet = Outlet.objects.create(enterprise=enterprise, medium="gas", code="DA001", name="-")
    return list(MonitoringPoint.objects.bulk_create(
        MonitoringPoint(park=park, outlet=outlet, name=f"P{i}", mn=f"BENCH{i:019d}", password="123456", st="31")
        for i in range(n)))


def received(data: bytes, data_time: dt.datetime) -> Received:
    decoder = Decoder()
    decoder.receive_data(data)
    packet = decoder.next_event()
    assert isinstance(packet, Packet)
    return Received(packet, "127.0.0.1:40000", data_time.replace(tzinfo=ZONE).timestamp() + 3, 1)


def uploads(point, first: dt.date, days: int, realtime_s: int, minute_min: int, *, only_hours: bool = False):
    """(data time, frame) of one device's uploads over ``days`` days, in time order."""
    from qingyuan.simulator.packets import Builder, DeviceSpec

    b = Builder(DeviceSpec(mn=point.mn, password=point.password, st="31", medium="gas",
                           rtd_interval=realtime_s, min_interval=minute_min))
    start = dt.datetime.combine(first, dt.time())
    for s in range(0, days * 86400, realtime_s if not only_hours else 3600):
        when = start + dt.timedelta(seconds=s)
        if not only_hours:
            yield from ((when, u.data) for u in b.realtime(when))
            if s % (minute_min * 60) == 0:
                yield from ((when, u.data) for u in b.minute(when))
        if s % 3600 == 0:
            yield from ((when, u.data) for u in b.hour(when))
        if s % 86400 == 0:
            yield from ((when, u.data) for u in b.day(when))


def ingest(streams: list, batch: int = 500) -> tuple[int, float]:
    from qingyuan.ingest.process import process_packets

    packets, spent = 0, 0.0
    iters = [iter(s) for s in streams]
    pending: list[Received] = []
    while iters:
        for it in list(iters):
            try:
                when, data = next(it)
            except StopIteration:
                iters.remove(it)
                continue
            pending.append(received(data, when))
        if len(pending) >= batch or (not iters and pending):
            t0 = time.perf_counter()
            process_packets(pending)
            spent += time.perf_counter() - t0
            packets += len(pending)
            pending = []
    return packets, spent


def sizes() -> dict[str, int]:
    """Bytes on disk of each group of tables, their indexes included."""
    out = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type IN ('table', 'index')")
            owner = dict((name, tbl) for tbl, name in cursor.fetchall())
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            by_table: dict[str, int] = {}
            for name, size in cursor.fetchall():
                by_table[owner.get(name, name)] = by_table.get(owner.get(name, name), 0) + size
            for label, tables in TABLES.items():
                out[label] = sum(by_table.get(t, 0) for t in tables)
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            out["file"] = pages * cursor.fetchone()[0]
        else:
            for label, tables in TABLES.items():
                total = 0
                for t in tables:
                    cursor.execute(f'VACUUM FULL "{t}"') if t != "monitoring_reading" else None
                    cursor.execute("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                                   "WHERE c.oid = %s::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits "
                                   "WHERE inhparent = %s::regclass)", [t, t])
                    total += int(cursor.fetchone()[0])
                out[label] = total
            cursor.execute("SELECT pg_database_size(current_database())")
            out["file"] = int(cursor.fetchone()[0])
    return out


def vacuum_partitions() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'monitoring_reading'::regclass")
        for (name,) in cursor.fetchall():
            cursor.execute(f"VACUUM FULL {name}")


def report(label: str, s: dict[str, int], readings: int) -> None:
    total = sum(v for k, v in s.items() if k != "file")
    parts = ", ".join(f"{k} {v / readings:.1f}" for k, v in s.items() if k != "file" and v)
    print(f"  {label:18} {total / readings:7.1f} B/reading  ({parts}; whole database {s['file'] / 2**20:.1f} MiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--realtime-s", type=int, default=30)
    parser.add_argument("--minute-min", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from throwaway import throwaway_database

    with throwaway_database("storage"):
        run(args)
    return 0


def run(args: argparse.Namespace) -> None:
    import qingyuan.ingest.process as process
    from qingyuan.monitoring import compaction, store
    from qingyuan.monitoring.models import Reading, ReadingBlock

    process.readings_committed = lambda *a, **k: None  # storage only: no quality/alarm evaluation
    where = (f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite" else "PostgreSQL")
    print(f"bench/storage.py on {where}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}: "
          f"{args.points} gas points x {args.days} days, real-time every {args.realtime_s} s, minute data every "
          f"{args.minute_min} min, hourly and daily uploads (7 parameters); + 1 point with a year of hourly uploads")
    points = make_points(args.points + 1)
    year_point, points = points[-1], points[:-1]
    first = dt.date(2025, 3, 1)
    packets, spent = ingest([uploads(p, first, args.days, args.realtime_s, args.minute_min) for p in points])
    readings = Reading.objects.count()
    compactable = Reading.objects.filter(kind__in=compaction.KINDS).count()
    print(f"  ingested {packets:,} packets, {readings:,} readings ({compactable:,} real-time/minute) "
          f"at {packets / spent:,.0f} packets/s")
    vacuum_partitions()
    report("before compaction", sizes(), readings)

    later = dt.datetime.combine(first + dt.timedelta(days=400), dt.time(), ZONE)
    w, c = time.perf_counter(), time.process_time()
    totals = compaction.compact_due(now=later)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    try:
        from qingyuan.monitoring.evidence_blocks import compact_packets, due_days
    except ImportError:
        print("  (monitoring.evidence_blocks not importable: raw packets stay narrow)")
    else:
        t0 = time.perf_counter()
        pairs = due_days(now=later)
        for point_id, day in pairs:
            compact_packets(point_id, day, now=later)
        print(f"  evidence: {len(pairs)} (point, day) packet blocks in {time.perf_counter() - t0:.1f} s")
    vacuum_partitions()
    report("after compaction", sizes(), readings)
    per_point_day = compactable / (args.points * args.days)
    year = per_point_day * 365 * 100
    print(f"  compaction: {totals.blocks} blocks, {totals.readings:,} readings in {wall:.1f} s wall / {cpu:.1f} s CPU"
          f" = {totals.readings / wall:,.0f} readings/s ({totals.readings / cpu:,.0f}/s CPU); a year of a 100-point "
          f"county ({year / 1e6:,.0f} M readings at {per_point_day:,.0f} per point-day) compacts in "
          f"{year / (totals.readings / wall) / 60:,.0f} min (one process; {year / (totals.readings / cpu) / 60:,.0f} "
          f"min of CPU)")
    for kind in compaction.KINDS:
        blocks = ReadingBlock.objects.filter(kind=kind)
        n = sum(b.count for b in blocks)
        if n:
            print(f"  {kind} blocks: {sum(len(b.data) for b in blocks) / n:.2f} B of data per reading")

    ingest([uploads(year_point, first - dt.timedelta(days=365), 365, 0, 0, only_hours=True)])  # not in the sizes
    from qingyuan.monitoring import hour_series

    t0 = time.perf_counter()
    built = 0
    while step := hour_series.build_due(now=later):
        built += step
    print(f"  hour blocks: {built} built for the year point in {time.perf_counter() - t0:.1f} s")
    pid = points[0].pk
    day = dt.datetime.combine(first + dt.timedelta(days=1), dt.time(), ZONE)
    year_end = dt.datetime.combine(first, dt.time(), ZONE)

    def hourly_year() -> None:
        rows = list(Reading.objects.filter(point_id=year_point.pk, kind="hour", time__gte=year_end - dt.timedelta(
            days=365), time__lt=year_end).values_list("time", "parameter", "avg", "flag"))
        assert len(rows) > 8000

    def hourly_year_raw() -> None:
        from qingyuan.quality.fetch import RawTimes, fetch

        rows = fetch(RawTimes(), year_point.pk, "hour", year_end - dt.timedelta(days=365), year_end)
        assert len(rows) > 8000

    def hourly_year_store() -> None:
        rows = store.narrow_values(year_point.pk, "hour", year_end - dt.timedelta(days=365), year_end)
        assert len(rows) > 8000

    def hourly_year_series() -> None:
        values = hour_series.read(year_point.pk, "hour", year_end - dt.timedelta(days=365), year_end)
        assert len(values.times) > 8000

    def hourly_year_one() -> None:
        rows = list(Reading.objects.filter(point_id=year_point.pk, kind="hour", parameter="a21026",
                                           time__gte=year_end - dt.timedelta(days=365), time__lt=year_end)
                    .values_list("time", "avg", "flag"))
        assert len(rows) > 8000

    def minute_day() -> None:
        store._cache.clear()  # decode every time: no warm cache
        assert store.rows(pid, "minute", day, day + dt.timedelta(days=1))

    def realtime_day() -> None:
        store._cache.clear()
        assert store.rows(pid, "realtime", day, day + dt.timedelta(days=1))

    for label, fn in (("hourly values, 1 point x 1 year (ORM)", hourly_year),
                      ("the same, raw rows (quality.fetch)", hourly_year_raw),
                      ("the same, store.narrow_values", hourly_year_store),
                      ("the same, hour_series.read (pages/API)", hourly_year_series),
                      ("one parameter's hourly values, 1 year (ORM)", hourly_year_one),
                      ("minute values, 1 compacted day", minute_day),
                      ("real-time values, 1 compacted day", realtime_day)):
        t = timed(fn, args.runs)
        print(f"  read {label:44} p50 {t.wall.p50:6.1f} ms  p95 {t.wall.p95:6.1f} ms  (CPU p50 {t.cpu.p50:5.1f} ms)")


if __name__ == "__main__":
    sys.exit(main())
