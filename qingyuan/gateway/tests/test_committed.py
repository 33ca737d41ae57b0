"""The acknowledgement goes out when the sink reports its commit, not when its later work ends."""

import asyncio
import threading
import time

from qingyuan.gateway.sink import Outcome, Verdict
from qingyuan.hj212 import data_ack

from .support import mn_of, upload
from .test_protocol import StubSink, connect, decode, run, settle


class WorkAfterCommitSink(StubSink):
    """Commits, reports it, then does slow work (as the platform evaluates alarms) or fails in it."""

    def __init__(self, *, fail_after_commit=False):
        super().__init__()
        self.fail_after_commit = fail_after_commit
        self.working = threading.Event()
        self.release = threading.Event()

    def store(self, batch, committed=None):
        self.calls += 1
        self.stored.extend(batch)
        outcomes = [Outcome(Verdict.STORED) for _ in batch]
        assert committed is not None, "the gateway asks to hear of the commit"
        committed(outcomes)
        if self.fail_after_commit:
            raise RuntimeError("alarm evaluation failed")
        self.working.set()
        assert self.release.wait(10)
        return outcomes


async def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_it_acknowledges_while_the_sink_is_still_working_after_its_commit():
    async def scenario():
        sink = WorkAfterCommitSink()
        hub, conn, transport = await connect(sink)
        data = upload(mn_of(21), "20240101120000021")
        conn.data_received(data)
        await wait_for(sink.working.is_set)
        await wait_for(lambda: bytes(transport.written) == data_ack(decode(data)[0]))
        assert hub.stats.acked == 1 and hub.batcher.in_flight == 1  # answered, the store call not over
        sink.release.set()
        await settle(hub)
        assert hub.batcher.in_flight == 0 and hub.stats.acked == 1 and hub.stats.stored == 1
    run(scenario())


def test_it_keeps_the_outcomes_when_the_work_after_the_commit_fails():
    async def scenario():
        sink = WorkAfterCommitSink(fail_after_commit=True)
        hub, conn, transport = await connect(sink)
        packets = [upload(mn_of(22), f"2024010112000002{i}") for i in range(3)]
        conn.data_received(b"".join(packets))
        await settle(hub)
        assert bytes(transport.written) == b"".join(data_ack(decode(p)[0]) for p in packets)
        assert len(sink.stored) == 3  # committed: not bisected, not stored again
        assert hub.stats.store_errors == 0 and hub.stats.store_failed == 0 and hub.stats.stored == 3
    run(scenario())
