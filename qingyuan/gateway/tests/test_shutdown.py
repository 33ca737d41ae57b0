"""Graceful shutdown: stop accepting, stop reading, store and answer what was read, close."""

import asyncio
import threading
import time

import pytest

from qingyuan.gateway.config import GatewayConfig
from qingyuan.gateway.server import GatewayServer
from qingyuan.gateway.sink import Outcome, Verdict

from .support import Device, mn_of, qn_of, qns, upload

pytestmark = pytest.mark.slow


class SlowSink:
    """Stores after a delay, so a shutdown arrives while a batch is in flight."""

    def __init__(self, delay):
        self.delay = delay
        self.stored = []
        self.storing = threading.Event()
        self.closed = False

    def store(self, batch, committed=None):
        self.storing.set()
        time.sleep(self.delay)
        self.stored.extend(r.packet.qn for r in batch)
        return [Outcome(Verdict.STORED) for _ in batch]

    def record_invalid(self, frames):
        pass

    def gateway_started(self, *a):
        pass

    def session_opened(self, *a):
        pass

    def session_mn(self, *a):
        pass

    def session_closed(self, *a):
        pass

    def pending_commands(self, mns, limit):
        return []

    def upstreams(self):
        return []

    def close(self):
        self.closed = True


async def start(sink, **overrides):
    config = GatewayConfig(host="127.0.0.1", port=0, batch_size=10, **overrides)
    server = GatewayServer(config, lambda: sink)
    await server.start()
    return server


def test_it_stores_and_answers_in_flight_packets_then_closes():
    async def scenario():
        sink = SlowSink(0.3)
        server = await start(sink, shutdown_grace=5.0)
        port = server.port
        dev = await Device.connect(port)
        await dev.send(b"".join(upload(mn_of(0), qn_of(n)) for n in range(25)))
        while not sink.storing.is_set():
            await asyncio.sleep(0.01)
        shutdown = asyncio.create_task(server.shutdown())
        await asyncio.sleep(0.05)
        with pytest.raises(OSError):  # 1. no longer accepting
            await Device.connect(port)
        replies = await dev.replies(25, timeout=5)  # 3. everything read was stored and answered
        assert qns(replies) == [qn_of(n) for n in range(25)]
        assert await dev.closed_within(2)  # 4. then closed
        await shutdown
        assert sink.stored == [qn_of(n) for n in range(25)]
        assert sink.closed  # 5. the sink was closed
        assert server.stats.acked == 25

    asyncio.run(scenario())


def test_it_stops_reading_at_shutdown_and_never_answers_what_it_did_not_store():
    async def scenario():
        sink = SlowSink(0.3)
        server = await start(sink, shutdown_grace=5.0)
        dev = await Device.connect(server.port)
        await dev.send(upload(mn_of(0), qn_of(0)))
        while not sink.storing.is_set():
            await asyncio.sleep(0.01)
        shutdown = asyncio.create_task(server.shutdown())
        await asyncio.sleep(0.05)
        await dev.send(upload(mn_of(0), qn_of(1)))  # arrives after reading stopped
        replies = await dev.replies(1, timeout=5)
        assert qns(replies) == [qn_of(0)]
        assert await dev.closed_within(2)
        await shutdown
        assert sink.stored == [qn_of(0)]

    asyncio.run(scenario())


def test_it_acknowledges_nothing_when_the_grace_period_ends_before_the_store():
    async def scenario():
        sink = SlowSink(1.5)
        server = await start(sink, shutdown_grace=0.3)
        dev = await Device.connect(server.port)
        await dev.send(upload(mn_of(0), qn_of(0)))
        while not sink.storing.is_set():
            await asyncio.sleep(0.01)
        t0 = time.monotonic()
        await server.shutdown()
        assert time.monotonic() - t0 < 3
        assert await dev.closed_within(1)
        assert dev.frames == [] and dev.rest == b""  # no reply
        assert server.stats.acked == 0

    asyncio.run(scenario())
