"""Overall connection limit, sink saturation, stats file."""

import asyncio
import json
import time

import pytest

from qingyuan.gateway import flow

from .sqlite_sink import SqliteSink
from .support import PW, Device, eventually, mn_of, qn_of, qns, running_gateway, upload

pytestmark = pytest.mark.slow


class SlowSqliteSink(SqliteSink):
    def store(self, batch, committed=None):
        time.sleep(0.02)
        return super().store(batch, committed)


def test_it_enforces_max_connections_overall(tmp_path):
    async def scenario():
        sink = SqliteSink(str(tmp_path / "gw.sqlite3"))
        async with running_gateway(lambda: sink, max_connections=2) as server:
            first = [await Device.connect(server.port) for _ in range(2)]
            extra = await Device.connect(server.port)
            assert await extra.closed_within(1.0)
            assert server.stats.connections_refused["max_connections"] == 1
            first[0].close()
            await eventually(lambda: server.stats.connections_open == 1)
            again = await Device.connect(server.port)
            assert not await again.closed_within(0.2)

    asyncio.run(scenario())


def test_it_pauses_every_connection_while_the_sink_queue_is_saturated(tmp_path):
    async def scenario():
        sink = SlowSqliteSink(str(tmp_path / "gw.sqlite3"), synchronous="OFF")
        sink.add_devices([(mn_of(i), PW) for i in range(3)])
        async with running_gateway(lambda: sink, sink_queue_high=60, sink_queue_low=10, batch_size=20) as server:
            devices = [await Device.connect(server.port) for _ in range(3)]
            seen_paused = []

            async def watch():
                while True:
                    if server.batcher.saturated:
                        seen_paused.append(all(flow.SINK in c.flow.reasons for c in server.connections))
                    await asyncio.sleep(0.005)

            watcher = asyncio.create_task(watch())
            for i, dev in enumerate(devices):
                await dev.send(b"".join(upload(mn_of(i), qn_of(i * 1000 + n)) for n in range(150)))
            for i, dev in enumerate(devices):
                assert qns(await dev.replies(150)) == [qn_of(i * 1000 + n) for n in range(150)]
            watcher.cancel()
            assert server.stats.sink_paused >= 1 and seen_paused and all(seen_paused)
            assert not server.batcher.saturated
            assert all(not c.flow.read_paused for c in server.connections)
            assert server.stats.sink_queue_peak >= 60

    asyncio.run(scenario())


def test_it_writes_its_counters_as_json(tmp_path):
    stats_path = tmp_path / "gateway-stats.json"

    async def scenario():
        sink = SqliteSink(str(tmp_path / "gw.sqlite3"))
        sink.add_devices([(mn_of(0), PW)])
        async with running_gateway(lambda: sink, stats_path=str(stats_path), stats_interval=0.05) as server:
            dev = await Device.connect(server.port)
            await dev.send(upload(mn_of(0), qn_of(1)) + b"junk##00")
            await dev.replies(1)
            await eventually(lambda: stats_path.exists() and json.loads(stats_path.read_text())["acked"] == 1)
            dev.close()

    asyncio.run(scenario())
    stats = json.loads(stats_path.read_text())  # the final dump at shutdown
    assert stats["packets"] == 1 and stats["stored"] == 1 and stats["acked"] == 1
    assert stats["invalid_total"] >= 1 and stats["connections_total"] == 1
    assert sum(stats["connections_closed"].values()) == 1 and stats["connections_open"] == 0
