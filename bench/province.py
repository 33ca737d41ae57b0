"""Province benchmark: N simulated devices over G gateway processes into one PostgreSQL with a
streaming-replication hot standby.

    .venv/bin/python bench/province.py                                  # 5,000 devices, 4 gateways, 10 minutes
    .venv/bin/python bench/province.py --devices 500 --gateways 2 --minutes 1

It starts its own throwaway primary and standby on 127.0.0.1 from the PostgreSQL 15 binaries
(PGBIN; as ``postgres`` under root, like bin/with-postgres; fsync on, as in production unless
``--no-fsync``), the way docs/deployment.md's province setup does (``pg_basebackup -R -X stream``),
migrates the primary and creates one monitoring point per device, then starts G ``qingyuan``
gateway processes (the Django sink, each with its own port and QINGYUAN_GATEWAY_NAME). Devices are
those of bench/gateway_e2e.py (its frames, QNs and DataTimes, by import; the load loop is
bench/device_load.py's, shared with it): half water, half gas,
real-time and minute uploads alternating, device i on gateway i mod G, paced at the offered rate
(default: every device sends real-time data every 30 s and minute data every 60 s, N/20 packets/s).

Start-up (timed and printed stage by stage): the cluster, migrations, the N points (one bulk insert),
the device frames, the gateways; then every device connects and sends one first packet, and the run
waits until all of them are acknowledged (each gateway records a device session per connection:
N connections at once is a reconnect storm, printed as its own figure, not mixed into the measure).

It prints, over the measured minutes (after a warm-up):
- packets committed and acknowledged per second (a 9014 came back), against the offered rate;
- the acknowledgement latency (send -> 9014) p50/p99, target p99 < 250 ms;
- packets lost, counted from the database: the QNs the devices sent that have no stored raw packet
  on the primary (must be 0), the acknowledged ones among them (must be 0: a 9014 for nothing stored),
  readings missing against the factors of the stored packets, and the stored packets the standby
  has once it replayed the primary's last WAL position;
- the standby's replay lag (``pg_stat_replication.replay_lag`` sampled every 0.5 s): max and p95,
  target < 5 s;
- CPU of the gateways, the primary and the standby (from /proc/<pid>/stat, children included),
  in cores, and the machine's load average (the load generator shares the machine);
- what the primary's client backends were doing (pg_stat_activity sampled with the lag).

``--summary FILE`` writes the same figures as JSON. Exit status 1 when a packet was lost, not
acknowledged, not replicated, or a gateway did not exit cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from device_load import Load  # noqa: E402
from gateway_e2e import DeviceTemplates, prepare_django  # noqa: E402
from timing import percentile  # noqa: E402

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A primary and its streaming-replication standby under one temporary directory."""

    def __init__(self, fsync: bool) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="qingyuan-province-"))
        self.primary, self.standby = self.root / "primary", self.root / "standby"
        self.primary_port, self.standby_port = free_port(), free_port()
        self.fsync = fsync
        self.runas: list[str] = []
        if os.getuid() == 0:  # initdb refuses root
            if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self.root, "postgres")
            self.runas = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://qingyuan@127.0.0.1:{self.primary_port}/qingyuan"

    def run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self.runas, str(PGBIN / tool), *args], capture_output=True, text=True, timeout=300)
        if result.returncode:
            raise SystemExit(f"{tool} failed: {result.stderr[-2000:]}")

    def start(self) -> None:
        self.run("initdb", "-D", str(self.primary), "-U", "qingyuan", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        with (self.primary / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\nlisten_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\n"
                       "hot_standby = on\nmax_connections = 200\nshared_buffers = 256MB\n"
                       f"fsync = {'on' if self.fsync else 'off'}\n")
        with (self.primary / "pg_hba.conf").open("a", encoding="utf-8") as hba:
            hba.write("\nhost replication qingyuan 127.0.0.1/32 trust\n")
        self.pg_ctl(self.primary, self.primary_port, "primary")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "qingyuan", "qingyuan")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "qingyuan",
                 "-D", str(self.standby), "-R", "-X", "stream", "-c", "fast", "--no-sync", "--no-manifest")
        self.pg_ctl(self.standby, self.standby_port, "standby")

    def pg_ctl(self, data: Path, port: int, name: str) -> None:
        self.run("pg_ctl", "-D", str(data), "-l", str(self.root / f"{name}.log"), "-w",
                 "-o", f"-p {port} -k {self.root}", "start")

    def postmaster(self, data: Path) -> int:
        return int((data / "postmaster.pid").read_text().split()[0])

    def close(self) -> None:
        for data in (self.standby, self.primary):
            subprocess.run([*self.runas, str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                           capture_output=True, timeout=120)
        shutil.rmtree(self.root, ignore_errors=True)


# -- CPU from /proc --------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the 3rd (state) on


def tree_ticks(pid: int) -> int:
    """CPU ticks of a process and its live children, plus what its reaped children used."""
    fields = _stat(pid)
    if fields is None:
        return 0
    total = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            child = _stat(int(entry.name))
            if child is not None and child[1] == str(pid):
                total += int(child[11]) + int(child[12])
    return total


class Sampler(threading.Thread):
    """After the warm-up: CPU ticks of the processes at the start and end; every 0.5 s the standby's lag
    and what the primary's client backends are doing (active and waiting on what, or idle in transaction)."""

    def __init__(self, url: str, warmup: float, pids: dict[str, list[int]]) -> None:
        super().__init__(daemon=True)
        self.url, self.warmup, self.pids = url, warmup, pids
        self.stop = threading.Event()
        self.lags: list[float] = []
        self.cpu: dict[str, float] = {}
        self.states: collections.Counter[str] = collections.Counter()

    def ticks(self) -> dict[str, int]:
        return {name: sum(tree_ticks(p) for p in pids) for name, pids in self.pids.items()}

    def run(self) -> None:
        import psycopg

        if self.stop.wait(self.warmup):
            return
        t0, before = time.monotonic(), self.ticks()
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.5):
                row = conn.execute("SELECT coalesce(extract(epoch FROM max(replay_lag)), 0) FROM pg_stat_replication"
                                   ).fetchone()
                self.lags.append(float(row[0]))
                for (state,) in conn.execute(
                        "SELECT CASE WHEN state = 'active' THEN 'active: ' || coalesce(wait_event_type || ' '"
                        " || wait_event, 'on CPU') ELSE state END FROM pg_stat_activity"
                        " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"):
                    self.states[state] += 1
        elapsed, after = time.monotonic() - t0, self.ticks()
        self.cpu = {name: (after[name] - before[name]) / TICK / elapsed for name in before}


# -- load over several gateways --------------------------------------------------------------
class ProvinceLoad(Load):
    """device_load's devices, device i on gateway i mod G; keeps every QN it sends and its device."""

    def __init__(self, ports: list[int], *args: object) -> None:
        super().__init__(ports[0], *args)  # type: ignore[arg-type]
        self.ports = ports
        self.sent: list[bytes] = []
        self.device_of: dict[bytes, int] = {}
        self.startup = 0.0  # seconds from the first connection to every first packet acknowledged

    async def device(self, i: int, paced: bool) -> None:
        """Load.device for paced devices, waiting on one event instead of waking every 0.1 s (5,000
        devices would wake 50,000 times a second)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.ports[i % len(self.ports)])
        self.writers[i] = writer
        rest = b""
        try:
            while chunk := await reader.read(65536):
                rest, _ = self.acknowledged(rest, chunk, time.perf_counter())
        finally:
            writer.close()

    def _build(self, device: int) -> tuple[bytes, bytes]:
        qn, data = super()._build(device)
        self.device_of[qn] = device
        return qn, data

    async def pace(self, rate: float, period: float = 0.05, tick: float = 0.01) -> None:
        """The j-th packet of the run goes out at j/rate seconds from device j mod N: every device
        sends every N/rate seconds, the devices evenly staggered (Load.pace sends each
        device's packet at the same moment when a device sends less than once a second)."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        j = 0
        while not self.stop:
            due = int((loop.time() - start) * rate)
            while j < due:
                i = j % self.devices
                writer = self.writers.get(i)
                if writer is not None:
                    self._send(i, writer, 1)
                j += 1
            await asyncio.sleep(tick)

    def packet(self, device: int) -> tuple[bytes, bytes]:
        qn, data = super().packet(device)  # called once per packet sent
        self.sent.append(qn)
        return qn, data

    async def run(self, seconds: float, rate: float | None, warmup: float = 2.0, startup_timeout: float = 600.0,
                  ) -> tuple[float, float]:  # fmt: skip
        """Connect every device and send one packet each; once all are acknowledged, pace the load."""
        assert rate is not None
        tasks = [asyncio.create_task(self.device(i, True)) for i in range(self.devices)]
        t0 = time.perf_counter()
        while len(self.writers) < self.devices:
            await asyncio.sleep(0.01)
        for i, writer in self.writers.items():
            self._send(i, writer, 1)
        deadline = time.perf_counter() + startup_timeout
        while self.sent_at and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        self.startup = time.perf_counter() - t0
        if self.sent_at:
            print(f"  {len(self.sent_at):,} first packets still unacknowledged after {startup_timeout:.0f} s")
        print(f"{self.devices:,} devices connected and their first packets acknowledged in {self.startup:.1f} s "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        tasks.append(asyncio.create_task(self.pace(rate)))
        return await self.measure(tasks, seconds, warmup)


def factors(templates: DeviceTemplates, device: int, cn: str) -> int:
    """Readings one packet of the device stores: one per factor (its Rtd or Avg)."""
    head, texts, _ = templates.segments[device][cn]
    text = head + "".join(texts)
    return text.count("-Rtd=") + text.count("-Avg=")


def raise_fd_limit(needed: int) -> int:
    """The load generator holds one socket per device: raise the soft open-files limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed and (hard == resource.RLIM_INFINITY or hard > soft):
        soft = needed if hard == resource.RLIM_INFINITY else min(hard, max(needed, soft))
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft < needed:
        raise SystemExit(f"open files limit {soft} < {needed} needed for the devices' sockets: raise ulimit -n")
    return soft


def count_losses(load: ProvinceLoad, templates: DeviceTemplates, cluster: Cluster) -> dict[str, object]:
    """Losses from the database: what the devices sent against what the primary stored, then the standby."""
    import psycopg

    from qingyuan.monitoring.models import RawPacket, Reading

    stored = set(RawPacket.objects.filter(verdict="stored").values_list("qn", flat=True).iterator(chunk_size=20_000))
    sent = [qn.decode() for qn in load.sent]
    acked = {qn.decode() for qn in load.sent} - {qn.decode() for qn in load.sent_at}
    missing = [qn for qn in sent if qn not in stored]
    expected = sum(factors(templates, load.device_of[qn.encode()], "2051" if int(qn) % 2 else "2011")
                   for qn in sent if qn in stored)
    readings = Reading.objects.count()
    with psycopg.connect(cluster.url, autocommit=True) as primary:
        (lsn,) = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
    standby_url = cluster.url.replace(f":{cluster.primary_port}/", f":{cluster.standby_port}/")
    deadline = time.monotonic() + 120
    with psycopg.connect(standby_url, autocommit=True) as standby:
        while time.monotonic() < deadline and not standby.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
            time.sleep(0.1)
        (on_standby,) = standby.execute("SELECT count(*) FROM monitoring_rawpacket WHERE verdict = 'stored'"
                                        ).fetchone()
        (standby_readings,) = standby.execute("SELECT count(*) FROM monitoring_reading").fetchone()
    return {"sent": len(sent), "stored": len(stored), "raw_packet_rows": RawPacket.objects.count(),
            "lost": len(missing), "lost_acknowledged": sum(1 for qn in missing if qn in acked),
            "stored_not_sent": len(stored - set(sent)), "never_acknowledged": len(load.sent_at),
            "readings_expected": expected, "readings_stored": readings,
            "standby_stored": on_standby, "standby_readings": standby_readings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--gateways", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds of paced load before the clock starts")
    parser.add_argument("--rate", type=float, default=None,
                        help="offered packets/s (default: devices/20: real-time every 30 s, minute every 60 s)")
    parser.add_argument("--no-fsync", dest="fsync", action="store_false", help="run PostgreSQL without fsync")
    parser.add_argument("--summary", default="", help="write the figures as JSON to this file")
    args = parser.parse_args()
    if not (PGBIN / "initdb").exists():
        print(f"SKIPPED: no PostgreSQL binaries at {PGBIN} (set PGBIN)")
        return 0
    rate = args.rate or args.devices / 20
    fd_limit = raise_fd_limit(args.devices + 256)
    tmp = tempfile.mkdtemp(prefix="qingyuan-province-run-")
    cluster = Cluster(args.fsync)
    try:
        run = run_all(args, rate, fd_limit, cluster, tmp)
    finally:
        cluster.close()
    summary = figures(args, rate, *run)
    print_summary(summary, run[3])
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as out:
            json.dump(summary, out, indent=2)
    ok = summary["ok"]
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"the gateways' logs and alarm-evaluation timings are in {tmp}")
    return 0 if ok else 1


def run_all(args: argparse.Namespace, rate: float, fd_limit: int, cluster: Cluster, tmp: str):  # type: ignore[no-untyped-def]
    """Start everything, run the load, stop the gateways, count from the database."""
    gateways: list[subprocess.Popen[bytes]] = []
    stages: dict[str, float] = {}
    codes: list[int | None] = []
    try:
        t0 = time.monotonic()
        cluster.start()
        stages["cluster"] = time.monotonic() - t0
        os.environ["DATABASE_URL"] = cluster.url
        t0 = time.monotonic()
        # Set-up only: the migrations and the points' rows need no WAL flush per commit (with fsync on
        # and a busy disk, hundreds of DDL commits took minutes). The gateways run with the defaults.
        os.environ["PGOPTIONS"] = "-c synchronous_commit=off"
        try:
            prepare_django(args.devices, tmp)
        finally:
            del os.environ["PGOPTIONS"]
        stages["migrate_and_points"] = time.monotonic() - t0
        t0 = time.monotonic()
        templates = DeviceTemplates(args.devices)
        stages["device_frames"] = time.monotonic() - t0
        t0 = time.monotonic()
        gateways[:], ports = start_gateways(args.gateways, args.devices, tmp)
        stages["gateways"] = time.monotonic() - t0
        print("started: " + ", ".join(f"{k.replace('_', ' ')} {v:.1f} s" for k, v in stages.items()))
        print(f"{args.gateways} gateways on ports {', '.join(map(str, ports))}; {args.devices:,} devices, offered "
              f"{rate:,.0f} packets/s for {args.minutes:g} min after {args.warmup:g} s of warm-up; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; fsync {'on' if args.fsync else 'off'}; "
              f"open files limit {fd_limit}", flush=True)
        seconds = args.minutes * 60
        load = ProvinceLoad(ports, args.devices, 10**6, 0, templates)
        load.prebuild(int(rate * (seconds + args.warmup + 1)) + args.devices)
        sampler = Sampler(cluster.url, load.startup + args.warmup, {
            "gateways": [p.pid for p in gateways],
            "primary": [cluster.postmaster(cluster.primary)],
            "standby": [cluster.postmaster(cluster.standby)]})
        achieved, elapsed = asyncio.run(run_load(load, sampler, seconds, rate, args.warmup))
        sampler.stop.set()
        sampler.join(30)
    finally:
        for proc in gateways:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(120) for proc in gateways]
    losses = count_losses(load, templates, cluster)
    from django.db import connection

    connection.close()
    return achieved, elapsed, load, sampler, losses, codes, stages


def start_gateways(count: int, devices: int, tmp: str) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    """gateway_e2e's gateway process (the Django sink), ``count`` of them started at once (each takes
    seconds to import Django), each with its own name, log and port; waits until all listen."""
    per_gateway = -(-devices // count)
    procs, logs = [], []
    for g in range(count):
        env = dict(os.environ, QINGYUAN_GATEWAY_HOST="127.0.0.1", QINGYUAN_GATEWAY_PORT="0",
                   QINGYUAN_GATEWAY_NAME=f"province-bench-{g}", QINGYUAN_GATEWAY_MAX_PER_IP="100000",
                   # room for every device twice over (reconnects), well inside the open-files limit
                   QINGYUAN_GATEWAY_MAX_CONNECTIONS=str(2 * per_gateway + 100), QINGYUAN_GATEWAY_LOG_LEVEL="INFO")
        logs.append(os.path.join(tmp, f"gateway-{g}.log"))
        cmd = [sys.executable, os.path.join(ROOT, "bench", "gateway_e2e.py"), "--serve", "--sink", "django",
               "--db", "", "--sync", "FULL", "--evaluations", os.path.join(tmp, f"evaluations-{g}.json")]
        with open(logs[-1], "wb") as log:
            procs.append(subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT))
    ports: list[int | None] = [None] * count
    deadline = time.monotonic() + 180
    while None in ports and time.monotonic() < deadline:
        for g, path in enumerate(logs):
            found = re.findall(rb"gateway listening on [^\s:]+:(\d+)", Path(path).read_bytes())
            if found:
                ports[g] = int(found[-1])
            elif procs[g].poll() is not None:
                break
        else:
            time.sleep(0.1)
            continue
        break
    if None in ports:
        for proc, path in zip(procs, logs, strict=True):
            proc.kill()
            sys.stdout.write(Path(path).read_text(errors="replace")[-2000:])
        raise SystemExit("a gateway did not start")
    return procs, [p for p in ports if p is not None]


async def run_load(load: ProvinceLoad, sampler: Sampler, seconds: float, rate: float, warmup: float,
                   ) -> tuple[float, float]:  # fmt: skip
    """The sampler starts with the paced load (after the devices' first packets), its clock after the warm-up."""
    task = asyncio.create_task(load.run(seconds, rate, warmup))
    while not load.startup and not task.done():
        await asyncio.sleep(0.05)
    sampler.warmup = warmup
    sampler.start()
    return await task


def figures(args, rate, achieved, elapsed, load, sampler, losses, codes, stages) -> dict[str, object]:  # type: ignore[no-untyped-def]
    lat, lags = load.latencies, sorted(sampler.lags)
    ok = (losses["lost"] == 0 and not losses["never_acknowledged"] and losses["standby_stored"] == losses["stored"]
          and losses["readings_stored"] == losses["readings_expected"] and all(c == 0 for c in codes))
    return {
        "devices": args.devices, "gateways": args.gateways, "minutes": args.minutes, "warmup_s": args.warmup,
        "fsync": args.fsync, "cpus": os.cpu_count(), "startup_s": stages, "first_packets_acked_s": load.startup,
        "offered_per_s": rate, "committed_and_acked_per_s": achieved, "measured_s": elapsed,
        "acks_measured": len(lat),
        "ack_p50_ms": percentile(lat, 50) * 1000 if lat else None,
        "ack_p99_ms": percentile(lat, 99) * 1000 if lat else None,
        "ack_p99_target_met": bool(lat) and percentile(lat, 99) < 0.25,
        **losses,
        "standby_lag_max_s": lags[-1] if lags else None, "standby_lag_p95_s": percentile(lags, 95) if lags else None,
        "standby_lag_samples": len(lags), "standby_lag_target_met": bool(lags) and lags[-1] < 5,
        "cpu_cores": {**sampler.cpu, "load generator": load.load_cpu},
        "load_average_end": os.getloadavg()[0], "gateway_exit_codes": codes, "ok": ok,
    }


def print_summary(s: dict[str, object], sampler: Sampler) -> None:
    def ms(v: object) -> str:
        return "n/a" if v is None else f"{v:.1f} ms"

    print(f"committed and acknowledged: {s['committed_and_acked_per_s']:,.1f} packets/s over {s['measured_s']:.0f} s "
          f"(offered {s['offered_per_s']:,.0f}/s; {s['acks_measured']:,} acks measured)")
    print(f"ack latency: p50 {ms(s['ack_p50_ms'])}, p99 {ms(s['ack_p99_ms'])} "
          f"(target p99 < 250 ms: {'met' if s['ack_p99_target_met'] else 'NOT met'})")
    print(f"packets lost (from the database): {s['lost']} of {s['sent']:,} sent, {s['lost_acknowledged']} of them "
          f"acknowledged; stored {s['stored']:,} (raw packet rows {s['raw_packet_rows']:,}, stored but never sent "
          f"{s['stored_not_sent']}); never acknowledged {s['never_acknowledged']}")
    print(f"readings: {s['readings_stored']:,} stored, {s['readings_expected']:,} expected from the stored packets' "
          f"factors; the standby has {s['standby_stored']:,} stored packets and {s['standby_readings']:,} readings "
          f"after replaying the primary's last WAL")
    if s["standby_lag_samples"]:
        print(f"standby replay lag: max {s['standby_lag_max_s']:.3f} s, p95 {s['standby_lag_p95_s']:.3f} s over "
              f"{s['standby_lag_samples']} samples (target < 5 s: {'met' if s['standby_lag_target_met'] else 'NOT met'})")
    cpu = s["cpu_cores"]
    assert isinstance(cpu, dict)
    print("CPU (cores): " + ", ".join(f"{name} {cpu.get(name, float('nan')):.2f}"
                                      for name in ("gateways", "primary", "standby", "load generator"))
          + f"; load average now {s['load_average_end']:.1f}")
    total = sum(sampler.states.values())
    if total:
        print("primary's client backends (sampled): " + ", ".join(
            f"{state} {n / total:.0%}" for state, n in sampler.states.most_common(6)))
    print(f"gateway exit codes {s['gateway_exit_codes']}")


if __name__ == "__main__":
    sys.exit(main())
