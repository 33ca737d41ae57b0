"""The gateway in a subprocess: SIGKILL mid-burst loses no acknowledged packet,
SIGTERM shuts down gracefully, and ``qingyuan.gateway`` imports no Django."""

import asyncio
import sqlite3
import subprocess
import sys
import time

import pytest

from .sqlite_sink import SqliteSink
from .support import PW, Device, GatewayProcess, mn_of, qn_of, qns, upload

pytestmark = pytest.mark.slow

DEVICES = 20
PER_DEVICE = 1000  # a burst long enough that the kill lands well inside it


def prepare(db_path):
    sink = SqliteSink(db_path)
    sink.add_devices([(mn_of(i), PW) for i in range(DEVICES)])
    sink.close()


async def burst(port, pending, acked, *, stop_after=None, kill_at=None, kill=None):
    """Every device pipelines what it has not had acknowledged; collects acks until the end or a kill.

    With ``kill_at``, ``kill()`` runs the moment that many acknowledgements have arrived (from the
    receiving path itself, so a fast gateway cannot finish the burst between two polls)."""

    async def device(i):
        try:
            dev = await Device.connect(port)
        except OSError:
            return
        todo = list(pending[i])

        async def send():
            for start in range(0, len(todo), 25):
                await dev.send(b"".join(upload(mn_of(i), qn) for qn in todo[start:start + 25]))
                await asyncio.sleep(0.002)

        async def receive():
            while len(acked[i]) < len(pending[i]) or stop_after is not None:
                for qn in qns(await dev.replies(1, timeout=30)):
                    acked[i].add(qn)
                if kill_at is not None and sum(map(len, acked)) >= kill_at:
                    kill()

        try:
            await asyncio.gather(send(), receive())
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass  # the gateway was killed
        finally:
            dev.close()

    await asyncio.gather(*(device(i) for i in range(DEVICES)))


def test_it_loses_no_acknowledged_packet_and_duplicates_none_across_sigkill(tmp_path):
    db_path = str(tmp_path / "gw.sqlite3")
    log_path = str(tmp_path / "gw.log")
    prepare(db_path)
    sent = [[qn_of(i * PER_DEVICE + n) for n in range(PER_DEVICE)] for i in range(DEVICES)]
    acked = [set() for _ in range(DEVICES)]

    gateway = GatewayProcess(db_path, log_path)

    async def first_round():  # SIGKILL once 1,500 of the 20,000 packets are acknowledged
        await asyncio.wait_for(burst(gateway.port, sent, acked, stop_after=True, kill_at=1500, kill=gateway.kill), 60)

    asyncio.run(first_round())
    acked_before = sum(map(len, acked))
    total = DEVICES * PER_DEVICE
    assert 1500 <= acked_before < total
    with sqlite3.connect(db_path) as db:
        stored = {qn for (qn,) in db.execute("SELECT qn FROM packets")}
    assert set().union(*acked) <= stored  # every acknowledged packet was committed

    gateway = GatewayProcess(db_path, log_path)
    retransmit = [[qn for qn in sent[i] if qn not in acked[i]] for i in range(DEVICES)]
    acked_again = [set() for _ in range(DEVICES)]
    asyncio.run(burst(gateway.port, retransmit, acked_again))
    assert gateway.terminate() == 0  # SIGTERM: graceful

    assert all(acked_again[i] == set(retransmit[i]) for i in range(DEVICES))
    with sqlite3.connect(db_path) as db:
        count, distinct = db.execute("SELECT count(*), count(DISTINCT qn) FROM packets").fetchone()
    assert count == distinct == total  # all stored, none twice
    log = open(log_path, encoding="utf-8", errors="replace").read()
    assert "SIGTERM received: shutting down" in log and "gateway stopped" in log


def test_it_imports_no_django():
    code = (
        "import sys\n"
        "import qingyuan.gateway, qingyuan.gateway.server, qingyuan.gateway.run, qingyuan.gateway.forward\n"
        "import qingyuan.gateway.__main__\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_closes_the_sessions_its_killed_run_left_open_and_no_other_gateways(tmp_path):
    db_path = str(tmp_path / "gw.sqlite3")
    log_path = str(tmp_path / "gw.log")
    prepare(db_path)
    with sqlite3.connect(db_path) as db:  # a session held by another gateway on the same database
        db.execute("INSERT INTO sessions (connection_id, peer, opened_at, mns, gateway)"
                   " VALUES (1, '10.0.0.9:1', 1.0, ?, 'other-host:9212')", (mn_of(5),))

    gateway = GatewayProcess(db_path, log_path, NAME="park-gw-1")

    async def connect_and_store(port, i):
        dev = await Device.connect(port)
        await dev.send(upload(mn_of(i), qn_of(9000 + i)))
        assert qns(await dev.replies(1)) == [qn_of(9000 + i)]
        return dev

    async def first_run():
        devices = [await connect_and_store(gateway.port, i) for i in range(2)]
        await asyncio.sleep(0.3)  # the session events ride along with the next flush
        gateway.kill()  # SIGKILL: nobody reports the connections closed
        gateway.proc.wait(10)
        for dev in devices:
            dev.close()

    asyncio.run(first_run())
    with sqlite3.connect(db_path) as db:
        left_open = db.execute("SELECT connection_id FROM sessions WHERE closed_at IS NULL AND gateway = 'park-gw-1'"
                               ).fetchall()
    assert len(left_open) == 2

    before_restart = time.time()
    gateway = GatewayProcess(db_path, log_path, NAME="park-gw-1")
    try:
        with sqlite3.connect(db_path) as db:
            rows = dict(((cid, gw), (closed, reason)) for cid, gw, closed, reason in db.execute(
                "SELECT connection_id, gateway, closed_at, reason FROM sessions"))
        restarted = [v for (cid, gw), v in rows.items() if gw == "park-gw-1"]
        assert len(restarted) == 2
        assert all(reason == "gateway restarted" and before_restart <= closed <= time.time()
                   for closed, reason in restarted)  # closed as of the new run's start
        assert rows[(1, "other-host:9212")] == (None, None)  # another instance's session is not ours to close
    finally:
        assert gateway.terminate() == 0
