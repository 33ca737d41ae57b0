"""Province benchmark: N simulated devices over G gateway processes into one PostgreSQL with a
streaming-replication hot standby.

    .venv/bin/python bench/province.py                                  # 5,000 devices, 4 gateways, 10 minutes
    .venv/bin/python bench/province.py --devices 500 --gateways 2 --minutes 1

It starts its own throwaway primary and standby on 127.0.0.1 from the PostgreSQL 15 binaries
(PGBIN; as ``postgres`` under root, like bin/with-postgres; fsync on, as in production unless
``--no-fsync``), the way docs/deployment.md's province setup does (``pg_basebackup -R -X stream``),
migrates the primary and creates one monitoring point per device, then starts G ``qingyuan``
gateway processes (the Django sink, each with its own port and QINGYUAN_GATEWAY_NAME). Devices are
those of bench/gateway_e2e.py (its frames, QNs and DataTimes, by import): half water, half gas,
real-time and minute uploads alternating, device i on gateway i mod G, paced at the offered rate
(default: every device sends real-time data every 30 s and minute data every 60 s, N/20 packets/s).

It prints, over the measured minutes (after a warm-up):
- packets committed and acknowledged per second (a 9014 came back), against the offered rate;
- the acknowledgement latency (send -> 9014) p50/p99, target p99 < 250 ms;
- packets lost: packets the devices sent minus packets stored (must be 0), and any never acknowledged;
- the standby's replay lag (``pg_stat_replication.replay_lag`` sampled every 0.5 s): max and p95,
  target < 5 s;
- CPU of the gateways, the primary and the standby (from /proc/<pid>/stat, children included),
  in cores, and the machine's load average (the load generator shares the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
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

from gateway_e2e import DeviceTemplates, Load, percentile, prepare_django, start_gateway  # noqa: E402

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
    """After the warm-up: CPU ticks of the processes at the start and end, the standby's lag every 0.5 s."""

    def __init__(self, url: str, warmup: float, pids: dict[str, list[int]]) -> None:
        super().__init__(daemon=True)
        self.url, self.warmup, self.pids = url, warmup, pids
        self.stop = threading.Event()
        self.lags: list[float] = []
        self.cpu: dict[str, float] = {}

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
        elapsed, after = time.monotonic() - t0, self.ticks()
        self.cpu = {name: (after[name] - before[name]) / TICK / elapsed for name in before}


# -- load over several gateways --------------------------------------------------------------
class ProvinceLoad(Load):
    """gateway_e2e's devices, device i on gateway i mod G; counts every packet it sends."""

    def __init__(self, ports: list[int], *args: object) -> None:
        super().__init__(ports[0], *args)  # type: ignore[arg-type]
        self.ports = ports
        self.sent = 0

    async def device(self, i: int, paced: bool) -> None:
        # Load.device opens its connection to self.port before its first await: set just before.
        self.port = self.ports[i % len(self.ports)]
        await super().device(i, paced)

    async def pace(self, rate: float, period: float = 0.05, tick: float = 0.01) -> None:
        """The j-th packet of the run goes out at j/rate seconds from device j mod N: every device
        sends every N/rate seconds, the devices evenly staggered (gateway_e2e's pacing sends each
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

    def _send(self, i: int, writer: asyncio.StreamWriter, count: int) -> None:
        self.sent += count
        super()._send(i, writer, count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--gateways", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds of load before the clock starts")
    parser.add_argument("--rate", type=float, default=None,
                        help="offered packets/s (default: devices/20: real-time every 30 s, minute every 60 s)")
    parser.add_argument("--no-fsync", dest="fsync", action="store_false", help="run PostgreSQL without fsync")
    args = parser.parse_args()
    if not (PGBIN / "initdb").exists():
        print(f"SKIPPED: no PostgreSQL binaries at {PGBIN} (set PGBIN)")
        return 0
    rate = args.rate or args.devices / 20
    tmp = tempfile.mkdtemp(prefix="qingyuan-province-run-")
    cluster = Cluster(args.fsync)
    gateways: list[subprocess.Popen[bytes]] = []
    try:
        t0 = time.monotonic()
        cluster.start()
        os.environ["DATABASE_URL"] = cluster.url
        prepare_django(args.devices, tmp)
        print(f"primary and standby started, {args.devices:,} points created in {time.monotonic() - t0:.0f} s")
        templates = DeviceTemplates(args.devices)
        ports = []
        for g in range(args.gateways):
            os.environ["QINGYUAN_GATEWAY_NAME"] = f"province-bench-{g}"
            serve = argparse.Namespace(sink="django", db="", sync="FULL",
                                       evaluations=os.path.join(tmp, f"evaluations-{g}.json"))
            proc, port = start_gateway(serve, os.path.join(tmp, f"gateway-{g}.log"))
            gateways.append(proc)
            ports.append(port)
        print(f"{args.gateways} gateways on ports {', '.join(map(str, ports))}; {args.devices:,} devices, offered "
              f"{rate:,.0f} packets/s for {args.minutes:g} min after {args.warmup:g} s of warm-up; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; fsync {'on' if args.fsync else 'off'}")
        seconds = args.minutes * 60
        load = ProvinceLoad(ports, args.devices, 10**6, 0, templates)
        load.prebuild(int(rate * (seconds + args.warmup + 1)))
        sampler = Sampler(cluster.url, args.warmup, {
            "gateways": [p.pid for p in gateways],
            "primary": [cluster.postmaster(cluster.primary)],
            "standby": [cluster.postmaster(cluster.standby)]})
        sampler.start()
        achieved, elapsed = asyncio.run(load.run(seconds, rate, args.warmup))
        sampler.stop.set()
        sampler.join(30)
        unacknowledged = len(load.sent_at)
    finally:
        for proc in gateways:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(120) for proc in gateways]
    try:
        from qingyuan.monitoring.models import RawPacket

        stored = RawPacket.objects.filter(verdict="stored").count()
        rows = RawPacket.objects.count()
        from django.db import connection

        connection.close()
    finally:
        cluster.close()
    lat = load.latencies
    lags = sorted(sampler.lags)
    print(f"committed and acknowledged: {achieved:,.1f} packets/s over {elapsed:.0f} s "
          f"(offered {rate:,.0f}/s; {len(lat):,} acks measured)")
    print(f"ack latency: p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms "
          f"(target p99 < 250 ms: {'met' if lat and percentile(lat, 99) < 0.25 else 'NOT met'})")
    lost = load.sent - stored
    print(f"packets lost: {lost} (sent {load.sent:,}, stored {stored:,}, raw packet rows {rows:,}, "
          f"never acknowledged {unacknowledged})")
    if lags:
        print(f"standby replay lag: max {lags[-1]:.3f} s, p95 {percentile(lags, 95):.3f} s over {len(lags)} samples "
              f"(target < 5 s: {'met' if lags[-1] < 5 else 'NOT met'})")
    cpu = sampler.cpu
    print("CPU (cores): " + ", ".join(f"{name} {cpu.get(name, float('nan')):.2f}" for name in ("gateways", "primary", "standby"))
          + f", load generator {load.load_cpu:.2f}; load average now {os.getloadavg()[0]:.1f}")
    print(f"gateway exit codes {codes}")
    ok = lost == 0 and not unacknowledged and all(c == 0 for c in codes)
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"the gateways' logs and alarm-evaluation timings are in {tmp}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
