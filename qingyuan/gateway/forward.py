"""Forwarding to upstream platforms from the sink's durable outbox.

The sink puts every packet an upstream should receive into its outbox in the
same transaction that stores it, so nothing is forwarded that was not stored and
nothing stored is forgotten across restarts. For each upstream, a link:

1. claims the oldest undelivered items (``claim_outbox``);
2. connects if needed and writes them, in order, on one connection;
3. waits for the upstream's 9014 for every item that asked for one (A=1, with a
   QN), at most ``forward_ack_timeout`` seconds;
4. marks the items up to the first unanswered one delivered and releases the
   rest (``outbox_failed``) to be claimed again;
5. on a connection error, releases the items, closes and waits with exponential
   backoff (``forward_backoff`` doubling to ``forward_backoff_cap``).

Delivery is at least once: if the gateway dies between writing and marking, the
items are sent again after the restart (an upstream treats them as the
retransmissions they are).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from qingyuan.hj212 import NEED_DATA, Decoder, Packet, ProtocolError

from .batcher import SinkThread
from .config import GatewayConfig
from .logmask import masked_logger
from .sink import OutboxItem, Upstream
from .stats import Stats

log = masked_logger("qingyuan.gateway.forward")  # every PW= in its lines is masked

REFRESH_UPSTREAMS = 30.0  # seconds between two reads of the upstream list


def expected_ack(payload: bytes) -> str | None:
    """The QN whose 9014 the upstream owes for this payload, if it owes one."""
    decoder = Decoder()
    decoder.receive_data(payload)
    with contextlib.suppress(ProtocolError):
        event = decoder.next_event()
        if isinstance(event, Packet) and event.ack_requested and event.qn:
            return event.qn
    return None


class Forwarder:
    def __init__(self, thread: SinkThread, config: GatewayConfig, stats: Stats) -> None:
        self.thread = thread
        self.config = config
        self.stats = stats
        self.links: dict[int, Link] = {}
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        for link in self.links.values():
            link.wanted.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                upstreams = await self.thread.run(self.thread.sink.upstreams)
            except Exception:
                log.exception("reading the upstream list failed")
                upstreams = [link.upstream for link in self.links.values()]
            self._reconcile(self._select(upstreams))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), REFRESH_UPSTREAMS)

    def _select(self, upstreams: Sequence[Upstream]) -> list[Upstream]:
        if not self.config.upstreams:
            return list(upstreams)
        named = {u.name: u for u in self.config.upstreams}
        return [
            Upstream(u.id, u.name, named[u.name].host, named[u.name].port) for u in upstreams if u.name in named
        ]

    def _reconcile(self, upstreams: list[Upstream]) -> None:
        wanted = {u.id: u for u in upstreams}
        for uid in list(self.links):
            if uid not in wanted or wanted[uid] != self.links[uid].upstream:
                self.links.pop(uid).cancel()
        for uid, upstream in wanted.items():
            if uid not in self.links:
                self.links[uid] = Link(upstream, self.thread, self.config, self.stats)

    async def stop(self, timeout: float) -> None:
        self._stopping.set()
        links = list(self.links.values())
        for link in links:
            link.stopping = True
            link.wanted.set()
        tasks = [link.task for link in links if link.task is not None]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=timeout)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


class Link:
    """One upstream: a connection, its reply reader, and the delivery loop."""

    def __init__(self, upstream: Upstream, thread: SinkThread, config: GatewayConfig, stats: Stats) -> None:
        self.upstream = upstream
        self.thread = thread
        self.config = config
        self.stats = stats
        self.wanted = asyncio.Event()
        self.wanted.set()
        self.stopping = False
        self.backoff = config.forward_backoff
        self.writer: asyncio.StreamWriter | None = None
        self.reader_task: asyncio.Task[None] | None = None
        self.acked: set[str] = set()
        self.ack_arrived = asyncio.Event()
        self.task: asyncio.Task[None] | None = asyncio.get_running_loop().create_task(
            self.run(), name=f"forward-{upstream.name}"
        )

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self._disconnect()

    async def run(self) -> None:
        sink = self.thread.sink
        try:
            while not self.stopping:
                try:
                    items = await self.thread.run(sink.claim_outbox, self.upstream.id, self.config.forward_batch)
                    if items:
                        await self._deliver(items)
                        continue
                except Exception:  # the sink failed: claims lapse, try again later
                    log.exception("forwarding to %s failed in the sink", self.upstream.name)
                    self._disconnect()
                self.wanted.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wanted.wait(), self.config.forward_interval)
        finally:
            self._disconnect()

    async def _deliver(self, items: Sequence[OutboxItem]) -> None:
        sink = self.thread.sink
        try:
            delivered = await self._send(items)
        except (OSError, TimeoutError, ConnectionError) as exc:
            self.stats.forward_errors += 1
            log.warning("upstream %s (%s:%d) unavailable: %s; retrying in %.1fs", self.upstream.name,
                        self.upstream.host, self.upstream.port, exc or type(exc).__name__, self.backoff)
            self._disconnect()
            await self.thread.run(sink.outbox_failed, [i.id for i in items], str(exc) or type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wait_stopping(), self.backoff)
            self.backoff = min(self.backoff * 2, self.config.forward_backoff_cap)
            return
        self.backoff = self.config.forward_backoff
        done, rest = list(items[:delivered]), list(items[delivered:])
        if done:
            await self.thread.run(sink.outbox_delivered, [i.id for i in done])
            self.stats.forwarded += len(done)
        if rest:
            self.stats.forward_errors += 1
            log.warning("upstream %s did not acknowledge %d packets in time", self.upstream.name, len(rest))
            self._disconnect()
            await self.thread.run(sink.outbox_failed, [i.id for i in rest], "no 9014 from upstream")

    async def _wait_stopping(self) -> None:
        while not self.stopping:
            self.wanted.clear()
            await self.wanted.wait()

    async def _send(self, items: Sequence[OutboxItem]) -> int:
        """Write the items; return how many, from the first, are known delivered."""
        writer = await self._connect()
        require = self.config.forward_require_ack
        expected = [expected_ack(item.payload) if require else None for item in items]
        writer.write(b"".join(item.payload for item in items))
        await asyncio.wait_for(writer.drain(), self.config.forward_ack_timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.forward_ack_timeout
        while True:
            missing = next((i for i, qn in enumerate(expected) if qn and qn not in self.acked), None)
            if missing is None:
                for qn in expected:
                    self.acked.discard(qn or "")
                return len(items)
            if self.reader_task is None or self.reader_task.done() or loop.time() >= deadline:
                return missing
            self.ack_arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ack_arrived.wait(), deadline - loop.time())

    async def _connect(self) -> asyncio.StreamWriter:
        if self.writer is not None and self.reader_task is not None and not self.reader_task.done():
            return self.writer
        self._disconnect()
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.upstream.host, self.upstream.port), self.config.forward_ack_timeout
        )
        self.writer = writer
        self.acked.clear()
        self.reader_task = asyncio.get_running_loop().create_task(self._read_replies(reader))
        log.info("connected to upstream %s at %s:%d", self.upstream.name, self.upstream.host, self.upstream.port)
        return writer

    async def _read_replies(self, reader: asyncio.StreamReader) -> None:
        decoder = Decoder()
        try:
            while chunk := await reader.read(65536):
                decoder.receive_data(chunk)
                while (event := decoder.next_event()) is not NEED_DATA:
                    if isinstance(event, Packet) and event.cn == "9014" and event.qn:
                        if len(self.acked) < 100_000:
                            self.acked.add(event.qn)
                        self.ack_arrived.set()
        except (OSError, ProtocolError) as exc:
            log.info("upstream %s connection ended: %s", self.upstream.name, exc)
        finally:
            self.ack_arrived.set()

    def _disconnect(self) -> None:
        if self.reader_task is not None:
            self.reader_task.cancel()
            self.reader_task = None
        if self.writer is not None:
            self.writer.close()
            self.writer = None
