"""Real sockets: the gateway (in a thread, its own event loop) on DjangoSink and the test database,
and the simulator's loggers sending to it."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest

from qingyuan.gateway.config import GatewayConfig
from qingyuan.gateway.server import GatewayServer
from qingyuan.ingest.sink import DjangoSink
from qingyuan.monitoring.models import (
    DeviceCommand,
    DeviceSession,
    DeviceState,
    Quarantine,
    RawPacket,
    Reading,
)
from qingyuan.simulator.device import FleetStats, Options
from qingyuan.simulator.fleet import run_fleet
from qingyuan.simulator.packets import DeviceSpec

pytestmark = pytest.mark.slow


class GatewayThread:
    """``GatewayServer(DjangoSink)`` running in a thread until ``stop()``."""

    def __init__(self, **overrides: object) -> None:
        config = GatewayConfig(host="127.0.0.1", port=0, log_level="WARNING", batch_delay=0.002).replace(**overrides)
        self.server = GatewayServer(config, DjangoSink)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="gateway", daemon=True)
        self.thread.start()
        assert self.ready.wait(20), "gateway did not start"
        if self.error:
            raise self.error

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            await self.server.start()
            self.ready.set()
            await self.server._stop.wait()
            await self.server.shutdown()

        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            self.error = exc
            self.ready.set()

    @property
    def port(self) -> int:
        return self.server.port

    def stop(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self.server.request_shutdown)
        self.thread.join(30)
        assert not self.thread.is_alive(), "gateway did not stop"
        if self.error:
            raise self.error


# The clock starts at 12:00:30; 3 hours of backfill are the minute data of 09:10 ... 11:50 (17) and the
# hours 10:00 and 11:00 (2): 19 uploads for A, and for B, which splits each into 3 sub-packets, 57.
EXPECTED = 19 + 57


def spec_for(point, **kwargs) -> DeviceSpec:
    return DeviceSpec(mn=point.mn, password=point.password, st=point.st, medium=point.outlet.medium,
                      rtd_interval=30, min_interval=10, **kwargs)


def test_it_stores_every_acknowledged_packet_exactly_once(transactional_db, world):
    specs = [
        spec_for(world.point_a),
        spec_for(world.point_b, scenarios=frozenset({"subpackets", "length_plus6"})),
        DeviceSpec(mn="UNREGISTERED000000000001", password="123456"),
    ]
    stats = FleetStats(keep_qns=True)
    gateway = GatewayThread()
    try:
        options = Options(port=gateway.port, backfill_hours=3, realtime=False, over_time=5, window=8,
                          start=dt.datetime(2026, 3, 2, 12, 0, 30))

        async def drive() -> None:
            stop = asyncio.Event()

            async def until_done() -> None:
                while stats.acked < EXPECTED:
                    await asyncio.sleep(0.05)
                stop.set()

            watcher = asyncio.create_task(until_done())
            await run_fleet(specs, options, duration=30, stop=stop, stats=stats)
            watcher.cancel()

        asyncio.run(drive())
    finally:
        gateway.stop()

    assert stats.acked == EXPECTED
    for point in (world.point_a, world.point_b):
        acked = stats.acked_qns[point.mn]
        stored = list(RawPacket.objects.filter(point=point, verdict="stored").exclude(cn__in=("9011", "9012"))
                      .values_list("qn", flat=True))
        assert sorted(stored) == sorted(acked)  # every acknowledged packet is there, exactly once
        # the loggers' answers to their first-connection setup (never acknowledged: replies get no reply)
        assert DeviceCommand.objects.filter(point=point, setup=True).count() == 6
    assert Reading.objects.filter(point=world.point_a, kind="minute").values("time").distinct().count() == 17
    assert Reading.objects.filter(point=world.point_b, kind="hour", parameter="w01018").count() == 2
    assert RawPacket.objects.filter(point=world.point_b).exclude(result=None).count() == 57  # length + 6 noted
    assert DeviceState.objects.filter(online=True).count() == 2
    assert Quarantine.objects.get().mn == "UNREGISTERED000000000001"
    assert not RawPacket.objects.filter(mn="UNREGISTERED000000000001").exists()
    assert DeviceSession.objects.filter(point=world.point_a).exists()


def test_it_answers_a_retransmission_and_stores_it_once(transactional_db, world):
    from qingyuan.gateway.tests.support import Device, qns
    from qingyuan.monitoring.models import DeviceSetup

    from .support import frame

    DeviceSetup.objects.create(point=world.point_a, enabled=False)  # only the 9014s on the wire here
    data = frame(world.point_a.mn, qn="20260101120000777")
    gateway = GatewayThread()
    try:
        async def scenario() -> list[str]:
            device = await Device.connect(gateway.port)
            await device.send(data)
            first = await device.replies(1)
            await device.send(data)  # as if our 9014 had been lost
            second = await device.replies(1)
            device.close()
            return qns(first + second)

        assert asyncio.run(scenario()) == ["20260101120000777", "20260101120000777"]
    finally:
        gateway.stop()
    raw = RawPacket.objects.get()
    assert raw.duplicates == 1 and Reading.objects.count() == 1


def test_it_sends_the_first_connection_setup_on_the_wire_once(transactional_db, world):
    import re
    import socket
    import time as _time

    from qingyuan.hj212 import build_packet

    point = world.point_a

    def packet(cn, qn, cp):
        return build_packet(st="32", cn=cn, pw=point.password, mn=point.mn, cp=cp, qn=qn, flag=5)

    def read_frames(sock, n, timeout):
        data, deadline = b"", _time.monotonic() + timeout
        sock.settimeout(0.2)
        while data.count(b"\r\n") < n and _time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                break
            data += chunk
        return [f for f in data.split(b"\r\n") if f]

    gateway = GatewayThread(command_interval=0.2)
    try:
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as device:
            device.sendall(packet("2051", "20260101120000001", "DataTime=20260101120000;w01018-Avg=40.1"))
            frames = read_frames(device, 7, 15)  # the 9014, then the six setup commands
            cns = [re.search(rb";CN=(\d+);", f).group(1).decode() for f in frames]
            assert cns == ["9014", "1012", "1000", "1062", "1064", "2011", "2021"]
            for f in frames[1:]:
                qn = re.search(rb"QN=(\d+);", f).group(1).decode()
                device.sendall(packet("9011", qn, "QnRtn=1"))
                if b"CN=2011" not in f and b"CN=2021" not in f:
                    device.sendall(packet("9012", qn, "ExeRtn=1"))
            deadline = _time.monotonic() + 10
            while DeviceCommand.objects.filter(setup=True, status="done").count() < 6:
                assert _time.monotonic() < deadline, list(DeviceCommand.objects.values_list("cn", "status"))
                _time.sleep(0.1)
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as device:  # a reconnect
            device.sendall(packet("2051", "20260101121000001", "DataTime=20260101121000;w01018-Avg=40.1"))
            assert [b"CN=9014" in f for f in read_frames(device, 2, 2)] == [True]  # the 9014 and nothing else
    finally:
        gateway.stop()
    assert DeviceCommand.objects.filter(setup=True).count() == 6
