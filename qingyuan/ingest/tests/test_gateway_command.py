"""``manage.py gateway`` as a process: serves on DjangoSink, acknowledges after commit, stops on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .support import frame

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=240)


def wait_for_port(log: Path, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.findall(r"gateway listening on [^\s:]+:(\d+)", log.read_text(errors="replace"))
        if found:
            return int(found[-1])
        time.sleep(0.1)
    raise AssertionError("gateway did not start:\n" + log.read_text(errors="replace")[-3000:])


def test_it_stores_acknowledges_and_stops_gracefully_on_sigterm(tmp_path):
    db = tmp_path / "gateway.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "QINGYUAN_VAR_DIR": str(tmp_path),
           "QINGYUAN_GATEWAY_PORT": "0", "QINGYUAN_GATEWAY_HOST": "127.0.0.1"}
    env.pop("QINGYUAN_GATEWAY_STATS_PATH", None)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "shell", "-c", "from qingyuan.test import make_world; make_world()")
    log = tmp_path / "gateway.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "gateway"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        port = wait_for_port(log, proc)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as device:
            device.sendall(frame("AAAA0000000000000000000A", qn="20260101120000321"))
            reply = b""
            while not reply.endswith(b"\r\n"):
                reply += device.recv(4096)
        assert b"CN=9014" in reply and b"QN=20260101120000321" in reply
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "gateway stopped" in log.read_text(errors="replace")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT qn, verdict FROM monitoring_rawpacket").fetchall() == [
            ("20260101120000321", "stored")]
        assert conn.execute("SELECT count(*) FROM monitoring_reading").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM monitoring_devicesession WHERE closed_at IS NOT NULL").fetchone() \
            == (1,)
    assert (tmp_path / "gateway-stats.json").exists()


def start_gateway(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A gateway process writing to ``log``; a restart gets a log of its own beside it."""
    run_log = log.with_suffix(f".{len(list(log.parent.glob(log.stem + '*')))}.log")
    with run_log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "gateway"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    return proc, wait_for_port(run_log, proc)


def send_and_wait_for_ack(port: int, data: bytes) -> socket.socket:
    device = socket.create_connection(("127.0.0.1", port), timeout=10)
    device.sendall(data)
    reply = b""
    while not reply.endswith(b"\r\n"):
        reply += device.recv(4096)
    assert b"CN=9014" in reply
    return device


def test_it_closes_the_sessions_a_killed_run_left_open_when_it_starts_again(tmp_path):
    db = tmp_path / "gateway.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "QINGYUAN_VAR_DIR": str(tmp_path),
           "QINGYUAN_GATEWAY_PORT": "0", "QINGYUAN_GATEWAY_HOST": "127.0.0.1", "QINGYUAN_GATEWAY_NAME": "gw-1"}
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "shell", "-c", "from qingyuan.test import make_world; make_world()")
    log = tmp_path / "gateway.log"
    proc, port = start_gateway(env, log)
    try:
        devices = [send_and_wait_for_ack(port, frame("AAAA0000000000000000000A", qn="20260101120000001")),
                   send_and_wait_for_ack(port, frame("BBBB0000000000000000000B", qn="20260101120000002"))]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the session events ride along with the next flush
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT count(*) FROM monitoring_devicesession WHERE mn != ''").fetchone() == (2,):
                    break
            time.sleep(0.1)
        proc.kill()  # SIGKILL: nobody reports the two connections closed
        proc.wait(10)
        for device in devices:
            device.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT mn, gateway FROM monitoring_devicesession WHERE closed_at IS NULL"
                            " ORDER BY mn").fetchall() == [("AAAA0000000000000000000A", "gw-1"),
                                                           ("BBBB0000000000000000000B", "gw-1")]
        assert conn.execute("SELECT count(*) FROM monitoring_devicestate WHERE online").fetchone() == (2,)
        # A's last packet is an hour old by now (the gateway was down for long); B's is fresh.
        conn.execute("UPDATE monitoring_devicestate SET last_seen = datetime('now', '-1 hour') WHERE point_id ="
                     " (SELECT id FROM enterprises_monitoringpoint WHERE mn = 'AAAA0000000000000000000A')")
    before = time.time()
    proc, port = start_gateway(env, log)
    try:
        with sqlite3.connect(db) as conn:
            sessions = conn.execute("SELECT mn, closed_at, close_reason FROM monitoring_devicesession"
                                    " ORDER BY mn").fetchall()
            states = dict(conn.execute("SELECT p.mn, s.online FROM monitoring_devicestate s JOIN"
                                       " enterprises_monitoringpoint p ON p.id = s.point_id"))
        assert [mn for mn, _, _ in sessions] == ["AAAA0000000000000000000A", "BBBB0000000000000000000B"]
        for _mn, closed_at, reason in sessions:
            assert closed_at is not None and reason.startswith("gateway restarted")
            closed = datetime.fromisoformat(closed_at).replace(tzinfo=UTC).timestamp()
            assert before - 1 <= closed <= time.time()  # closed as of the new run's start
        assert states == {"AAAA0000000000000000000A": 0, "BBBB0000000000000000000B": 1}
        assert any("closed 2 device sessions its previous run left open" in f.read_text(errors="replace")
                   for f in tmp_path.glob("gateway*.log"))
        send_and_wait_for_ack(port, frame("AAAA0000000000000000000A", qn="20260101120000003")).close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), count(closed_at) FROM monitoring_devicesession").fetchone() == (3, 3)
        assert conn.execute("SELECT online FROM monitoring_devicestate s JOIN enterprises_monitoringpoint p"
                            " ON p.id = s.point_id WHERE p.mn = 'AAAA0000000000000000000A'").fetchone() == (1,)
