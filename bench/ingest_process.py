"""Throughput of ``qingyuan.ingest.process_packets``: packets and reading rows per second.

    .venv/bin/python bench/ingest_process.py                      # SQLite (a WAL file in a temp dir)
    DATABASE_URL=postgres://... .venv/bin/python bench/ingest_process.py   # PostgreSQL (a test database)
    .venv/bin/python bench/ingest_process.py --points 200 --batches 40 --batch 500

The packets are realistic minute uploads (2051) of gas outlets built by the
simulator: 7 parameters with Min/Avg/Max/Cou/Zs values, already decoded (the
decoder has its own benchmark), handed to ``process_packets`` in batches as the
gateway's group commit does. Three passes: new packets (readings upserted, raw
packets, device state, one forwarding upstream's outbox), the same packets again
(all DUPLICATE: the cost of a retransmission storm), and new packets without
an upstream. A throwaway test database is created and destroyed; nothing is
written to the configured database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from storage import make_points  # noqa: E402
from timing import Timing  # noqa: E402

from qingyuan.gateway.sink import Received  # noqa: E402
from qingyuan.hj212 import Decoder, Packet  # noqa: E402


def make_batches(points: list, batches: int, size: int, start: dt.datetime) -> list[list[Received]]:
    from qingyuan.simulator.packets import Builder, DeviceSpec

    builders = [Builder(DeviceSpec(mn=p.mn, password=p.password, st="31", medium="gas")) for p in points]
    out, n = [], 0
    for _ in range(batches):
        batch = []
        for _ in range(size):
            builder = builders[n % len(builders)]
            when = start + dt.timedelta(minutes=10 * (n // len(builders)))
            data = builder.minute(when)[0].data
            decoder = Decoder()
            decoder.receive_data(data)
            packet = decoder.next_event()
            assert isinstance(packet, Packet)
            batch.append(Received(packet, "127.0.0.1:40000", time.time(), 1))
            n += 1
        out.append(batch)
    return out


def run(label: str, batches: list[list[Received]]) -> None:
    from qingyuan.ingest.process import process_packets

    timing, queries, verdicts = Timing(), [], set()
    for batch in batches:
        with CaptureQueriesContext(connection) as ctx, timing.measure():
            outcomes = process_packets(batch)
        queries.append(len(ctx.captured_queries))
        verdicts |= {o.verdict.value for o in outcomes}
    packets = sum(len(b) for b in batches)
    readings = sum(len(r.packet.cp.params) for b in batches for r in b)
    total = timing.wall.total / 1000
    print(f"  {label:34} {packets / total:9,.0f} packets/s  {readings / total:9,.0f} reading rows/s  "
          f"batch p50 {timing.wall.p50:6.1f} ms  {max(queries)} queries/batch  "
          f"({'/'.join(sorted(verdicts))})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--batch", type=int, default=500, help="packets per process_packets call")
    parser.add_argument("--storage-only", action="store_true",
                        help="leave out the hook that hands committed readings to quality/alarms")
    parser.add_argument("--without-hour-triggers", action="store_true",
                        help="drop monitoring 0009's hour-block triggers first: their cost on ingest, by difference")
    args = parser.parse_args()
    if args.storage_only:
        import qingyuan.ingest.process as process

        process.readings_committed = lambda *a, **k: None  # type: ignore[attr-defined]

    from throwaway import throwaway_database

    with throwaway_database("ingest"):
        passes(args)
    return 0


def passes(args: argparse.Namespace) -> None:
    """The three passes in a throwaway database."""
    from qingyuan.monitoring.models import Reading, Upstream

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            where = f"SQLite {connection.Database.sqlite_version} (journal_mode={mode}, synchronous={cursor.fetchone()[0]})"
        else:
            cursor.execute("SHOW server_version")
            where = f"PostgreSQL {cursor.fetchone()[0]} (monthly partitions)"
    if args.without_hour_triggers:
        with connection.cursor() as cursor:
            for op in ("ins", "upd", "del"):
                cursor.execute(f"DROP TRIGGER IF EXISTS monitoring_hourblock_{op}"
                               + ("" if connection.vendor == "sqlite" else " ON monitoring_reading"))
        where += ", without the hour-block triggers"
    points = make_points(args.points)
    print(f"process_packets on {where}: {args.batches} batches of {args.batch} minute packets "
          f"(7 parameters each) from {args.points} points, {os.cpu_count()} CPUs"
          f"{', storage only (no quality/alarm hook)' if args.storage_only else ''}")
    start = dt.datetime(2026, 11, 1)
    first = make_batches(points, args.batches, args.batch, start)
    Upstream.objects.create(name="province", host="127.0.0.1", port=9)
    run("new packets (+1 upstream outbox)", first)
    run("the same packets again", first)
    Upstream.objects.all().delete()
    later = start + dt.timedelta(days=30)
    run("new packets, no upstream", make_batches(points, args.batches, args.batch, later))
    print(f"  reading rows stored: {Reading.objects.count():,}")


if __name__ == "__main__":
    sys.exit(main())
