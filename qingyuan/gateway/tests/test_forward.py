"""Forwarding from the durable outbox to an upstream platform."""

import asyncio
import socket
import sqlite3

import pytest

from qingyuan.hj212 import NEED_DATA, Decoder, Packet, data_ack

from .sqlite_sink import SqliteSink
from .support import PW, Device, eventually, mn_of, qn_of, qns, running_gateway, upload

pytestmark = pytest.mark.slow


class Upstream:
    """A provincial platform: records packets and answers 9014 to those that ask."""

    def __init__(self):
        self.received = []
        self.server = None

    async def start(self, port):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", port, reuse_address=True)

    async def _handle(self, reader, writer):
        decoder = Decoder()
        while chunk := await reader.read(65536):
            decoder.receive_data(chunk)
            while (event := decoder.next_event()) is not NEED_DATA:
                if isinstance(event, Packet):
                    self.received.append(event.qn)
                    if event.ack_requested:
                        writer.write(data_ack(event))
        writer.close()

    async def stop(self):
        self.server.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def outbox(db_path):
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT count(*), count(delivered_at), sum(attempts > 0) FROM outbox").fetchone()


def test_it_delivers_the_outbox_in_order_exactly_once_after_the_upstream_and_gateway_restart(tmp_path):
    db_path = str(tmp_path / "gw.sqlite3")
    port = free_port()
    setup = SqliteSink(db_path)
    setup.add_devices([(mn_of(0), PW)])
    setup.add_upstream("province", "127.0.0.1", port)
    setup.close()
    fast = dict(forward_interval=0.05, forward_backoff=0.05, forward_backoff_cap=0.2, forward_ack_timeout=2.0)

    async def send(server, numbers):
        dev = await Device.connect(server.port)
        await dev.send(b"".join(upload(mn_of(0), qn_of(n)) for n in numbers))
        assert qns(await dev.replies(len(numbers))) == [qn_of(n) for n in numbers]
        dev.close()

    async def scenario():
        upstream = Upstream()
        async with running_gateway(lambda: SqliteSink(db_path, lease=0.5), **fast) as server:
            await send(server, range(0, 10))  # the upstream is down: the outbox fills
            await eventually(lambda: outbox(db_path)[2] == 10)
            assert server.stats.forward_errors >= 1
        async with running_gateway(lambda: SqliteSink(db_path, lease=0.5), **fast) as server:
            await send(server, range(10, 20))
            await eventually(lambda: outbox(db_path)[0] == 20)
            assert outbox(db_path)[1] == 0
            await upstream.start(port)  # the upstream comes up
            await eventually(lambda: outbox(db_path)[1] == 20)
            await send(server, range(20, 25))
            await eventually(lambda: outbox(db_path)[1] == 25)
            await asyncio.sleep(0.2)
            assert server.stats.forwarded == 25
        await upstream.stop()
        return upstream.received

    received = asyncio.run(scenario())
    assert received == [qn_of(n) for n in range(25)]  # in order, exactly once


class SilentFirstUpstream(Upstream):
    """Reads but never answers on its first connection, then behaves."""

    def __init__(self):
        super().__init__()
        self.connections = 0

    async def _handle(self, reader, writer):
        self.connections += 1
        if self.connections == 1:
            while await reader.read(65536):
                pass
            return
        await super()._handle(reader, writer)


def test_it_sends_again_what_the_upstream_did_not_acknowledge(tmp_path):
    db_path = str(tmp_path / "gw.sqlite3")
    port = free_port()
    setup = SqliteSink(db_path)
    setup.add_devices([(mn_of(0), PW)])
    setup.add_upstream("province", "127.0.0.1", port)
    setup.close()

    async def scenario():
        upstream = SilentFirstUpstream()
        await upstream.start(port)
        fast = dict(forward_interval=0.05, forward_backoff=0.05, forward_backoff_cap=0.2, forward_ack_timeout=0.3)
        async with running_gateway(lambda: SqliteSink(db_path, lease=0.5), **fast) as server:
            dev = await Device.connect(server.port)
            await dev.send(b"".join(upload(mn_of(0), qn_of(n)) for n in range(5)))
            await dev.replies(5)
            await eventually(lambda: outbox(db_path)[1] == 5)
            assert server.stats.forward_errors >= 1
        await upstream.stop()
        return upstream

    upstream = asyncio.run(scenario())
    assert upstream.connections >= 2
    assert upstream.received[-5:] == [qn_of(n) for n in range(5)]  # at least once, in order
