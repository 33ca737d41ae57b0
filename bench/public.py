"""The public portal under load: the park overview and every enterprise card, 50 concurrent clients.

    .venv/bin/python bench/public.py                       # seeds the demo in a temp dir, 30 s of load
    .venv/bin/python bench/public.py --var /tmp/qy-public  # seeds once, later runs reuse it
    .venv/bin/python bench/public.py --clients 50 --seconds 60 --workers 4 --cold

Seeds the demo county (``qingyuan seed-demo``) into a SQLite database under ``--var`` (a temporary
directory by default), starts gunicorn (``--workers`` processes × 4 threads, as ``qingyuan web``)
and sends GET requests from ``--clients`` threads (spread over ``--client-processes`` processes so
that no client waits on one GIL), each with keep-alive, for ``--seconds``. The URLs
are the overview and one card per demo enterprise, in rotation. The portal's rate limit is raised for
the run (every client shares 127.0.0.1). With ``--cold`` the data cache is off
(QINGYUAN_PORTAL_CACHE_SECONDS=0), so every request computes its page from the database.

Prints, per page kind and overall, p50/p95/max in ms, the requests per second, the non-200 answers
(any is a failure) and the server's CPU time per request (gunicorn's processes, from /proc: on a
shared machine it moves much less than the wall times). Target (issue 14): p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from timing import percentile  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Production (docs/deployment.md) runs PostgreSQL through DATABASE_URL, which keeps each thread's
# connection for 60 s (core.env.database_from_url: CONN_MAX_AGE=60). The demo's SQLite entry keeps
# none, so every request would open the file again and run its PRAGMAs (about 5 ms here): the bench
# serves the SQLite demo with production's connection reuse, through a settings module written into
# the var directory.
BENCH_SETTINGS = """from qingyuan.settings import *  # noqa: F403
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405  as database_from_url gives PostgreSQL
"""


def env_for(var: str, cold: bool) -> dict[str, str]:
    (Path(var) / "public_bench_settings.py").write_text(BENCH_SETTINGS)
    env = dict(os.environ)
    env.update({"QINGYUAN_VAR_DIR": var, "QINGYUAN_DEMO": "1", "QINGYUAN_PORTAL_RATE_LIMIT": "1000000",
                "QINGYUAN_PORTAL_CACHE_SECONDS": "0" if cold else "300", "DJANGO_SETTINGS_MODULE": "qingyuan.settings"})
    return env


def server_env(env: dict[str, str], var: str) -> dict[str, str]:
    return {**env, "DJANGO_SETTINGS_MODULE": "public_bench_settings",
            "PYTHONPATH": os.pathsep.join(p for p in (var, str(ROOT), env.get("PYTHONPATH", "")) if p)}


def seed(var: str, env: dict[str, str]) -> None:
    marker = Path(var) / "public-bench-seeded"
    if marker.exists():
        print(f"reusing the demo in {var}")
        return
    started = time.monotonic()
    me = [sys.executable, "-m", "qingyuan.cli"]
    subprocess.run([*me, "migrate", "--no-input", "-v", "0"], check=True, env=env, cwd=ROOT)
    subprocess.run([*me, "seed-demo"], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    marker.touch()
    print(f"seeded the demo in {time.monotonic() - started:.0f} s")


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Accept-Language": "zh-CN"})
    r = conn.getresponse()
    return r.status, r.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var", help="directory of the demo database: seeded once, reused after")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4 threads each)")
    parser.add_argument("--cold", action="store_true", help="no data cache: every page computed")
    parser.add_argument("--client-processes", type=int, default=5,
                        help="processes the clients are spread over (threads of one Python process queue on its "
                             "GIL, and that wait would be counted as the server's latency)")
    args = parser.parse_args()
    var = args.var or tempfile.mkdtemp(prefix="qingyuan-public-")
    Path(var).mkdir(parents=True, exist_ok=True)
    env = env_for(var, args.cold)
    seed(var, env)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "qingyuan.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", "4", "--log-level", "warning"],
        env=server_env(env, var), cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, body = get(conn, "/public/")
                if status == 302:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.3)
        overview = _location(conn)
        status, body = get(conn, overview + "map/")
        cards = sorted(set(re.findall(r'href="(/public/enterprise/\d+/)"', body.decode())))
        urls = [("overview", overview)] + [("card", c) for c in cards]
        print(f"{len(cards)} enterprise cards, the overview; {args.clients} clients in {args.client_processes} "
              f"processes for {args.seconds:.0f} s, {args.workers} workers × 4 threads, "
              f"cache {'off' if args.cold else 'on'}")
        for _, u in urls:  # warm-up: one request each
            assert get(conn, u)[0] == 200, u
        stop_at = time.time() + args.seconds
        procs = max(1, min(args.client_processes, args.clients))
        shares = [range(n, args.clients, procs) for n in range(procs)]
        cpu_before = server_cpu_seconds(server.pid)
        started = time.monotonic()
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            parts = pool.starmap(load, [(port, urls, list(share), stop_at) for share in shares])
        elapsed = time.monotonic() - started
        cpu = server_cpu_seconds(server.pid) - cpu_before
        results = {kind: [ms for part in parts for ms in part[0][kind]] for kind in ("overview", "card")}
        failures = [sum(part[1] for part in parts)]
        everything = results["overview"] + results["card"]
        for label, values in (("overview", results["overview"]), ("cards", results["card"]), ("all", everything)):
            if values:
                print(f"{label:9s} n={len(values):6d}  p50 {statistics.median(values):6.1f} ms  "
                      f"p95 {percentile(values, 95):6.1f} ms  max {max(values):7.1f} ms")
        print(f"{len(everything) / elapsed:.0f} requests/s; {failures[0]} non-200 answers; server CPU "
              f"{cpu * 1000 / max(1, len(everything)):.2f} ms a request (the machine is shared: wall times swing "
              f"with its load, CPU time much less)")
        p95 = percentile(everything, 95)
        print(f"target p95 < 100 ms: {'met' if p95 < 100 and not failures[0] else 'MISSED'} ({p95:.1f} ms)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def load(port: int, urls: list[tuple[str, str]], clients: list[int], stop_at: float,
         ) -> tuple[dict[str, list[float]], int]:
    """One client process: a keep-alive thread per client until ``stop_at``; latencies in ms by page kind."""
    results: dict[str, list[float]] = {"overview": [], "card": []}
    failures = [0]
    lock = threading.Lock()

    def client(index: int) -> None:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: dict[str, list[float]] = {"overview": [], "card": []}
        bad, i = 0, index
        while time.time() < stop_at:
            kind, url = urls[i % len(urls)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, _ = get(c, url)
            except (OSError, http.client.HTTPException):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine[kind].append((time.perf_counter() - t0) * 1000)
            bad += status != 200
        with lock:
            for k, v in mine.items():
                results[k].extend(v)
            failures[0] += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, failures[0]


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's master and workers so far (Linux /proc; 0 elsewhere)."""
    pids = [master]
    for task in Path(f"/proc/{master}/task").glob("*/children"):
        pids += [int(p) for p in task.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def _location(conn: http.client.HTTPConnection) -> str:
    conn.request("GET", "/public/")
    r = conn.getresponse()
    r.read()
    return r.getheader("Location") or "/public/"


if __name__ == "__main__":
    main()
