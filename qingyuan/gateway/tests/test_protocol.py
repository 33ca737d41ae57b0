"""Protocol tests on a mock transport: bytes in, exact bytes out."""

import asyncio
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from qingyuan.gateway.batcher import Batcher, SinkThread
from qingyuan.gateway.config import GatewayConfig
from qingyuan.gateway.protocol import Connection
from qingyuan.gateway.sink import Outcome, Verdict
from qingyuan.gateway.stats import Stats
from qingyuan.hj212 import NEED_DATA, Decoder, Packet, data_ack, notify_ack

from .support import PW, mn_of, upload


def decode(data: bytes) -> list[Packet]:
    decoder = Decoder()
    decoder.receive_data(data)
    out = []
    while (event := decoder.next_event()) is not NEED_DATA:
        assert isinstance(event, Packet), event
        out.append(event)
    return out


class MockTransport(asyncio.Transport):
    def __init__(self):
        super().__init__()
        self.written = bytearray()
        self.closing = False
        self.paused = False

    def get_extra_info(self, name, default=None):
        return ("10.1.2.3", 40000) if name == "peername" else default

    def write(self, data):
        self.written += data

    def is_closing(self):
        return self.closing

    def close(self):
        self.closing = True

    def abort(self):
        self.closing = True

    def pause_reading(self):
        self.paused = True

    def resume_reading(self):
        self.paused = False

    def set_write_buffer_limits(self, high=None, low=None):
        pass


class StubSink:
    def __init__(self, verdict=Verdict.STORED, fail=lambda received: False):
        self.verdict = verdict
        self.fail = fail
        self.stored = []
        self.calls = 0

    def store(self, batch, committed=None):
        self.calls += 1
        if any(self.fail(r) for r in batch):
            raise RuntimeError("database unavailable")
        self.stored.extend(batch)
        return [Outcome(self.verdict, "unknown MN" if self.verdict is Verdict.QUARANTINED else "")
                for _ in batch]

    def record_invalid(self, frames):
        pass

    def session_opened(self, *args):
        pass

    def session_mn(self, *args):
        pass

    def session_closed(self, *args):
        pass


class Hub:
    def __init__(self, sink, batcher_cls=Batcher):
        self.config = GatewayConfig(batch_delay=0.0)
        self.stats = Stats()
        self.sink = sink
        self.thread = SinkThread(asyncio.get_running_loop())
        self.thread._sink = sink
        self.batcher = batcher_cls(self.thread, self.config, self.stats)
        self.authenticated_mns = []

    def admit(self, conn):
        return None

    def authenticated(self, conn, packet):
        self.authenticated_mns.append(packet.mn)

    def forget(self, conn, reason):
        pass


async def connect(sink, batcher_cls=Batcher):
    hub = Hub(sink, batcher_cls)
    conn = Connection(hub, 1)
    transport = MockTransport()
    conn.connection_made(transport)
    return hub, conn, transport


async def settle(hub, seconds=0.05):
    await asyncio.sleep(0)
    await hub.batcher.drain()
    await asyncio.sleep(seconds)


def run(coro):
    return asyncio.run(coro)


def test_it_acknowledges_a_2051_with_a_1_after_store_with_exactly_data_ack():
    async def scenario():
        sink = StubSink()
        hub, conn, transport = await connect(sink)
        data = upload(mn_of(1), "20240101120000001")
        conn.data_received(data)
        assert transport.written == b""  # nothing before the sink's outcome
        await settle(hub)
        assert len(sink.stored) == 1
        assert bytes(transport.written) == data_ack(decode(data)[0])
        assert hub.stats.acked == 1
        assert hub.authenticated_mns == [mn_of(1)]
    run(scenario())


def test_it_sends_nothing_for_a_packet_with_a_0():
    async def scenario():
        sink = StubSink()
        hub, conn, transport = await connect(sink)
        conn.data_received(upload(mn_of(1), "20240101120000001", flag=4))
        await settle(hub)
        assert len(sink.stored) == 1
        assert transport.written == b""
    run(scenario())


def test_it_answers_1013_with_9013_then_1012_in_local_time():
    async def scenario():
        sink = StubSink()
        hub, conn, transport = await connect(sink)
        data = upload(mn_of(2), "20240101120000002", cn="1013", st="32", cp="")
        conn.data_received(data)
        await settle(hub)
        request = decode(data)[0]
        ack = notify_ack(request)
        assert bytes(transport.written[: len(ack)]) == ack
        (set_time,) = decode(bytes(transport.written[len(ack):]))
        assert set_time.cn == "1012" and set_time.mn == mn_of(2) and set_time.pw == PW
        sent = datetime.strptime(set_time.cp.fields["SystemTime"], "%Y%m%d%H%M%S")
        now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
        assert abs((now - sent).total_seconds()) < 5
    run(scenario())


def test_it_sends_nothing_for_a_quarantined_packet():
    async def scenario():
        sink = StubSink(verdict=Verdict.QUARANTINED)
        hub, conn, transport = await connect(sink)
        conn.data_received(upload(mn_of(3), "20240101120000003"))
        await settle(hub)
        assert len(sink.stored) == 1
        assert transport.written == b""
        assert hub.stats.quarantined == 1 and hub.authenticated_mns == []
    run(scenario())


def test_it_acknowledges_a_duplicate_like_a_stored_packet():
    async def scenario():
        hub, conn, transport = await connect(StubSink(verdict=Verdict.DUPLICATE))
        data = upload(mn_of(3), "20240101120000003")
        conn.data_received(data)
        await settle(hub)
        assert bytes(transport.written) == data_ack(decode(data)[0])
    run(scenario())


def test_it_sends_nothing_for_device_replies():
    async def scenario():
        sink = StubSink()
        hub, conn, transport = await connect(sink)
        for cn in ("9011", "9012", "9013", "9014"):
            conn.data_received(upload(mn_of(4), "20240101120000004", cn=cn, st="91", cp="QnRtn=1"))
        await settle(hub)
        assert len(sink.stored) == 4
        assert transport.written == b""
    run(scenario())


def test_it_acknowledges_each_sub_packet():
    async def scenario():
        hub, conn, transport = await connect(StubSink())
        parts = [upload(mn_of(5), f"2024010112000000{i}", flag=7, extra=f"PNUM=3;PNO={i};") for i in (1, 2, 3)]
        conn.data_received(b"".join(parts))
        await settle(hub)
        assert bytes(transport.written) == b"".join(data_ack(decode(p)[0]) for p in parts)
    run(scenario())


class HoldingBatcher:
    """Keeps pendings so the test decides when and in which order they resolve."""

    def __init__(self, thread, config, stats):
        self.held = []
        self.saturated = False

    def submit(self, pending):
        self.held.append(pending)

    def submit_invalid(self, frame):
        pass


def test_it_replies_in_packet_order_whatever_order_outcomes_arrive_in():
    async def scenario():
        hub, conn, transport = await connect(StubSink(), HoldingBatcher)
        packets = [upload(mn_of(6), f"2024010112000001{i}") for i in range(3)]
        conn.data_received(b"".join(packets))
        held = hub.batcher.held
        assert len(held) == 3
        for pending in reversed(held):
            pending.outcome, pending.done = Outcome(Verdict.STORED), True
            conn.resolved()
            if pending is not held[0]:
                assert transport.written == b""  # the first is not answered yet
        assert bytes(transport.written) == b"".join(data_ack(decode(p)[0]) for p in packets)
    run(scenario())


def test_it_writes_nothing_when_store_raises():
    async def scenario():
        sink = StubSink(fail=lambda r: True)
        hub, conn, transport = await connect(sink)
        conn.data_received(upload(mn_of(7), "20240101120000007"))
        await asyncio.sleep(0.5)
        assert sink.calls >= 2  # retried with backoff
        assert transport.written == b""
        assert hub.stats.acked == 0 and hub.stats.store_errors >= 1
    run(scenario())


def test_it_isolates_a_poison_packet_and_acknowledges_the_rest():
    async def scenario():
        poison = "20240101120000666"
        sink = StubSink(fail=lambda r: r.packet.qn == poison)
        hub, conn, transport = await connect(sink)
        hub.batcher.config = hub.config.replace(batch_delay=0.05)
        good = [upload(mn_of(8), f"2024010112000010{i}") for i in range(5)]
        conn.data_received(b"".join(good[:2]) + upload(mn_of(8), poison) + b"".join(good[2:]))
        await settle(hub, 0.2)
        assert [r.packet.qn for r in sink.stored] == [f"2024010112000010{i}" for i in range(5)]
        assert bytes(transport.written) == b"".join(data_ack(decode(p)[0]) for p in good)
        assert hub.stats.store_failed == 1
    run(scenario())


def test_it_counts_and_skips_garbage_and_bad_crc():
    async def scenario():
        hub, conn, transport = await connect(StubSink())
        good = upload(mn_of(9), "20240101120000009")
        bad_crc = good[:-6] + b"0000\r\n"
        conn.data_received(b"garbage!!" + bad_crc + good)
        await settle(hub)
        assert bytes(transport.written) == data_ack(decode(good)[0])
        assert sum(hub.stats.invalid.values()) >= 2
        assert hub.stats.invalid["bad_crc"] == 1
    run(scenario())


def test_it_pauses_reading_above_the_high_water_mark():
    async def scenario():
        hub, conn, transport = await connect(StubSink(), HoldingBatcher)
        conn.flow.high_water, conn.flow.low_water = 500, 200
        packets = [upload(mn_of(10), f"2024010112000020{i}") for i in range(6)]
        conn.data_received(b"".join(packets))
        assert transport.paused
        for pending in hub.batcher.held:
            pending.outcome, pending.done = Outcome(Verdict.STORED), True
            conn.resolved()
        assert not transport.paused
    run(scenario())


def test_it_closes_a_slow_sender_after_the_frame_timeout():
    async def scenario():
        hub, conn, transport = await connect(StubSink())
        hub.config = hub.config.replace(frame_timeout=0.2)
        data = upload(mn_of(11), "20240101120000011")
        conn.data_received(data[:10])
        t0 = time.monotonic()
        conn._arm(asyncio.get_running_loop().time() + 0.2)
        while not transport.closing and time.monotonic() - t0 < 2:
            await asyncio.sleep(0.02)
        assert transport.closing
        assert hub.stats.invalid["FRAME_TIMEOUT"] == 1
    run(scenario())


class FlakySink(StubSink):
    def __init__(self, failures):
        super().__init__()
        self.failures = failures

    def store(self, batch, committed=None):
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is restarting")
        self.stored.extend(batch)
        return [Outcome(Verdict.STORED) for _ in batch]


def test_it_retries_a_failed_batch_and_acknowledges_once_the_sink_recovers():
    async def scenario():
        sink = FlakySink(failures=4)  # the database is down for four calls
        hub, conn, transport = await connect(sink)
        hub.batcher.config = hub.config.replace(store_retry_delay=0.05)
        hub.batcher._backoff = 0.05
        packets = [upload(mn_of(12), f"2024010112000030{i}") for i in range(2)]
        conn.data_received(b"".join(packets))
        expected = b"".join(data_ack(decode(p)[0]) for p in packets)
        for _ in range(100):
            if len(transport.written) >= len(expected):
                break
            await asyncio.sleep(0.02)
        assert bytes(transport.written) == expected
        assert len(sink.stored) == 2 and hub.stats.store_errors >= 2
    run(scenario())


def test_it_does_not_blame_the_device_for_time_spent_paused_by_flow_control():
    async def scenario():
        hub, conn, transport = await connect(StubSink(), HoldingBatcher)
        hub.config = hub.config.replace(frame_timeout=0.1)
        conn.flow.high_water, conn.flow.low_water = 100, 50
        data = upload(mn_of(13), "20240101120000013")
        conn.data_received(data + data[:10])  # one packet (now paused) and a partial frame
        assert transport.paused
        await asyncio.sleep(0.4)
        assert not transport.closing  # paused by us: no frame timeout
        pending = hub.batcher.held[0]
        pending.outcome, pending.done = Outcome(Verdict.STORED), True
        conn.resolved()
        assert not transport.paused
        await asyncio.sleep(0.4)
        assert transport.closing  # reading again and the frame never completes
    run(scenario())


def test_it_logs_a_run_of_the_same_refusal_once_a_minute(caplog):
    from qingyuan.gateway.protocol import RefusalLog
    from qingyuan.gateway.sink import Outcome

    refusals = RefusalLog()
    packet = decode(upload(mn_of(5), "20240101120000005"))[0]
    wrong_pw = Outcome(Verdict.QUARANTINED, "wrong password")
    with caplog.at_level("INFO", logger="qingyuan.gateway"):
        for second in range(30):
            refusals.refused("10.0.0.5:4000", packet, wrong_pw, 1000.0 + second)
        refusals.refused("10.0.0.5:4000", packet, Outcome(Verdict.QUARANTINED, "inactive point"), 1031.0)
        refusals.refused("10.0.0.5:4000", packet, wrong_pw, 1061.0)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        f"quarantined packet from 10.0.0.5:4000 MN={mn_of(5)} CN=2051: wrong password",
        f"quarantined packet from 10.0.0.5:4000 MN={mn_of(5)} CN=2051: inactive point",
        f"quarantined packet from 10.0.0.5:4000 MN={mn_of(5)} CN=2051: wrong password"
        " (29 more like it since the last line)",
    ]
