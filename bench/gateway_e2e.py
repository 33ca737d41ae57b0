"""End-to-end gateway benchmark: simulated devices -> gateway (subprocess) -> sink.

    .venv/bin/python bench/gateway_e2e.py                              # Django sink on SQLite: max rate, then half
    bin/with-postgres .venv/bin/python bench/gateway_e2e.py            # Django sink on PostgreSQL
    .venv/bin/python bench/gateway_e2e.py --rate 3000                  # a fixed rate only
    .venv/bin/python bench/gateway_e2e.py --sink sqlite                # the protocol alone (reference sink)

200 devices pipeline real-time (2011) and minute (2051) uploads with A=1 over
loopback, half water (6 factors), half gas (7 factors, 3 with corrected
values): frames the simulator builds, each re-stamped with its own QN and a
DataTime that moves on per device, so every packet is new data. The figures
count packets committed by the sink AND acknowledged (the 9014 came back), per
second, with the acknowledgement latency (send -> 9014) at p50/p99, and the
load generator's own CPU use (it shares the machine).

The default sink is the product's: ``qingyuan.ingest`` (raw packet, one reading
per factor, device state, alarm evaluation after the commit) on the database of
``DATABASE_URL`` (a throwaway SQLite file when unset). The 9014s go out when a
batch commits; the alarm evaluation that follows in the sink thread is timed in
the gateway process and reported per phase (commit → alarms stored, and how much
of the sink thread's time it took). Its raw-insert line is
the physical limit: the same rows (raw packets, readings, device states) of the
same packets written with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in
transactions of the gateway's batch size, without network, protocol or ORM.
``--sink sqlite`` runs the gateway on its reference sink (one row per packet,
standard library only), whose raw-insert line is that row alone.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from device_load import Load  # noqa: E402
from timing import percentile  # noqa: E402

from qingyuan.gateway.tests.sqlite_sink import INSERT_PACKET, SCHEMA, SqliteSink  # noqa: E402
from qingyuan.gateway.tests.support import PW, mn_of  # noqa: E402
from qingyuan.hj212.encoder import frame  # noqa: E402

NUMBER_RE = re.compile(r"(?<==)(-?\d+(?:\.\d+)?)")


# -- server side ---------------------------------------------------------------------
def django_sink_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("qingyuan.ingest.sink") is not None
    except ImportError:
        return False


def serve(args: argparse.Namespace) -> int:
    from qingyuan.gateway.run import main

    if args.sink == "django":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")
        import django

        django.setup()
        from qingyuan.ingest.sink import DjangoSink

        evaluations = time_evaluations()
        code = main(DjangoSink)
        if args.evaluations:
            with open(args.evaluations, "w", encoding="utf-8") as out:
                json.dump(evaluations, out)
        return code
    return main(lambda: SqliteSink(args.db, synchronous=args.sync))


def time_evaluations() -> list[tuple[float, float]]:
    """(end time, seconds) of every alarm evaluation the sink runs after a commit.

    The evaluation is ``quality.queue``'s on-commit callback: it starts when the batch has
    committed (the acknowledgements are already on their way) and ends when the alarms
    are stored, so its duration is the commit → alarm latency inside the gateway.
    """
    from qingyuan.quality import queue

    timings: list[tuple[float, float]] = []
    original = queue._after_commit

    def timed(readings, touched_id):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            original(readings, touched_id)
        finally:
            timings.append((time.time(), time.perf_counter() - t0))

    queue._after_commit = timed  # type: ignore[assignment]
    return timings


def report_evaluations(path: str, phases: list[tuple[str, float, float]]) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            timings = json.load(f)
    except (OSError, ValueError):
        return
    for label, begun, ended in phases:
        seconds = sorted(d for at, d in timings if begun <= at <= ended)
        if seconds:
            print(f"  {label}: alarm evaluation after the commit (not waited for by the 9014): "
                  f"{len(seconds):,} batches, commit → alarms stored p50 {percentile(seconds, 50) * 1000:.1f} ms, "
                  f"p99 {percentile(seconds, 99) * 1000:.1f} ms, max {seconds[-1] * 1000:.1f} ms; "
                  f"{sum(seconds):.1f} s of the sink thread's time in {ended - begun:.0f} s")


def prepare_django(devices: int, tmp: str) -> None:
    """A throwaway database with one monitoring point per simulated device.

    SQLite in the temp dir unless ``DATABASE_URL`` is set (point it at a scratch
    PostgreSQL database: the bench writes into it).
    """
    os.environ.setdefault("DATABASE_URL", "sqlite:///" + os.path.join(tmp, "django.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet
    from qingyuan.org.models import Park

    park = Park.objects.create(name="gateway bench", code="gwbench", county="bench")
    enterprise = Enterprise.objects.create(
        park=park, name="gateway bench", credit_code=make("91361123GWBENCH01"), legal_representative="-",
        industry="C26", address="-", risk_class="general")
    water = Outlet.objects.create(enterprise=enterprise, medium="water", code="DW001", name="-")
    gas = Outlet.objects.create(enterprise=enterprise, medium="gas", code="DA001", name="-")
    points = MonitoringPoint.objects.bulk_create(
        MonitoringPoint(park=park, outlet=gas if i % 2 else water, name=f"GW{i}", mn=mn_of(i), password=PW,
                        st=DeviceTemplates.st(i))
        for i in range(devices))
    from qingyuan.monitoring.models import DeviceSetup
    from qingyuan.monitoring.partitions import ensure_partitions

    # The first-connection setup commands (1012, 1000, ...) are one-off traffic the load generator
    # would not answer; the bench measures the data path.
    DeviceSetup.objects.bulk_create(DeviceSetup(point=p, enabled=False) for p in points)
    ensure_partitions()
    from django.db import connection

    connection.close()


class DeviceTemplates:
    """Per device, a real-time and a minute upload built by the simulator, re-stamped per packet.

    Re-stamping replaces the 17-digit QN (unique over the whole run: the acknowledgements are
    matched by it), the DataTime (one step per packet and kind, so every packet is new data:
    30 s for real-time, 1 min for minute data) and every value (within ±2.5 % of the
    simulator's, so no series looks stuck to the alarm rules), and computes the CRC again.
    """

    START = (dt.datetime.now() - dt.timedelta(days=2)).replace(second=0, microsecond=0)
    STEP = {"2011": dt.timedelta(seconds=30), "2051": dt.timedelta(minutes=1)}

    def __init__(self, devices: int) -> None:
        from qingyuan.simulator.packets import Builder, DeviceSpec

        self.segments: list[dict[str, tuple[str, list[str], list[float]]]] = []
        for i in range(devices):
            medium = "gas" if i % 2 else "water"
            builder = Builder(DeviceSpec(mn=mn_of(i), password=PW, st=self.st(i), medium=medium))
            kinds = {"2011": builder.realtime(self.START)[0].data, "2051": builder.minute(self.START)[0].data}
            self.segments.append({cn: self._split(data) for cn, data in kinds.items()})
        self.sent: dict[tuple[int, str], int] = {}

    @staticmethod
    def st(device: int) -> str:
        return "31" if device % 2 else "32"

    @staticmethod
    def _split(data: bytes) -> tuple[str, list[str], list[float]]:
        """The segment ``QN=…<a>DataTime=…<b>`` as ``<a>DataTime=``, the text pieces of ``<b>``
        around its numbers, and the numbers."""
        segment = data[6:-6].decode()
        assert segment.startswith("QN=")
        head, _, rest = segment[segment.index(";"):].partition("DataTime=")
        parts = NUMBER_RE.split(rest[14:])
        return head + "DataTime=", parts[0::2], [float(v) for v in parts[1::2]]

    def build(self, device: int, cn: str, qn: str) -> bytes:
        k = self.sent.get((device, cn), 0)
        self.sent[(device, cn)] = k + 1
        when = self.START + self.STEP[cn] * k
        head, texts, values = self.segments[device][cn]
        out = [f"QN={qn}{head}{when:%Y%m%d%H%M%S}"]
        for j, value in enumerate(values):
            jitter = 1 + ((k * 7919 + j * 104729) % 1001 - 500) / 20_000
            out += (texts[j], f"{value * jitter:.3f}")
        out.append(texts[-1])
        return frame("".join(out))


def start_gateway(args: argparse.Namespace, log_path: str) -> tuple[subprocess.Popen[bytes], int]:
    env = dict(os.environ, QINGYUAN_GATEWAY_HOST="127.0.0.1", QINGYUAN_GATEWAY_PORT="0",
               QINGYUAN_GATEWAY_MAX_PER_IP="100000", QINGYUAN_GATEWAY_LOG_LEVEL="INFO")
    cmd = [sys.executable, os.path.abspath(__file__), "--serve", "--sink", args.sink, "--db", args.db,
           "--sync", args.sync, "--evaluations", args.evaluations]
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        text = open(log_path, "rb").read()
        found = re.findall(rb"gateway listening on [^\s:]+:(\d+)", text)
        if found:
            return proc, int(found[-1])
        time.sleep(0.05)
    proc.wait(10)
    sys.stdout.write(open(log_path, encoding="utf-8", errors="replace").read()[-2000:])
    raise SystemExit(1)


def report(label: str, rate: float, load: Load) -> None:
    latencies = load.latencies
    print(f"{label}: {rate:,.0f} packets/s committed+acknowledged, ack latency "
          f"p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms "
          f"({len(latencies):,} acks; load generator {load.load_cpu:.0%} of a core)")


def raw_insert_limit(rows: int, sync: str, templates: DeviceTemplates, batch: int = 500) -> float:
    """The reference sink's rows by executemany, in transactions of the gateway's batch size."""
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(os.path.join(tmp, "raw.sqlite3"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={sync}")
        db.executescript(SCHEMA)
        now = time.time()
        data = []
        for n in range(rows):
            qn = f"3{n:016d}"
            raw = templates.build(n % len(templates.segments), "2051" if n % 2 else "2011", qn)
            data.append((mn_of(n % len(templates.segments)), "2051" if n % 2 else "2011", qn, 0, qn, raw, "127.0.0.1:1", now, 1))
        t0 = time.perf_counter()
        for start in range(0, rows, batch):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(INSERT_PACKET, data[start:start + batch])
            db.execute("COMMIT")
        elapsed = time.perf_counter() - t0
        db.close()
    return rows / elapsed


def django_raw_insert_limit(templates: DeviceTemplates, first_qn: int, packets: int, batch: int = 500,
                            ) -> tuple[float, int]:  # fmt: skip
    """Packets/s (and rows) writing what the Django sink writes for ``packets`` new packets, physically.

    The rows come from ``process_packets`` itself (its writes captured, not run); they
    are then written into the same tables with ``executemany`` of a plain INSERT
    (SQLite) or ``COPY`` (PostgreSQL), one transaction per ``batch`` packets. Raw
    packets and readings: the device-state upserts (one row per device and batch) are
    left out.
    """
    from django.db import connection, transaction

    from qingyuan.gateway.sink import Received
    from qingyuan.hj212 import Decoder, Packet
    from qingyuan.ingest import process
    from qingyuan.ingest.rows import Insert, _preparer
    from qingyuan.monitoring.models import RawPacket, Reading

    load = Load(0, len(templates.segments), 0, first_qn, templates)
    captured: list[process._Work] = []
    write = process._Batch._write
    process._Batch._write = lambda self: captured.append(self.work)  # type: ignore[method-assign]
    try:
        for start in range(0, packets, batch):
            chunk = []
            for n in range(start, min(packets, start + batch)):
                decoder = Decoder()
                decoder.receive_data(load.packet(n % len(templates.segments))[1])
                packet = decoder.next_event()
                assert isinstance(packet, Packet)
                chunk.append(Received(packet, "127.0.0.1:1", time.time(), 1))
            process.process_packets(chunk)
    finally:
        process._Batch._write = write  # type: ignore[method-assign]
    tables = [(RawPacket, process.RAW_COLUMNS, [w.raw for w in captured]),
              (Reading, process.READING_COLUMNS, [list(w.readings.values()) for w in captured])]
    rows = sum(len(r) for _, _, per_batch in tables for r in per_batch)
    if connection.vendor == "postgresql":
        elapsed = _copy_batches(connection, transaction, tables)
    else:
        statements = []
        for model, columns, per_batch in tables:
            insert = Insert(model, columns)
            preps = [(i, prep) for i, prep in enumerate(_preparer(f) for f in insert.fields) if prep is not None]
            ready = [[_prepared(row, preps) for row in batch_rows] for batch_rows in per_batch]
            statements.append((insert.sql.replace("%s", "?"), ready))
        db = connection.connection
        t0 = time.perf_counter()
        for k in range(len(captured)):
            db.execute("BEGIN IMMEDIATE")
            for sql, ready in statements:
                db.executemany(sql, ready[k])
            db.execute("COMMIT")
        elapsed = time.perf_counter() - t0
    return packets / elapsed, rows


def _prepared(row: tuple[object, ...], preps: list[tuple[int, object]]) -> list[object]:
    values = list(row)
    for i, prep in preps:
        if values[i] is not None:
            values[i] = prep(values[i])  # type: ignore[operator]
    return values


def _copy_batches(connection, transaction, tables) -> float:  # type: ignore[no-untyped-def]
    from psycopg.types.json import Jsonb

    q = connection.ops.quote_name
    copies = []
    for model, columns, per_batch in tables:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        names = ", ".join(q(fields[c].column) for c in columns)
        json_at = [i for i, c in enumerate(columns) if fields[c].get_internal_type() == "JSONField"]
        ready = []
        for batch_rows in per_batch:
            out = []
            for row in batch_rows:
                values = list(row)
                for i in json_at:
                    values[i] = Jsonb(values[i]) if values[i] is not None else None
                out.append(values)
            ready.append(out)
        copies.append((f"COPY {q(model._meta.db_table)} ({names}) FROM STDIN", ready))
    connection.ensure_connection()
    t0 = time.perf_counter()
    for k in range(len(copies[0][1])):
        with transaction.atomic(), connection.connection.cursor() as cursor:
            for sql, ready in copies:
                with cursor.copy(sql) as copy:
                    for values in ready[k]:
                        copy.write_row(values)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sink", choices=["sqlite", "django"], default="django")
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="seconds of load before the clock starts (connections, sessions, first batches)")
    parser.add_argument("--window", type=int, default=64, help="unacknowledged packets per device")
    parser.add_argument("--rate", type=float, default=None, help="total packets/s (default: max, then half)")
    parser.add_argument("--sync", default="FULL", choices=["OFF", "NORMAL", "FULL"], help="SQLite synchronous")
    parser.add_argument("--db", default="")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--evaluations", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args)

    tmp = tempfile.mkdtemp(prefix="qingyuan-bench-")
    args.db = args.db or os.path.join(tmp, "gateway.sqlite3")
    args.evaluations = os.path.join(tmp, "evaluations.json")
    phases: list[tuple[str, float, float]] = []
    if args.sink == "sqlite":
        setup = SqliteSink(args.db)
        setup.add_devices([(mn_of(i), PW) for i in range(args.devices)])
        setup.close()
    elif not django_sink_available():
        print("django sink not available yet")
        return 0
    else:
        prepare_django(args.devices, tmp)
    templates = DeviceTemplates(args.devices)
    proc, port = start_gateway(args, os.path.join(tmp, "gateway.log"))
    where = f"synchronous={args.sync}" if args.sink == "sqlite" else os.environ["DATABASE_URL"].partition(":")[0]
    print(f"gateway pid {proc.pid} on port {port}, sink {args.sink} ({where}), "
          f"{args.devices} devices, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    max_rate = None
    try:
        first_qn = 0
        if args.rate is None:
            load = Load(port, args.devices, args.window, first_qn, templates)
            load.prebuild(int(15_000 * (args.seconds + args.warmup + 1)))
            begun = time.time()
            max_rate, _ = asyncio.run(load.run(args.seconds, None, args.warmup))
            phases.append(("max rate", begun, time.time()))
            report("max rate", max_rate, load)
            first_qn = load.next_qn
            args.rate = max_rate / 2
        load = Load(port, args.devices, 10**6, first_qn, templates)
        load.prebuild(int(args.rate * (args.seconds + args.warmup + 1)))
        begun = time.time()
        achieved, _ = asyncio.run(load.run(args.seconds, args.rate, args.warmup))
        phases.append((f"fixed rate {args.rate:,.0f}/s", begun, time.time()))
        report(f"fixed rate {args.rate:,.0f}/s", achieved, load)
        first_qn = load.next_qn
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
    print(f"gateway exit code {code}")
    report_evaluations(args.evaluations, phases)
    if args.sink == "sqlite":
        with sqlite3.connect(args.db) as db:
            (stored,) = db.execute("SELECT count(*) FROM packets").fetchone()
        print(f"rows committed: {stored:,}")
        limit = raw_insert_limit(50_000, args.sync, templates)
        print(f"raw-insert limit (executemany, batches of 500, synchronous={args.sync}): {limit:,.0f} rows/s")
        if max_rate is not None:
            print(f"gateway max rate = {max_rate / limit:.0%} of the raw-insert limit")
    else:
        from qingyuan.monitoring.models import RawPacket, Reading

        print(f"rows committed: {RawPacket.objects.count():,} raw packets, {Reading.objects.count():,} readings")
        limit, rows = django_raw_insert_limit(templates, first_qn + 10**6, 50_000)
        how = "COPY" if os.environ["DATABASE_URL"].startswith("postgres") else "executemany"
        print(f"raw-insert limit (the same raw packets and readings by {how}, batches of 500): "
              f"{limit:,.0f} packets/s ({rows:,} rows)")
        if max_rate is not None:
            print(f"gateway max rate = {max_rate / limit:.0%} of the raw-insert limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
