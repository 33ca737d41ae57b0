"""Compaction rate of readings (issue 16): µs of CPU per reading, one and N processes, and packets.

    .venv/bin/python bench/compaction.py                              # SQLite (a file in a temp dir)
    bin/with-postgres .venv/bin/python bench/compaction.py            # PostgreSQL (a throwaway test database)
    .venv/bin/python bench/compaction.py --points 4 --days 2 --runs 3 --processes 1 2 --profile

The data comes in through the real ingest path (``bench/storage.py``'s simulator frames: 7 gas
parameters, real-time every --realtime-s s, minute data every --minute-min min, hourly and daily
uploads, handed to ``process_packets``), so the narrow rows are the gateway's. Their real-time and
minute rows are copied aside once; before each run the blocks are dropped and the narrow rows put
back (same ids), so every run compacts the same backlog.

Each run prints wall time, the CPU of the Python process(es) and, on PostgreSQL, the CPU of the
server backends (the postmaster's reaped children plus the bench's own backend), µs per reading,
and the minutes a year of a 100-point county (773 M readings with the defaults) would take.
``--processes N`` runs ``manage.py compact --processes N`` (N child processes) against the bench
database; its CPU is the children's (``RUSAGE_CHILDREN``). Packets (evidence blocks) are a separate
pass: measured last, once, in µs per packet. Wall times mean something only on a quiet machine:
the load average is printed with every figure.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
FIRST = dt.date(2025, 3, 1)
LATER = dt.datetime.combine(FIRST + dt.timedelta(days=400), dt.time(), ZONE)
SNAPSHOT = "bench_compaction_narrow"
YEAR_POINTS = 100


def load() -> str:
    return "load average " + "/".join(f"{x:.1f}" for x in os.getloadavg())


def server_cpu() -> float:
    """CPU seconds of the PostgreSQL server: the postmaster's reaped children and this backend (0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    try:
        own = stat(backend)
        parent = stat(int(own[1]))
    except (OSError, IndexError, ValueError):
        return 0.0
    # fields after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
    return (sum(int(x) for x in own[11:13]) + sum(int(x) for x in parent[13:15])) / tick


def snapshot(copies: int, days: int) -> int:
    """Copy the narrow real-time/minute rows aside; with ``copies``, first add that many copies of them
    shifted by ``days`` days each (the same interleaving on the pages, a bigger backlog: cheap)."""
    from qingyuan.monitoring.compaction import KINDS
    from qingyuan.monitoring.models import Reading

    kinds = ", ".join(f"'{k}'" for k in KINDS)
    names = [f.column for f in Reading._meta.concrete_fields if f.column != "id"]
    with connection.cursor() as cursor:
        if copies:
            cursor.execute(f"CREATE TABLE {SNAPSHOT}_0 AS SELECT * FROM monitoring_reading WHERE kind IN ({kinds})")  # noqa: S608
        for c in range(1, copies + 1):
            shift = (f"datetime(time, '+{c * days} days')" if connection.vendor == "sqlite"
                     else f"time + interval '{c * days} days'")
            select = ", ".join(shift if n == "time" else n for n in names)
            cursor.execute(f"INSERT INTO monitoring_reading ({', '.join(names)}) "  # noqa: S608
                           f"SELECT {select} FROM {SNAPSHOT}_0 ORDER BY id")
        if copies:
            cursor.execute(f"DROP TABLE {SNAPSHOT}_0")
        cursor.execute(f"CREATE TABLE {SNAPSHOT} AS SELECT * FROM monitoring_reading WHERE kind IN ({kinds})")  # noqa: S608
        cursor.execute(f"SELECT COUNT(*) FROM {SNAPSHOT}")  # noqa: S608
        return int(cursor.fetchone()[0])


def restore() -> None:
    """Blocks dropped, the narrow real-time/minute rows back as they were (same ids)."""
    from qingyuan.monitoring.compaction import KINDS

    kinds = ", ".join(f"'{k}'" for k in KINDS)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_readingblock")
        cursor.execute(f"DELETE FROM monitoring_reading WHERE kind IN ({kinds})")  # noqa: S608
        cursor.execute(f"INSERT INTO monitoring_reading SELECT * FROM {SNAPSHOT}")  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE monitoring_reading")
    from qingyuan.monitoring import store

    store._cache.clear()


def child_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def in_process(readings: int, profile: bool) -> tuple[float, float, float, int]:
    from qingyuan.monitoring import compaction

    restore()
    prof = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall
    s0, w, c = server_cpu(), time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    if hasattr(compaction, "compact_units"):  # as the backlog job does: a day's units of all points together
        totals = compaction.Totals()
        due = sorted(compaction.due_units(now=LATER), key=lambda u: (u[2], u[1], u[0]))
        compaction.compact_units(totals, due)
    else:  # the code before batching (to measure "before" in a worktree of an older commit)
        totals = compaction.compact_due(now=LATER)
    if prof:
        prof.disable()
    wall, cpu, srv = time.perf_counter() - w, time.process_time() - c, server_cpu() - s0
    if totals.readings != readings:
        raise SystemExit(f"compacted {totals.readings} readings, expected {readings}")
    if prof:
        phases(pstats.Stats(prof), readings)
    return wall, cpu, srv, totals.blocks


def phases(stats: pstats.Stats, readings: int) -> None:
    """CPU per reading of the phases of a compaction, from a profile (cProfile's own cost included)."""
    cum: dict[str, float] = {}
    for (path, _, name), (_, _, _, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        if path.endswith(("monitoring/compaction.py", "monitoring/codec.py")):
            cum[name] = cum.get(name, 0.0) + ct
    commit = sum(ct for (path, _, name), (_, _, _, ct, _) in stats.stats.items()  # type: ignore[attr-defined]
                 if name == "commit" and path.endswith("django/db/backends/base/base.py"))
    read = cum.get("_narrow", 0.0)
    encode = cum.get("encode", 0.0)
    apply = cum.get("_apply", 0.0)
    delete = cum.get("_delete", 0.0)
    rest = cum.get("compact_units", 0.0) - read - encode - apply - commit
    print("  profile (CPU µs per reading, profiler overhead included): "
          + ", ".join(f"{k} {v / readings * 1e6:.2f}" for k, v in (
              ("read narrow rows", read), ("encode", encode), ("delete", delete),
              ("block insert/update", apply - delete), ("commit", commit), ("the rest", rest))))


def processes(n: int, readings: int) -> tuple[float, float, float, float, float]:
    """Wall, CPU of the children, server CPU; then the wall and CPU of the same command with nothing due
    (Python and Django starting N + 1 processes, finding no work), to subtract."""
    restore()
    env = {**os.environ, "DATABASE_URL": child_url(), "DJANGO_SETTINGS_MODULE": "qingyuan.settings"}
    figures = []
    for _ in range(2):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        s0, w = server_cpu(), time.perf_counter()
        done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "compact", "--processes", str(n)],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - w
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        srv = server_cpu() - s0
        if done.returncode:
            raise SystemExit(f"compact --processes {n} failed: {done.stderr}")
        moved = sum(int(line.split(" readings compacted")[0].rsplit(" ", 1)[1])
                    for line in done.stdout.splitlines() if " readings compacted" in line)
        if moved != (readings if not figures else 0):
            raise SystemExit(f"compacted {moved} readings, expected {readings}: {done.stdout}")
        figures.append((wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), srv))
    (wall, cpu, srv), (idle_wall, idle_cpu, _) = figures
    return wall, cpu, srv, idle_wall, idle_cpu


def line(label: str, readings: int, year: float, wall: float, cpu: float, srv: float) -> None:
    us = cpu / readings * 1e6
    both = (cpu + srv) / readings * 1e6
    server = f" + server {srv / readings * 1e6:.2f} µs = {both:.2f} µs" if srv else ""
    print(f"  {label:24} {readings / wall:9,.0f} readings/s wall, {wall:6.2f} s wall, {cpu:6.2f} s CPU: "
          f"{us:.2f} µs CPU/reading{server}; a year of {YEAR_POINTS} points: {year * (wall / readings) / 60:,.0f} min "
          f"wall, {year * (cpu + srv) / readings / 60:,.0f} min of CPU  ({load()})")


def packets_pass(profile: bool = False) -> None:
    try:
        from qingyuan.monitoring.evidence_blocks import compact_packets, due_days
    except ImportError:
        return
    from qingyuan.monitoring.models import RawPacket

    count = RawPacket.objects.exclude(point=None).count()
    s0, w, c = server_cpu(), time.perf_counter(), time.process_time()
    prof = cProfile.Profile(time.process_time) if profile else None
    if prof:
        prof.enable()
    pairs = due_days(now=LATER)
    for point_id, day in pairs:
        compact_packets(point_id, day, now=LATER)
    if prof:
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    wall, cpu, srv = time.perf_counter() - w, time.process_time() - c, server_cpu() - s0
    left = RawPacket.objects.exclude(point=None).count()
    server = f" + server {srv / count * 1e6:.1f} µs" if srv else ""
    print(f"  packets (evidence):      {count:,} packets, {len(pairs)} blocks, {left} left narrow: {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU = {cpu / count * 1e6:.1f} µs CPU/packet{server}  ({load()})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=4)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--realtime-s", type=int, default=30)
    parser.add_argument("--minute-min", type=int, default=10)
    parser.add_argument("--copies", type=int, default=0,
                        help="add this many copies of the ingested days, shifted in time (a bigger backlog)")
    parser.add_argument("--runs", type=int, default=3, help="in-process runs (one process)")
    parser.add_argument("--processes", type=int, nargs="*", default=[1, 2],
                        help="also run `manage.py compact --processes N` for each N")
    parser.add_argument("--profile", action="store_true", help="cProfile one more in-process run")
    parser.add_argument("--no-packets", action="store_true")
    parser.add_argument("--only-packets", action="store_true", help="skip the readings")
    args = parser.parse_args()
    from throwaway import throwaway_database

    with throwaway_database("compaction"):
        run(args)
    return 0


def run(args: argparse.Namespace) -> None:
    from storage import ingest, make_points, uploads

    import qingyuan.ingest.process as process

    process.readings_committed = lambda *a, **k: None  # storage only: no quality/alarm evaluation
    where = (f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite" else "PostgreSQL")
    print(f"bench/compaction.py on {where}, {os.cpu_count()} CPUs: {args.points} gas points x {args.days} days, "
          f"real-time every {args.realtime_s} s, minute data every {args.minute_min} min (7 parameters)  ({load()})")
    points = make_points(args.points)
    ingest([uploads(p, FIRST, args.days, args.realtime_s, args.minute_min) for p in points])
    readings = snapshot(args.copies, args.days)
    per_point_day = readings / (args.points * args.days * (args.copies + 1))
    year = per_point_day * 365 * YEAR_POINTS
    print(f"  {readings:,} real-time/minute readings ({per_point_day:,.0f} per point-day; a year of {YEAR_POINTS} "
          f"points = {year / 1e6:,.0f} M)")
    for n in range(0 if args.only_packets else args.runs):
        wall, cpu, srv, blocks = in_process(readings, profile=False)
        line(f"one process, run {n + 1}", readings, year, wall, cpu, srv)
    if args.profile and not args.only_packets:
        in_process(readings, profile=True)
    for n in [] if args.only_packets else args.processes:
        wall, cpu, srv, idle_wall, idle_cpu = processes(n, readings)
        line(f"compact --processes {n}", readings, year, wall, cpu, srv)
        print(f"    (start-up with nothing due: {idle_wall:.2f} s wall, {idle_cpu:.2f} s CPU; without it:)")
        line("  net of start-up", readings, year, wall - idle_wall, cpu - idle_cpu, srv)
    if not args.no_packets:
        restore()
        packets_pass(args.profile)


if __name__ == "__main__":
    sys.exit(main())
