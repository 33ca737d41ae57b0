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
