"""A peer sending garbage: closed after a limit, logged once per run, and no delay for others."""

import asyncio
import logging
import statistics

import pytest

from qingyuan.hj212 import data_ack

from .sqlite_sink import SqliteSink
from .support import PW, Device, mn_of, qn_of, qns, running_gateway, upload
from .test_protocol import StubSink, connect, decode, run, settle

GOOD = upload(mn_of(9), "20240101120000009")
BAD_CRC = GOOD[:-6] + b"0000\r\n"


def test_it_closes_a_connection_streaming_garbage_and_reports_the_run_once(caplog):
    async def scenario():
        hub, conn, transport = await connect(StubSink())
        with caplog.at_level(logging.INFO, logger="qingyuan.gateway"):
            sent = 0
            while not transport.closing and sent < 1 << 20:
                conn.data_received(b"#" * 4096)
                sent += 4096
            await settle(hub)
        assert transport.closing and 65536 <= sent <= 65536 + 4096
        assert conn.close_reason == f"too much garbage: {sent - 2} bytes in a row"  # "##" may begin a frame
        assert dict(hub.stats.invalid) == {"bad_header": 1}
        assert hub.stats.invalid_bytes == sent
        lines = [r.getMessage() for r in caplog.records]
        assert len(lines) == 2, lines  # the run, and the closing
        assert lines[0].startswith("rejected frame from 10.1.2.3:40000: bad_header (bad length field b'####'")
        assert f"{sent} bytes discarded in all" in lines[0]
    run(scenario())


def test_it_closes_a_connection_after_max_invalid_frames_in_a_row():
    async def scenario():
        hub, conn, transport = await connect(StubSink())
        hub.config = hub.config.replace(max_invalid_frames=5)
        conn.data_received(BAD_CRC * 4 + GOOD)  # a packet ends the run
        await settle(hub)
        assert not transport.closing
        assert bytes(transport.written) == data_ack(decode(GOOD)[0])
        conn.data_received(BAD_CRC * 4)
        assert not transport.closing
        conn.data_received(BAD_CRC)
        assert transport.closing
        assert conn.close_reason == "too many invalid frames: 5 in a row"
        assert hub.stats.invalid["bad_crc"] == 9
    run(scenario())


def test_it_logs_a_run_of_rejected_frames_once_a_minute_and_counts_each(caplog):
    async def scenario():
        hub, conn, transport = await connect(StubSink())
        with caplog.at_level(logging.INFO, logger="qingyuan.gateway"):
            for _ in range(60):
                conn.data_received(BAD_CRC + b"x" + GOOD)
            await settle(hub)
        assert not transport.closing
        assert hub.stats.invalid["bad_crc"] == 60 and hub.stats.invalid["bad_header"] == 60
        lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(lines) == 2, lines[:5]  # one per reason
    run(scenario())


def test_it_lets_a_long_run_of_garbage_between_packets_through_under_the_limit():
    async def scenario():
        hub, conn, transport = await connect(StubSink())
        conn.data_received(b"##x" * 10_000 + GOOD)
        await settle(hub)
        assert not transport.closing
        assert bytes(transport.written) == data_ack(decode(GOOD)[0])
        assert dict(hub.stats.invalid) == {"bad_header": 1} and hub.stats.invalid_bytes == 30_000
    run(scenario())


@pytest.mark.slow
@pytest.mark.parametrize("unit", [b"#", b"##x", b"##0000", b"##123456789"])
def test_it_acknowledges_a_device_promptly_while_another_connection_streams_garbage(tmp_path, unit):
    chunk = (unit * (65536 // len(unit) + 1))[:65536]

    async def hostile(port, stop, closed):
        while not stop.is_set():  # reconnect each time the gateway closes us
            dev = await Device.connect(port)
            try:
                while not stop.is_set() and not dev.reader.at_eof():
                    await dev.send(chunk)
                    await asyncio.sleep(0)
            except ConnectionError:
                pass
            if dev.reader.at_eof() or dev.writer.is_closing() or await dev.closed_within(2.0):
                closed.append(1)
            dev.close()

    async def scenario():
        sink = SqliteSink(str(tmp_path / "gw.sqlite3"), synchronous="NORMAL")
        sink.add_devices([(mn_of(0), PW)])
        async with running_gateway(lambda: sink) as server:
            good = await Device.connect(server.port)
            stop, closed = asyncio.Event(), []
            attack = asyncio.create_task(hostile(server.port, stop, closed))
            await asyncio.sleep(0.2)  # the garbage is flowing
            loop = asyncio.get_running_loop()
            latencies = []
            for n in range(60):
                started = loop.time()
                await good.send(upload(mn_of(0), qn_of(n)))
                assert qns(await good.replies(1, timeout=30)) == [qn_of(n)]
                latencies.append(loop.time() - started)
                await asyncio.sleep(0.02)
            stop.set()
            await asyncio.wait_for(attack, 10)
            good.close()
            return latencies, closed, dict(server.stats.connections_closed), server.stats.invalid_bytes

    latencies, closed, closed_by_reason, garbage = asyncio.run(scenario())
    assert statistics.median(latencies) < 0.2, statistics.median(latencies)
    assert max(latencies) < 2.0, max(latencies)
    assert closed and closed_by_reason.get("too much garbage", 0) >= 1
    assert garbage >= 65536
