"""The gateway server: listening socket, connection registry, command dispatch,
forwarding, stats and the graceful shutdown sequence.

Shutdown (``request_shutdown``, wired to SIGTERM/SIGINT by :mod:`.run`):

1. stop accepting: the listening socket is closed;
2. stop reading: every connection pauses reading for good;
3. flush: every packet already read is stored (no batch delay) and answered,
   for at most ``shutdown_grace`` seconds;
4. close every connection (replies already written are flushed by the transport);
5. stop the command loop and the forwarder, write the stats, close the sink.

A packet whose store has not returned when the grace period ends is not
acknowledged; the device retransmits it to the next gateway.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import time
import zlib
from collections.abc import Callable, Iterator

from qingyuan.hj212 import Packet

from . import flow
from .batcher import Batcher, SinkThread
from .config import GatewayConfig
from .forward import Forwarder
from .protocol import Connection
from .replies import set_time_for
from .sink import Sink
from .stats import Stats

log = logging.getLogger("qingyuan.gateway")


ID_SLOTS = 1024  # connection ids of different gateway instances differ modulo this


def connection_ids(instance: str, start_us: int) -> Iterator[int]:
    """The ids of a gateway's connections (``DeviceSession.connection_id`` is unique in the database).

    ``(start_us + n) * ID_SLOTS + slot``, with ``start_us`` the start time in microseconds and
    ``slot`` fixed by the instance name: unique across restarts of one gateway (it would have to
    accept more than one connection per microsecond of its run to reach its next start), and
    across several gateways on one database (docs/configuration.md, QINGYUAN_GATEWAY_NAME), which
    counting from the start time alone was not: a gateway started 0.1 s before another reached
    the other's ids after 100,000 connections (a province's loggers reconnect that often in a
    day or two). Two names share a slot with probability 1/1024 a pair; they then count apart by
    their start times, as before. The ids stay below 2**63 until the year 2255.
    """
    slot = zlib.crc32(instance.encode("utf-8")) % ID_SLOTS
    return (n * ID_SLOTS + slot for n in itertools.count(start_us))


class GatewayServer:
    def __init__(self, config: GatewayConfig, sink_factory: Callable[[], Sink], *, stats: Stats | None = None):
        self.config = config
        self.sink_factory = sink_factory
        self.stats = stats or Stats()
        self.connections: set[Connection] = set()
        self.per_ip: collections.Counter[str] = collections.Counter()
        self.by_mn: dict[str, Connection] = {}
        self.closing = False
        self._ids = connection_ids(config.instance, time.time_ns() // 1000)
        self._server: asyncio.Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()
        self._commands_wanted = asyncio.Event()
        self._all_closed = asyncio.Event()
        self.thread: SinkThread
        self.batcher: Batcher
        self.forwarder: Forwarder | None = None

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.thread = SinkThread(loop)
        await self.thread.open(self.sink_factory)
        await self._announce()
        self.batcher = Batcher(
            self.thread, self.config, self.stats, on_saturated=self._sink_saturated, on_stored=self._stored
        )
        self._server = await loop.create_server(
            lambda: Connection(self, next(self._ids)), self.config.host, self.config.port,
            backlog=4096, reuse_address=True,
        )
        self._tasks.append(loop.create_task(self._command_loop(), name="gateway-commands"))
        if self.config.stats_path:
            self._tasks.append(loop.create_task(self._stats_loop(), name="gateway-stats"))
        if self.config.forward:
            self.forwarder = Forwarder(self.thread, self.config, self.stats)
            self._tasks.append(loop.create_task(self.forwarder.run(), name="gateway-forward"))
        log.info("gateway listening on %s as %s", ", ".join(self.addresses), self.config.instance)

    async def _announce(self) -> None:
        """Tell the sink who we are, so it closes the sessions our previous run left open."""
        try:
            await self.thread.run(self.thread.sink.gateway_started, self.config.instance, time.time())
        except Exception:  # the database may be down: serve anyway, the next start cleans up
            log.exception("gateway_started failed: sessions left open by a previous run stay open")

    @property
    def addresses(self) -> list[str]:
        assert self._server is not None
        return [f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in self._server.sockets]

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def request_shutdown(self) -> None:
        self._stop.set()

    async def serve(self) -> None:
        """Start, run until ``request_shutdown``, then shut down gracefully."""
        await self.start()
        await self._stop.wait()
        await self.shutdown()

    async def shutdown(self) -> None:
        if self.closing:
            return
        self.closing = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.shutdown_grace
        log.info("shutting down: %d connections, %d packets waiting for the sink",
                 len(self.connections), len(self.batcher.queue))
        if self._server is not None:
            self._server.close()  # 1. stop accepting
        for conn in list(self.connections):
            conn.stop_reading()  # 2. stop reading
        try:  # 3. store and answer what was read
            await asyncio.wait_for(self.batcher.drain(), max(0.0, deadline - loop.time()))
        except TimeoutError:
            log.error("shutdown grace expired with %d packets not stored: they are not acknowledged",
                      len(self.batcher.queue) + self.config.batch_size * self.batcher.in_flight)
        for conn in list(self.connections):  # 4. close
            conn.close("shutdown")
        if self.connections:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._all_closed.wait(), max(0.5, deadline - loop.time()))
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.abort()
        await asyncio.sleep(0)  # let connection_lost run and record session_closed
        with contextlib.suppress(TimeoutError):  # the session_closed records
            await asyncio.wait_for(self.batcher.drain(), max(0.5, deadline - loop.time()))
        if self.forwarder is not None:  # 5. background work
            await self.forwarder.stop(timeout=max(0.5, deadline - loop.time()))
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._dump_stats()
        await self.thread.close()
        log.info("gateway stopped: %d packets, %d acknowledged", self.stats.packets, self.stats.acked)

    # -- the Hub the connections use ------------------------------------------
    def admit(self, conn: Connection) -> str | None:
        stats = self.stats
        refusal = None
        if self.closing:
            refusal = "shutting down"
        elif len(self.connections) >= self.config.max_connections:
            refusal = "max_connections"
        elif self.per_ip[conn.ip] >= self.config.max_per_ip:
            refusal = "max_per_ip"
        if refusal is not None:
            stats.connections_refused[refusal] += 1
            log.warning("refused connection from %s: %s", conn.peer, refusal)
            return refusal
        self.connections.add(conn)
        self._all_closed.clear()
        self.per_ip[conn.ip] += 1
        stats.connections_open = len(self.connections)
        stats.connections_total += 1
        if self.batcher.saturated:
            self._pause_later(conn)
        self.batcher.submit_call(self.thread.sink.session_opened, conn.id, conn.peer, conn.opened_at)
        return None

    def _pause_later(self, conn: Connection) -> None:
        def pause() -> None:
            if conn.flow is not None:
                conn.flow.pause(flow.SINK)

        asyncio.get_running_loop().call_soon(pause)

    def authenticated(self, conn: Connection, packet: Packet) -> None:
        mn = packet.mn or ""
        self.by_mn[mn] = conn
        self.batcher.submit_call(self.thread.sink.session_mn, conn.id, mn, time.time())
        if self.config.sync_time_on_connect:
            conn.write(set_time_for(packet, self.config.time_zone))
        self._commands_wanted.set()  # commands may be waiting for this device

    def forget(self, conn: Connection, reason: str) -> None:
        if conn not in self.connections:
            return
        self.connections.discard(conn)
        self.per_ip[conn.ip] -= 1
        if self.per_ip[conn.ip] <= 0:
            del self.per_ip[conn.ip]
        for mn in conn.mns:
            if self.by_mn.get(mn) is conn:
                del self.by_mn[mn]
        self.stats.connections_open = len(self.connections)
        self.stats.connections_closed[reason.partition(":")[0]] += 1
        self.batcher.submit_call(self.thread.sink.session_closed, conn.id, time.time(), reason)
        if not self.connections:
            self._all_closed.set()

    # -- batcher callbacks -----------------------------------------------------
    def _sink_saturated(self, saturated: bool) -> None:
        for conn in self.connections:
            if conn.flow is not None:
                (conn.flow.pause if saturated else conn.flow.resume)(flow.SINK)

    def _stored(self) -> None:
        if self.forwarder is not None:
            self.forwarder.wake()

    # -- background loops ------------------------------------------------------
    async def _command_loop(self) -> None:
        """Write the commands the web queued for connected devices."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._commands_wanted.wait(), self.config.command_interval)
            self._commands_wanted.clear()
            if not self.by_mn or self.closing:
                continue
            try:
                commands = await self.thread.run(self.thread.sink.pending_commands, list(self.by_mn), 100)
            except Exception:
                log.exception("pending_commands failed")
                continue
            for command in commands:
                conn = self.by_mn.get(command.mn)
                if conn is not None and conn.write(command.payload):
                    self.stats.commands_sent += 1
                    log.info("command %d sent to MN=%s at %s", command.id, command.mn, conn.peer)
                else:
                    self.stats.commands_undeliverable += 1
                    log.warning("command %d for MN=%s claimed but the device left", command.id, command.mn)

    async def _stats_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.stats_interval)
            self._dump_stats()

    def _dump_stats(self) -> None:
        if not self.config.stats_path:
            return
        try:
            self.stats.dump(self.config.stats_path)
        except OSError:
            log.exception("cannot write stats to %s", self.config.stats_path)

