"""``qingyuan demo`` for real: SIGKILL its gateway and a data logger is acknowledged again within seconds.

Runs the whole demo (migrate, seed, web + gateway + worker) on a temporary var dir and free ports;
migrate + seed take about 17 s on the reference machine. The simulator is left out so that the only
device on the gateway is the one this test plays, with a packet from the simulator's own builder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from qingyuan.simulator.packets import Builder, DeviceSpec

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(log: Path, pattern: str, proc: subprocess.Popen[bytes], *, timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(re.finditer(pattern, log.read_text(errors="replace")))
        if found:
            return found[-1]
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} not seen; demo log:\n{log.read_text(errors='replace')[-4000:]}")


def gateway_child(demo: subprocess.Popen[bytes]) -> int:
    """The pid of the demo's ``qingyuan.cli gateway`` child, read from /proc (the console says it too)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == demo.pid and argv[-2:] == [b"gateway", b""]:
            return int(stat.parent.name)
    raise AssertionError("the demo has no gateway child")


def a_registered_device(db: Path) -> Builder:
    with sqlite3.connect(db) as conn:
        mn, password, st, protocol = conn.execute(
            "SELECT mn, password, st, protocol_version FROM enterprises_monitoringpoint"
            " WHERE is_active AND protocol_version != '2005' ORDER BY id LIMIT 1").fetchone()
    return Builder(DeviceSpec(mn=mn, password=password, st=st or "32", protocol=protocol))


def acknowledged(port: int, device: Builder, *, timeout: float = 20.0) -> bool:
    """Send one real-time upload; True when the gateway answers it with a 9014 carrying its QN."""
    upload = device.realtime(dt.datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0))[0]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            conn.sendall(upload.data)
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    return False
                reply += chunk
    except OSError:
        return False
    return b"CN=9014" in reply and f"QN={upload.qn}".encode() in reply


def acknowledged_within(port: int, device: Builder, seconds: float) -> float | None:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if acknowledged(port, device):
            return time.monotonic() - began
        time.sleep(1.0)  # a new second: a new real-time QN
    return None


def test_it_restarts_the_killed_gateway_and_devices_are_acknowledged_again(tmp_path):
    web_port, gateway_port = free_port(), free_port()
    env = {**os.environ, "QINGYUAN_VAR_DIR": str(tmp_path), "QINGYUAN_BIND": f"127.0.0.1:{web_port}",
           "QINGYUAN_GATEWAY_PORT": str(gateway_port), "QINGYUAN_GATEWAY_HOST": "127.0.0.1",
           "QINGYUAN_WEB_WORKERS": "1"}
    for name in ("DATABASE_URL", "QINGYUAN_GATEWAY_STATS_PATH", "QINGYUAN_MEDIA_ROOT", "QINGYUAN_GATEWAY_NAME"):
        env.pop(name, None)
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen([sys.executable, "-m", "qingyuan.cli", "demo", "--no-simulator"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(log, r"gateway listening on", demo, timeout=180)
        device = a_registered_device(tmp_path / "qingyuan.sqlite3")
        # Generous bounds: on a loaded machine the worker's first pass can hold SQLite's write lock.
        assert acknowledged_within(gateway_port, device, 120) is not None, log.read_text(errors="replace")[-4000:]
        first = gateway_child(demo)

        os.kill(first, signal.SIGKILL)
        wait_for(log, rf"qingyuan demo: gateway \(pid {first}\) was killed by SIGKILL after \d+ s; "
                      r"restarting it in 1 s, at \d\d:\d\d:\d\d \(first failure\)\.", demo, timeout=10)
        assert not acknowledged(gateway_port, device, timeout=5)  # down: nothing listens until the restart
        second = int(wait_for(log, r"restarted gateway \(pid (\d+)\)", demo, timeout=10).group(1))
        took = acknowledged_within(gateway_port, device, 90)
        assert took is not None, log.read_text(errors="replace")[-4000:]
        assert second != first and demo.poll() is None
        print(f"gateway acknowledging again {took:.1f} s after its restart")

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(60) == 0
        text = log.read_text(errors="replace")
        for name in ("web", "gateway", "worker"):
            assert f"qingyuan demo: {name} stopped" in text
        assert "qingyuan demo: everything stopped." in text
        with sqlite3.connect(tmp_path / "qingyuan.sqlite3") as conn:
            assert conn.execute("SELECT count(*) FROM monitoring_rawpacket WHERE mn = ? AND verdict = 'stored'",
                                (device.spec.mn,)).fetchone()[0] >= 2
    finally:
        started = re.findall(r"started \w+ \(pid (\d+)\)", log.read_text(errors="replace"))
        groups = [demo.pid, *map(int, started)]
        for group in groups:  # the demo's session, and each child's own process group
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        demo.wait(10)
