"""One device connection: bytes in, packets to the sink, replies after the outcome.

The connection feeds every received byte to a sans-IO :class:`Decoder` and hands
each complete packet to the batcher. It answers a packet only once the sink
has decided about it (9014 for an upload with A=1; 9013 then 1012 for a 1013
time-calibration request; nothing for 9011/9012/9013/9014, quarantined or
rejected packets), and always in the order the packets arrived.

Limits enforced here: connections over the server's limits are closed at once;
rejected frames are counted and logged with peer and reason (a run of the same
reason once a minute); ``max_invalid_frames`` rejected frames or
``max_garbage_bytes`` rejected bytes in a row (no packet between) close the
connection; a frame that stays
incomplete longer than ``frame_timeout`` (a slow sender) or a buffer the decoder
refuses (:class:`ProtocolError`) closes the connection; no packet for
``idle_timeout`` with nothing pending closes it; reading pauses above the
high-water mark of unanswered bytes (see :mod:`.flow`).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from typing import Protocol

from qingyuan.hj212 import NEED_DATA, Decoder, InvalidFrame, Packet, ProtocolError

from . import flow
from .batcher import Batcher, Pending
from .config import GatewayConfig
from .replies import replies_for
from .sink import InvalidReceived, Outcome, Received, Verdict
from .stats import Stats

log = logging.getLogger("qingyuan.gateway")

ACCEPTED = (Verdict.STORED, Verdict.DUPLICATE)
REFUSAL_LOG_INTERVAL = 60.0  # seconds between two log lines for the same refusal on one connection
REFUSAL_KEYS_MAX = 64


class LogRuns:
    """Per connection: log the first of a run of the same key, then at most one line a minute
    saying how many followed. Every occurrence is still counted in ``Stats``."""

    def __init__(self) -> None:
        self.runs: dict[tuple[object, ...], list[float]] = {}  # key -> [last logged, not logged]

    def due(self, key: tuple[object, ...], now: float) -> str | None:
        """None to stay quiet, else the suffix of the line to log ("" or how many followed)."""
        run = self.runs.get(key)
        if run is not None and now - run[0] < REFUSAL_LOG_INTERVAL:
            run[1] += 1
            return None
        more = f" ({run[1]:.0f} more like it since the last line)" if run is not None and run[1] else ""
        if run is None and len(self.runs) >= REFUSAL_KEYS_MAX:
            self.runs.clear()
        self.runs[key] = [now, 0]
        return more


class RefusalLog(LogRuns):
    """Refusals (verdict, MN, reason): a logger backfilling a day of data with a wrong password
    would otherwise write a line per packet."""

    def refused(self, peer: str, packet: Packet, outcome: Outcome, now: float) -> None:
        more = self.due((outcome.verdict.value, packet.mn, outcome.reason), now)
        if more is not None:
            log.info("%s packet from %s MN=%s CN=%s: %s%s", outcome.verdict.value, peer, packet.mn, packet.cn,
                     outcome.reason, more)


class Hub(Protocol):
    """What a connection needs from the server."""

    config: GatewayConfig
    stats: Stats
    batcher: Batcher

    def admit(self, conn: Connection) -> str | None:
        """Register the connection; return why it is refused, or None."""
        ...

    def authenticated(self, conn: Connection, packet: Packet) -> None:
        """First stored packet of its MN on this connection."""
        ...

    def forget(self, conn: Connection, reason: str) -> None: ...


class Connection(asyncio.Protocol):
    __slots__ = (
        "hub", "id", "transport", "peer", "ip", "decoder", "flow", "pending", "mns",
        "opened_at", "last_packet", "frame_started", "timer", "close_reason", "eof", "refused",
        "refusals", "rejections", "invalid_run", "garbage_run",
    )

    def __init__(self, hub: Hub, connection_id: int) -> None:
        self.hub = hub
        self.id = connection_id
        self.transport: asyncio.Transport | None = None
        self.peer = "?"
        self.ip = "?"
        self.decoder: Decoder | None = None
        self.flow: flow.FlowControl | None = None
        self.pending: collections.deque[Pending] = collections.deque()
        self.mns: set[str] = set()
        self.refusals: RefusalLog | None = None  # made at the first refusal (10,000 idle devices stay small)
        self.rejections: LogRuns | None = None  # the same for rejected frames
        self.invalid_run = 0  # rejected frames since the last packet
        self.garbage_run = 0  # and their bytes
        self.opened_at = 0.0
        self.last_packet = 0.0  # loop time of the last packet (or of the connection)
        self.frame_started: float | None = None  # loop time an incomplete frame began
        self.timer: asyncio.TimerHandle | None = None
        self.close_reason = ""
        self.eof = False
        self.refused = False

    # -- asyncio.Protocol ------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peername = transport.get_extra_info("peername")
        if isinstance(peername, tuple) and len(peername) >= 2:
            self.ip, port = str(peername[0]), peername[1]
            self.peer = f"{self.ip}:{port}"
        self.opened_at = time.time()
        refusal = self.hub.admit(self)
        if refusal is not None:
            self.refused = True
            transport.abort()
            return
        config = self.hub.config
        transport.set_write_buffer_limits(high=config.write_high_water)
        self.flow = flow.FlowControl(transport, high_water=config.high_water, low_water=config.low_water)
        self.last_packet = self._now()
        self._arm(self.last_packet + config.idle_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.refused:
            return
        if self.decoder is not None and self.decoder.pending_garbage:
            self._report_rest(self.decoder)  # the garbage run it was in, reported when it ends
        reason = self.close_reason or (f"reset: {exc}" if exc else "closed by peer")
        self.hub.forget(self, reason)

    def pause_writing(self) -> None:
        if self.flow is not None:
            self.flow.pause(flow.WRITING)

    def resume_writing(self) -> None:
        if self.flow is not None:
            self.flow.resume(flow.WRITING)

    def eof_received(self) -> bool:
        self.eof = True
        self._feed(b"")
        if not self.pending:
            self.close("end of stream")
        return True  # keep the write side open until pending packets are answered

    def data_received(self, data: bytes) -> None:
        if self.close_reason:
            return
        self._feed(data)

    # -- decoding --------------------------------------------------------------
    def _feed(self, data: bytes) -> None:
        decoder = self.decoder
        if decoder is None:
            decoder = self.decoder = Decoder(max_segment=self.hub.config.max_segment)
        progressed = False
        try:
            decoder.receive_data(data)
            while True:
                event = decoder.next_event()
                if event is NEED_DATA:
                    break
                progressed = True
                if isinstance(event, Packet):
                    self.invalid_run = self.garbage_run = 0
                    self._packet(event)
                elif isinstance(event, InvalidFrame):
                    self._rejected(event)
                    if self._over_limit(decoder):
                        break
        except ProtocolError as exc:
            self._invalid("PROTOCOL_ERROR", str(exc), b"")
            self.close(f"protocol error: {exc}")
            return
        over = self._over_limit(decoder)
        if over:
            self._close_flooded(decoder, over)
            return
        self._track_frame(progressed)

    def _rejected(self, event: InvalidFrame) -> None:
        self.invalid_run += 1
        self.garbage_run += event.count
        self._invalid(event.reason.value, event.detail, event.data, event.count)

    def _over_limit(self, decoder: Decoder) -> str:
        """Why the connection must close for what it sent since its last packet ("" if it need not)."""
        config = self.hub.config
        if self.invalid_run >= config.max_invalid_frames:
            return f"too many invalid frames: {self.invalid_run} in a row"
        garbage = self.garbage_run + decoder.pending_garbage
        if garbage >= config.max_garbage_bytes:
            return f"too much garbage: {garbage} bytes in a row"
        return ""

    def _close_flooded(self, decoder: Decoder, reason: str) -> None:
        self._report_rest(decoder)
        self.close(reason)

    def _report_rest(self, decoder: Decoder) -> None:
        """End the stream and report what the decoder holds (packets now go unanswered)."""
        try:
            decoder.receive_data(b"")
            while (event := decoder.next_event()) is not NEED_DATA:
                if isinstance(event, InvalidFrame):
                    self._rejected(event)
        except ProtocolError:
            pass

    def _track_frame(self, progressed: bool) -> None:
        """Start the slow-sender clock when bytes of an unfinished frame are buffered."""
        if not buffered(self.decoder):
            self.frame_started = None
            return
        if progressed or self.frame_started is None:
            now = self._now()
            self.frame_started = now
            self._arm(now + self.hub.config.frame_timeout)

    def _packet(self, packet: Packet) -> None:
        hub = self.hub
        hub.stats.packets += 1
        self.last_packet = self._now()
        pending = Pending(Received(packet, self.peer, time.time(), self.id), self)
        self.pending.append(pending)
        assert self.flow is not None
        self.flow.add(pending.size)
        hub.batcher.submit(pending)

    def _invalid(self, reason: str, detail: str, data: bytes, count: int = 0) -> None:
        stats = self.hub.stats
        stats.invalid[reason] += 1
        stats.invalid_bytes += count
        if self.rejections is None:
            self.rejections = LogRuns()
        more = self.rejections.due((reason,), time.monotonic())
        if more is not None:
            log.warning("rejected frame from %s: %s (%s)%s", self.peer, reason, detail, more)
        self.hub.batcher.submit_invalid(
            InvalidReceived(reason, detail, bytes(data[:2048]), self.peer, time.time(), self.id)
        )

    # -- answering -------------------------------------------------------------
    def resolved(self) -> None:
        """Called by the batcher: answer every finished packet at the head, in order, in one write."""
        queue = self.pending
        out: list[bytes] = []
        answered = 0
        while queue and queue[0].done:
            head = queue.popleft()
            if self.flow is not None:
                self.flow.done(head.size)
            packet, outcome = head.received.packet, head.outcome
            replies = self._answer(packet, outcome)
            if replies:
                out.extend(replies)
                answered += 1
            if outcome is not None and outcome.verdict in ACCEPTED and packet.mn and packet.mn not in self.mns:
                self._flush(out, answered)  # our replies go before anything registration sends
                out, answered = [], 0
                self.mns.add(packet.mn)
                self.hub.authenticated(self, packet)
        self._flush(out, answered)
        if self.eof and not queue:
            self.close("end of stream")

    def _flush(self, out: list[bytes], answered: int) -> None:
        if out and self.write(b"".join(out)):
            self.hub.stats.acked += answered

    def _answer(self, packet: Packet, outcome: Outcome | None) -> list[bytes]:
        """The replies this outcome calls for."""
        if outcome is None:
            return []  # store failed: say nothing, the device retransmits
        if outcome.verdict not in ACCEPTED:
            if self.refusals is None:
                self.refusals = RefusalLog()
            self.refusals.refused(self.peer, packet, outcome, time.monotonic())
            return []
        return replies_for(packet, self.hub.config.time_zone)

    def write(self, data: bytes) -> bool:
        transport = self.transport
        if transport is None or transport.is_closing():
            return False
        transport.write(data)
        return True

    # -- closing and timers ----------------------------------------------------
    def close(self, reason: str) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if not self.close_reason:
            self.close_reason = reason
        if reason not in ("end of stream", "shutdown"):
            log.info("closing %s: %s", self.peer, reason)
        self.transport.close()

    def stop_reading(self) -> None:
        """Graceful shutdown: read nothing more, keep answering what was read."""
        if self.flow is not None:
            self.flow.pause(flow.CLOSING)

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _arm(self, when: float) -> None:
        """Make sure the deadline check runs no later than ``when``."""
        if self.timer is not None:
            if self.timer.when() <= when:
                return
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().call_at(when, self._check_deadlines)

    def _check_deadlines(self) -> None:
        self.timer = None
        if self.transport is None or self.transport.is_closing():
            return
        config = self.hub.config
        now = self._now()
        if self.flow is not None and self.flow.read_paused:
            # We are not reading (flow control): the device is not the slow one. The
            # clocks restart; data waiting in the kernel is read once we resume.
            if self.frame_started is not None:
                self.frame_started = now
            self._arm(now + min(config.frame_timeout, config.idle_timeout))
            return
        if self.frame_started is not None and now - self.frame_started >= config.frame_timeout:
            self.hub.stats.invalid["FRAME_TIMEOUT"] += 1
            log.warning("rejected frame from %s: FRAME_TIMEOUT (incomplete for %.1fs)",
                        self.peer, now - self.frame_started)
            self.close("frame timeout (slow sender)")
            return
        idle_deadline = self.last_packet + config.idle_timeout
        if now >= idle_deadline and not self.pending:
            self.close("idle timeout")
            return
        next_check = max(idle_deadline, now + config.idle_timeout * (1 if self.pending else 0))
        if self.frame_started is not None:
            next_check = min(next_check, self.frame_started + config.frame_timeout)
        self._arm(max(next_check, now + 0.001))


def buffered(decoder: Decoder | None) -> int:
    """Bytes the decoder holds of a frame not yet complete."""
    if decoder is None:
        return 0
    return len(decoder.buffer)
