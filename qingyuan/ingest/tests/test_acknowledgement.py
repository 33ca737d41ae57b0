"""Real sockets, the Django sink: a 9014 goes out when the batch commits, before alarms are judged,
and never for a batch that did not commit."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from qingyuan.gateway.tests.support import Device, qns
from qingyuan.monitoring.models import DeviceSetup, RawPacket, Reading
from qingyuan.quality import queue
from qingyuan.quality.models import Touched

from .support import frame
from .test_end_to_end import GatewayThread

pytestmark = pytest.mark.slow

MINUTE = "DataTime=20260302080000;w01018-Avg=40.1,w01018-Flag=N;w21003-Avg=1.20,w21003-Flag=N"


class BlockingListener:
    """A batch listener that holds the sink thread until released (a slow alarm evaluation)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.readings: list[tuple[object, ...]] = []

    def __call__(self, readings) -> None:  # type: ignore[no-untyped-def]
        self.started.set()
        self.readings.extend(tuple(r[:5]) for r in readings)
        assert self.release.wait(20)


def wait_until(check, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_it_acknowledges_before_the_alarm_listeners_run(transactional_db, world, monkeypatch):
    listener = BlockingListener()
    monkeypatch.setattr(queue, "_batch_listeners", [listener, *queue._batch_listeners])
    DeviceSetup.objects.create(point=world.point_a, enabled=False)  # only the 9014 on the wire
    data = frame(world.point_a.mn, qn="20260302080000101", cp=MINUTE)
    gateway = GatewayThread()
    try:
        async def scenario() -> list[str]:
            device = await Device.connect(gateway.port)
            await device.send(data)
            replies = await device.replies(1, timeout=10)  # the listener holds the sink thread for 20 s
            device.close()
            return qns(replies)

        assert asyncio.run(scenario()) == ["20260302080000101"]
        wait_until(listener.started.is_set)
        assert RawPacket.objects.filter(qn="20260302080000101", verdict="stored").count() == 1
        assert Touched.objects.get().evaluated_at is None  # the 9014 did not wait for the evaluation
        listener.release.set()
        wait_until(lambda: Touched.objects.filter(evaluated_at__isnull=False).exists())
    finally:
        listener.release.set()
        gateway.stop()
    assert sorted(r[3] for r in listener.readings) == ["w01018", "w21003"]
    assert Reading.objects.filter(point=world.point_a, kind="minute").count() == 2


def test_it_sends_no_acknowledgement_when_the_store_fails(transactional_db, world, monkeypatch):
    import qingyuan.ingest.process as process

    def broken(columns, rows):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk I/O error")  # inside the batch's transaction: nothing commits

    monkeypatch.setattr(process, "readings_committed", broken)
    DeviceSetup.objects.create(point=world.point_a, enabled=False)
    gateway = GatewayThread(store_retry_delay=0.1, store_retry_cap=0.2)
    try:
        async def scenario() -> bool:
            device = await Device.connect(gateway.port)
            await device.send(frame(world.point_a.mn, qn="20260302080000102", cp=MINUTE))
            silent = await device.nothing_for(1.5)
            device.close()
            return silent

        assert asyncio.run(scenario())
        assert gateway.server.stats.store_errors >= 2 and gateway.server.stats.acked == 0
    finally:
        gateway.stop()
    assert not RawPacket.objects.exists() and not Reading.objects.exists() and not Touched.objects.exists()
