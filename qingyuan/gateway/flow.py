"""Read flow control for one connection.

Reading is paused while *any* reason holds and resumed when none does:

- ``inflight``: the bytes of packets received but not yet answered (waiting for
  the sink) passed the high-water mark; cleared once they fall to the low-water
  mark. Memory per connection is therefore bounded by the high-water mark plus
  one read and one frame.
- ``writing``: the transport's write buffer is full because the peer does not
  read its replies (``pause_writing``); cleared on ``resume_writing``.
- ``sink``: the sink queue is saturated across all connections (set by the
  batcher through the server).
- ``closing``: graceful shutdown; never cleared.
"""

from __future__ import annotations

from typing import Protocol


class Readable(Protocol):
    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...

    def is_closing(self) -> bool: ...


INFLIGHT = "inflight"
WRITING = "writing"
SINK = "sink"
CLOSING = "closing"


class FlowControl:
    __slots__ = ("_transport", "_reasons", "high_water", "low_water", "inflight")

    def __init__(self, transport: Readable, *, high_water: int, low_water: int) -> None:
        self._transport = transport
        self._reasons: set[str] | None = None
        self.high_water = high_water
        self.low_water = low_water
        self.inflight = 0

    @property
    def read_paused(self) -> bool:
        return bool(self._reasons)

    @property
    def reasons(self) -> frozenset[str]:
        return frozenset(self._reasons or ())

    def pause(self, reason: str) -> None:
        if self._reasons is None:
            self._reasons = set()
        was_paused = bool(self._reasons)
        self._reasons.add(reason)
        if not was_paused and not self._transport.is_closing():
            self._transport.pause_reading()

    def resume(self, reason: str) -> None:
        if not self._reasons or reason not in self._reasons:
            return
        self._reasons.discard(reason)
        if not self._reasons and not self._transport.is_closing():
            self._transport.resume_reading()

    def add(self, nbytes: int) -> None:
        """Work of ``nbytes`` was taken on (a packet handed to the sink)."""
        self.inflight += nbytes
        if self.inflight > self.high_water:
            self.pause(INFLIGHT)

    def done(self, nbytes: int) -> None:
        """Work of ``nbytes`` was finished (the packet's outcome is known and answered)."""
        self.inflight -= nbytes
        if self.inflight <= self.low_water:
            self.resume(INFLIGHT)
