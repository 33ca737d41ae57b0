"""Alarm evaluation latency: from the commit of an ingest batch to its alarms being stored.

    .venv/bin/python bench/alarms.py                                   # SQLite (a WAL file in a temp dir)
    bin/with-postgres .venv/bin/python bench/alarms.py                 # PostgreSQL
    .venv/bin/python bench/alarms.py --rate 5000 --seconds 20 --points 500 --batch 250

Minute uploads (2051) of ``--points`` water outlets, 6 parameters each, are
built and decoded first, then handed to ``process_packets`` in batches (as the
gateway's group commit does), paced at ``--rate`` packets per second. About 2 %
of the packets carry an anomaly — an instrument fault (D), over range (T), a
negative value, an hourly value above the daily permit limit — and 1 % of the
points send a constant value, so alarms are created and extended all along.

``process_packets`` commits and, in the same thread right after the commit, the
alarm engine evaluates the batch (``quality.queue`` on-commit callback). In the
gateway the acknowledgements of the batch are sent before that evaluation starts
(``process_packets(committed=...)``, docs/gateway-behavior.md): this latency is
no longer part of what a device waits for. The
bench times each batch from the start of that callback (the commit) to its end
(the alarms written and committed) and prints p50/p99/max, the rate achieved
(ingest + evaluation), what the batches cost, and the CPU time per reading of
``readings_committed``, of judging the readings (``engine.batch_findings``) and of
the whole on-commit evaluation (judging plus storing the alarms).
A throwaway test database is created and destroyed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from timing import percentile  # noqa: E402

LOCAL = dt.timezone(dt.timedelta(hours=8))
CODES = [("w01018", 45.0), ("w21003", 4.0), ("w21011", 0.6), ("w21001", 14.0), ("w01001", 7.3), ("w00000", 6.0)]


def make_points(n: int) -> list[object]:
    from decimal import Decimal

    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet, Permit, PermitLimit
    from qingyuan.org.models import Park

    park = Park.objects.create(name="bench", code="bench", county="bench")
    enterprise = Enterprise.objects.create(
        park=park, name="bench", credit_code=make("91361123BENCHALM0"), legal_representative="-",
        industry="C26", address="-", risk_class="general")
    permit = Permit.objects.create(enterprise=enterprise, number="BENCH", issuer="-",
                                   valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2040, 1, 1))
    points = []
    for i in range(n):
        outlet = Outlet.objects.create(enterprise=enterprise, medium="water", code=f"DW{i:04d}", name="-")
        PermitLimit.objects.create(permit=permit, outlet=outlet, pollutant_code="w01018", unit="mg/L",
                                   concentration_limit=Decimal("100"), standard_ref="GB 8978-1996 表4 grade1")
        points.append(MonitoringPoint.objects.create(park=park, outlet=outlet, name=f"P{i}",
                                                     mn=f"BENCHALM{i:016d}", password="123456", st="32"))
    return points


def packet(point, n: int, when: dt.datetime) -> object:  # type: ignore[no-untyped-def]
    from qingyuan.gateway.sink import Received
    from qingyuan.hj212 import Decoder, Packet, build_packet

    noise = zlib.crc32(f"{point.pk}|{n}".encode())
    constant = point.pk % 100 == 0
    cn = "2051"
    parts = [f"DataTime={when.astimezone(LOCAL):%Y%m%d%H%M%S}"]
    for k, (code, base) in enumerate(CODES):
        value = base if constant else round(base * (1 + ((noise >> k) % 100 - 50) / 500), 3)
        flag = "N"
        if k == 0 and noise % 100 == 1:
            flag = "D"
        elif k == 1 and noise % 100 == 2:
            flag = "T"
        elif k == 2 and noise % 200 == 3:
            value = -0.2
        parts.append(f"{code}-Avg={value},{code}-Flag={flag}")
    if noise % 100 == 4:  # an hourly upload above the daily limit
        cn = "2061"
        parts = [f"DataTime={when.astimezone(LOCAL).replace(minute=0):%Y%m%d%H%M%S}", "w01018-Avg=150,w01018-Flag=N"]
    data = build_packet(st="32", cn=cn, pw=point.password, mn=point.mn, cp=";".join(parts),
                        qn=f"{when.astimezone(LOCAL):%Y%m%d%H%M%S}{n % 1000:03d}", flag=5)
    decoder = Decoder()
    decoder.receive_data(data)
    event = decoder.next_event()
    assert isinstance(event, Packet)
    return Received(event, "127.0.0.1:40000", time.time(), 1)


def _engine_loop(stop) -> None:  # type: ignore[no-untyped-def]
    """The forked alarm_engine: the same loop as ``manage.py alarm_engine``."""
    from django.db import connections

    from qingyuan.alarms.management.commands.alarm_engine import evaluate_now
    from qingyuan.core import worker

    connections.close_all()  # never share the parent's connection
    worker.run_forever([worker.Step("alarms.evaluate", evaluate_now)], idle_seconds=0.05, stop=stop)


def start_engine():  # type: ignore[no-untyped-def]
    import multiprocessing
    import threading

    from django.conf import settings
    from django.db import connections

    settings.QINGYUAN_QUALITY = {"evaluate_on_commit": False}
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    proc = ctx.Process(target=lambda: _engine_loop(_ThreadEvent(stop, threading)), daemon=True)
    proc.start()
    return proc, stop


class _ThreadEvent:
    """A multiprocessing Event with the ``wait``/``is_set``/``set`` a worker loop uses."""

    def __init__(self, event, threading):  # type: ignore[no-untyped-def]
        self.event = event

    def is_set(self) -> bool:
        return self.event.is_set()

    def set(self) -> None:
        self.event.set()

    def wait(self, timeout: float) -> bool:
        return self.event.wait(timeout)


def engine_latencies(engine) -> list[float]:  # type: ignore[no-untyped-def]
    """Wait for the engine to finish, stop it, and read commit → evaluated per batch from the queue table."""
    from qingyuan.quality.models import Touched

    proc, stop = engine
    deadline = time.monotonic() + 120
    while Touched.objects.filter(evaluated_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    proc.join(10)
    return [(e - c).total_seconds() for c, e in Touched.objects.values_list("created_at", "evaluated_at")
            if e is not None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--rate", type=float, default=5000.0, help="packets per second offered")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=250, help="packets per process_packets call")
    parser.add_argument("--no-evaluation", action="store_true",
                        help="ingest only (no batch listeners): what the evaluation costs ingest")
    parser.add_argument("--engine", choices=["inline", "process"], default="inline",
                        help="inline: evaluate on commit in the ingesting thread (the default setting); "
                        "process: evaluate_on_commit off, a separate alarm_engine process polling every 50 ms")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="qingyuan-bench-")
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}),
                                            "NAME": os.path.join(tmp, "alarms.sqlite3")}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from qingyuan.alarms.models import Alarm
        from qingyuan.ingest.process import process_packets
        from qingyuan.quality import queue

        where = (f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite"
                 else "PostgreSQL")
        if connection.vendor == "postgresql":
            from qingyuan.monitoring import partitions

            partitions.ensure_partitions(today=dt.date(2026, 3, 1), ahead=1)
        points = make_points(args.points)
        total = int(args.rate * args.seconds)
        start = dt.datetime(2026, 3, 2, 0, 0, tzinfo=LOCAL)
        t0 = time.perf_counter()
        packets = [packet(points[i % len(points)], i, start + dt.timedelta(minutes=10 * (i // len(points))))
                   for i in range(total)]
        batches = [packets[i:i + args.batch] for i in range(0, total, args.batch)]
        print(f"alarm latency bench on {where}, {os.cpu_count()} CPUs: {total:,} minute packets of {args.points} "
              f"points offered at {args.rate:,.0f}/s in batches of {args.batch} (built in "
              f"{time.perf_counter() - t0:.1f} s)")

        import qingyuan.ingest.process as process
        from qingyuan.alarms import engine as alarm_engine

        latencies: list[float] = []
        # CPU seconds per batch: readings_committed, judging (engine.batch_findings), the whole evaluation
        # (judging + storing the alarms + marking the batch evaluated), and the readings judged.
        cpu: list[list[float]] = []
        original = queue._after_commit
        original_committed = process.readings_committed
        original_findings = alarm_engine.batch_findings

        def committed(columns, rows):  # type: ignore[no-untyped-def]
            cpu0 = time.process_time()
            original_committed(columns, rows)
            cpu.append([time.process_time() - cpu0, 0.0, 0.0, 0])

        def judged(readings, **kwargs):  # type: ignore[no-untyped-def]
            cpu0 = time.process_time()
            found = original_findings(readings, **kwargs)
            cpu[-1][1] += time.process_time() - cpu0
            return found

        def timed(readings, touched_ids):  # type: ignore[no-untyped-def]
            begun, cpu0 = time.perf_counter(), time.process_time()
            original(readings, touched_ids)
            latencies.append(time.perf_counter() - begun)
            cpu[-1][2] += time.process_time() - cpu0
            cpu[-1][3] += len(readings)

        process.readings_committed = committed
        alarm_engine.batch_findings = judged
        queue._after_commit = timed  # type: ignore[assignment]
        process.readings_committed = committed
        if args.no_evaluation:
            queue._batch_listeners.clear()
        engine = None
        if args.engine == "process":
            engine = start_engine()
        ingest: list[float] = []
        began = time.perf_counter()
        for i, batch in enumerate(batches):
            due = began + i * args.batch / args.rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            b0 = time.perf_counter()
            process_packets(batch)
            ingest.append(time.perf_counter() - b0)
        elapsed = time.perf_counter() - began
        queue._after_commit = original  # type: ignore[assignment]
        process.readings_committed = original_committed
        alarm_engine.batch_findings = original_findings
        if engine is not None:
            latencies = engine_latencies(engine)

        if args.no_evaluation:
            print(f"  ingest only: {total / elapsed:,.0f} packets/s over {elapsed:.1f} s "
                  f"(process_packets p50 {statistics.median(ingest) * 1000:.0f} ms per batch)")
            return 0
        ms = sorted(x * 1000 for x in latencies)
        p99 = percentile(ms, 99)
        counts = dict(Alarm.objects.values_list("kind").annotate(n=django.db.models.Count("id")).order_by())
        print(f"  achieved {total / elapsed:,.0f} packets/s over {elapsed:.1f} s "
              f"(process_packets incl. evaluation: p50 {statistics.median(ingest) * 1000:.0f} ms per batch)")
        print(f"  commit → alarms stored: p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms "
              f"over {len(ms)} batches (target p99 < 1000 ms)")
        print(f"  first batch (histories read from the database): {latencies[0] * 1000:.1f} ms")
        warm = -(-args.points // args.batch)  # the first batches read each point's histories from the database
        later = cpu[warm:]
        n = sum(c[3] for c in later)
        if n:
            per = 1e6 / n
            print(f"  CPU per reading after the first {warm} batch(es): readings_committed {sum(c[0] for c in later) * per:.2f} µs, "
                  f"judging (engine.batch_findings) {sum(c[1] for c in later) * per:.2f} µs, whole on-commit "
                  f"evaluation incl. storing alarms {sum(c[2] for c in later) * per:.2f} µs ({n:,} readings)")
        print(f"  alarms: {sum(counts.values())} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
