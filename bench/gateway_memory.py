"""Gateway memory with many idle device connections.

    .venv/bin/python bench/gateway_memory.py                  # 10,000 connections
    .venv/bin/python bench/gateway_memory.py --connections 2000

The gateway runs in one subprocess (reference SQLite sink), the devices in
another: each device connects, sends one 2051 with A=1, waits for its 9014 (so
the gateway holds a registered, authenticated session) and then stays idle.
The gateway's resident memory (VmRSS) is printed before and with the
connections open. Everything stops by itself within ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from qingyuan.gateway.tests.sqlite_sink import SqliteSink  # noqa: E402
from qingyuan.gateway.tests.support import PW, mn_of, qn_of, upload  # noqa: E402


def raise_nofile(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        match = re.search(r"VmRSS:\s+(\d+) kB", fh.read())
    return int(match.group(1)) / 1024 if match else float("nan")


# -- the devices (client subprocess) -----------------------------------------------------
async def devices(port: int, count: int, hold: float) -> None:
    writers = []
    sem = asyncio.Semaphore(500)  # connect in waves, as a park's loggers come back after an outage

    async def one(i: int) -> None:
        async with sem:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(upload(mn_of(i), qn_of(i)))
            reply = await asyncio.wait_for(reader.readuntil(b"\r\n"), 60)
            assert b"CN=9014" in reply, reply
            writers.append(writer)

    t0 = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(count)))
    print(f"ready {len(writers)} connections in {time.monotonic() - t0:.1f}s", flush=True)
    await asyncio.sleep(hold)
    for writer in writers:
        writer.close()


def client_main(args: argparse.Namespace) -> int:
    raise_nofile(args.connections + 100)
    asyncio.run(devices(args.port, args.connections, args.hold))
    return 0


# -- the orchestrator ------------------------------------------------------------------
def start_gateway(db: str, log_path: str, connections: int) -> tuple[subprocess.Popen[bytes], int]:
    env = dict(os.environ, QINGYUAN_SQLITE_SINK_PATH=db, QINGYUAN_SQLITE_SINK_SYNC="NORMAL",
               QINGYUAN_GATEWAY_HOST="127.0.0.1", QINGYUAN_GATEWAY_PORT="0",
               QINGYUAN_GATEWAY_MAX_CONNECTIONS=str(connections + 100),
               QINGYUAN_GATEWAY_MAX_PER_IP=str(connections + 100), QINGYUAN_GATEWAY_LOG_LEVEL="WARNING")
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-c",
         "import logging, sys; from qingyuan.gateway.__main__ import load_factory; from qingyuan.gateway.run import main;"
         "logging.getLogger('qingyuan.gateway').setLevel(logging.INFO);"
         "sys.exit(main(load_factory('qingyuan.gateway.tests.sqlite_sink:from_env')))"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.findall(rb"gateway listening on [^\s:]+:(\d+)", open(log_path, "rb").read())
        if found:
            return proc, int(found[-1])
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("gateway did not start:\n" + open(log_path, errors="replace").read()[-2000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--hold", type=float, default=5.0, help="seconds the devices stay idle")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    limit = raise_nofile(args.connections + 100)
    if limit < args.connections + 100:
        raise SystemExit(f"open files limit {limit} is too low for {args.connections} connections")
    tmp = tempfile.mkdtemp(prefix="qingyuan-mem-")
    db = os.path.join(tmp, "gateway.sqlite3")
    setup = SqliteSink(db)
    setup.add_devices([(mn_of(i), PW) for i in range(args.connections)])
    setup.close()
    gateway, port = start_gateway(db, os.path.join(tmp, "gateway.log"), args.connections)
    client = None
    try:
        time.sleep(0.5)
        baseline = rss_mb(gateway.pid)
        print(f"gateway pid {gateway.pid}: RSS {baseline:.1f} MB with no connections")
        client = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--client", "--port", str(port),
             "--connections", str(args.connections), "--hold", str(args.hold + 30)],
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        deadline = time.monotonic() + args.timeout
        line = ""
        assert client.stdout is not None
        while time.monotonic() < deadline and client.poll() is None:
            line = client.stdout.readline()
            if line.startswith("ready"):
                break
        if not line.startswith("ready"):
            raise SystemExit(f"devices did not all connect: {line!r}")
        print(line.strip())
        time.sleep(args.hold)
        held = rss_mb(gateway.pid)
        per = (held - baseline) * 1024 / args.connections
        print(f"gateway RSS with {args.connections:,} idle connections: {held:.1f} MB "
              f"({per:.1f} KB per connection); target < 300 MB: {'OK' if held < 300 else 'MISSED'}")
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait(10)
        t0 = time.monotonic()
        gateway.send_signal(signal.SIGTERM)
        try:
            code = gateway.wait(60)
        except subprocess.TimeoutExpired:
            gateway.kill()
            code = gateway.wait(10)
        print(f"gateway stopped in {time.monotonic() - t0:.1f}s, exit code {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
