"""Several gateway processes (``qingyuan gateway``, each with its own QINGYUAN_GATEWAY_PORT and
QINGYUAN_GATEWAY_NAME) write into one PostgreSQL at once: devices on both, a device moving to the
other gateway (its old connection still open), the same packets racing through both. Every packet
is acknowledged on the connection it came by and stored once; device sessions carry the gateway
that held them; device states, readings and outbox items count each packet once.

PostgreSQL only (the province setup; run with bin/with-postgres): SQLite has one writer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from qingyuan.enterprises.creditcode import make
from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet
from qingyuan.monitoring.models import (
    DeviceSession,
    DeviceSetup,
    DeviceState,
    OutboxItem,
    RawPacket,
    Reading,
    Upstream,
)
from qingyuan.org.models import Park

from .support import frame

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]
PW = "gwpass"
DEVICES = 8
ACK = re.compile(rb"QN=(\d+);ST=91;CN=9014")
START = dt.datetime(2026, 11, 30, 8, 0)


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_gateway(name: str, tmp: Path) -> tuple[subprocess.Popen[bytes], int, Path]:
    log = tmp / f"{name}.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "QINGYUAN_VAR_DIR": str(tmp), "QINGYUAN_GATEWAY_PORT": "0",
           "QINGYUAN_GATEWAY_HOST": "127.0.0.1", "QINGYUAN_GATEWAY_NAME": name,
           "QINGYUAN_GATEWAY_STATS_PATH": str(tmp / f"{name}-stats.json"), "QINGYUAN_GATEWAY_LOG_LEVEL": "INFO"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "gateway"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.findall(r"gateway listening on [^\s:]+:(\d+)", log.read_text(errors="replace"))
        if found:
            return proc, int(found[-1]), log
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"gateway {name} did not start:\n" + log.read_text(errors="replace")[-3000:])


class Device:
    """One logger's connection: sends frames, collects the QNs of the 9014s it gets back."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.acked: list[bytes] = []
        self._rest = b""

    def send(self, frames: list[bytes]) -> None:
        self.sock.sendall(b"".join(frames))

    def wait_acks(self, qns: set[bytes], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not qns <= set(self.acked):
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            chunk = self.sock.recv(65536)
            assert chunk, "connection closed before every packet was acknowledged"
            data = self._rest + chunk
            cut = data.rfind(b"\r\n") + 2
            self._rest = data[cut:]
            self.acked += ACK.findall(data[:cut])
            assert time.monotonic() < deadline, f"not acknowledged: {sorted(qns - set(self.acked))}"

    def close(self) -> None:
        self.sock.close()


def mn(i: int) -> str:
    return f"8800000000000{i:02d}"


def packet(i: int, k: int) -> tuple[bytes, bytes]:
    """Device ``i``'s ``k``-th minute packet: its own QN and DataTime."""
    qn = f"2026113008{i:02d}{k:05d}"
    when = START + dt.timedelta(minutes=k)
    cp = f"DataTime={when:%Y%m%d%H%M%S};w01018-Avg={20 + k % 7}.5,w01018-Flag=N;w21003-Avg=1.{k % 9},w21003-Flag=N"
    return qn.encode(), frame(mn(i), pw=PW, qn=qn, cp=cp)


def in_parallel(*jobs) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []

    def run(job):  # type: ignore[no-untyped-def]
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]


def exchange(device: Device, packets: list[tuple[bytes, bytes]]):  # type: ignore[no-untyped-def]
    def job() -> None:
        device.send([data for _, data in packets])
        device.wait_acks({qn for qn, _ in packets})

    return job


def make_points() -> list[MonitoringPoint]:
    park = Park.objects.create(name="多网关", code="gateways", county="测试县")
    enterprise = Enterprise.objects.create(park=park, name="多网关企业", credit_code=make("91361123GWAY00001"),
                                           legal_representative="-", industry="C26", address="-", risk_class="general")
    outlet = Outlet.objects.create(enterprise=enterprise, medium="water", code="DW001", name="-")
    points = [MonitoringPoint.objects.create(park=park, outlet=outlet, name=f"P{i}", mn=mn(i), password=PW, st="32")
              for i in range(DEVICES)]
    DeviceSetup.objects.bulk_create(DeviceSetup(point=p, enabled=False) for p in points)  # no setup commands
    Upstream.objects.create(name="省平台", host="127.0.0.1", port=9, mn_patterns="*", is_active=True)
    return points


def test_it_stores_every_packet_once_through_two_gateways_on_one_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several gateways on one database is the PostgreSQL setup: run under bin/with-postgres")
    points = make_points()
    (a, port_a, log_a), (b, port_b, log_b) = start_gateway("gw-a", tmp_path), start_gateway("gw-b", tmp_path)
    ports = {"gw-a": port_a, "gw-b": port_b}
    opened: list[tuple[int, str]] = []  # (device, gateway) per connection
    try:
        # 1. Half the devices on each gateway, 12 packets each, all at once.
        first = {i: Device(port_a if i % 2 else port_b) for i in range(DEVICES)}
        opened += [(i, "gw-a" if i % 2 else "gw-b") for i in range(DEVICES)]
        in_parallel(*(exchange(first[i], [packet(i, k) for k in range(12)]) for i in range(DEVICES)))

        # 2. Every device reconnects to the OTHER gateway while its old connection is still open,
        #    sends 8 new packets and retransmits 3 that were acknowledged already.
        moved = {i: Device(port_b if i % 2 else port_a) for i in range(DEVICES)}
        opened += [(i, "gw-b" if i % 2 else "gw-a") for i in range(DEVICES)]
        in_parallel(*(exchange(moved[i], [packet(i, k) for k in [*range(12, 20), 0, 1, 2]]) for i in range(DEVICES)))
        for device in first.values():
            device.close()

        # 3. The same new packets race through both gateways at once (a logger that resends on a
        #    second link): both connections get their 9014, the database keeps one copy.
        racing = {i: Device(port_a if i % 2 else port_b) for i in range(DEVICES)}
        opened += [(i, "gw-a" if i % 2 else "gw-b") for i in range(DEVICES)]
        burst = {i: [packet(i, k) for k in range(20, 30)] for i in range(DEVICES)}
        in_parallel(*(exchange(racing[i], burst[i]) for i in range(DEVICES)),
                    *(exchange(moved[i], burst[i]) for i in range(DEVICES)))
        for device in [*moved.values(), *racing.values()]:
            device.close()
    finally:
        for proc in (a, b):
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(60) for proc in (a, b)]
    logs = {name: log.read_text(errors="replace") for name, log in (("gw-a", log_a), ("gw-b", log_b))}
    assert codes == [0, 0], logs

    unique = DEVICES * 30
    stored = RawPacket.objects.filter(verdict="stored")
    assert stored.count() == unique == RawPacket.objects.count()  # every packet once, no rejects
    assert stored.aggregate(n=Sum("duplicates"))["n"] == DEVICES * (3 + 10)  # step 2's 3 and step 3's race of 10
    assert Reading.objects.count() == unique * 2
    assert OutboxItem.objects.count() == unique  # forwarded once per packet, not per copy received
    for point in points:
        state = DeviceState.objects.get(point=point)
        assert state.packets_total == 30, (point.mn, state.packets_total)
        assert state.last_data_time == (START + dt.timedelta(minutes=29)).replace(
            tzinfo=dt.timezone(dt.timedelta(hours=8)))
    sessions = list(DeviceSession.objects.order_by("opened_at").values_list("mn", "gateway", "closed_at",
                                                                            "connection_id"))
    assert len(sessions) == len(opened) == len({s[3] for s in sessions})  # one row per connection
    assert sorted((s[0], s[1]) for s in sessions) == sorted((mn(i), gw) for i, gw in opened)
    assert all(s[2] is not None for s in sessions)  # both gateways closed theirs
    for name, text in logs.items():
        assert "Traceback" not in text and "store failed" not in text, (name, text[-3000:])
    assert set(ports) == {"gw-a", "gw-b"}


def test_it_turns_a_lost_race_for_a_dedup_key_into_a_duplicate(world):
    """Two gateways' batches store the same packet at once: the second waits for the first's
    uncommitted row, then violates the unique dedup key. It is run again and answers DUPLICATE
    (acknowledged, counted as a retransmission) instead of failing with every other packet."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers on one database: run under bin/with-postgres")
    from django.db import connections, transaction

    from qingyuan.gateway.sink import Verdict
    from qingyuan.ingest.process import process_packets

    from .support import received

    mn = world.point_a.mn
    same = frame(mn, qn="20261130090000001", cp="DataTime=20261130090000;w01018-Avg=40.1,w01018-Flag=N")
    other = frame(mn, qn="20261130090000002", cp="DataTime=20261130090100;w01018-Avg=40.2,w01018-Flag=N")
    first_holds, release = threading.Event(), threading.Event()
    results: dict[str, list[Verdict]] = {}

    def gateway_a() -> None:
        try:
            with transaction.atomic():  # commits only when released: the row is there, uncommitted
                results["a"] = [o.verdict for o in process_packets([received(same, connection_id=1)])]
                first_holds.set()
                release.wait(30)
        finally:
            connections.close_all()

    def gateway_b() -> None:
        try:
            first_holds.wait(30)
            results["b"] = [o.verdict for o in process_packets([received(other, connection_id=2),
                                                                 received(same, connection_id=2)])]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=gateway_a), threading.Thread(target=gateway_b)]
    for t in threads:
        t.start()
    first_holds.wait(30)
    time.sleep(0.5)  # b's insert is now waiting for a's row
    release.set()
    for t in threads:
        t.join(30)
    assert results == {"a": [Verdict.STORED], "b": [Verdict.STORED, Verdict.DUPLICATE]}
    rows = dict(RawPacket.objects.values_list("qn", "duplicates"))
    assert rows == {"20261130090000001": 1, "20261130090000002": 0}
    assert Reading.objects.filter(point=world.point_a).count() == 2
    assert DeviceState.objects.get(point=world.point_a).packets_total == 2
