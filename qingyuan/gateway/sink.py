"""The one joint between the gateway and storage.

The gateway never touches a database. It hands packets to a :class:`Sink` and
acknowledges a packet only after ``store`` reported it ``STORED`` or
``DUPLICATE``: from the ``committed`` callback the sink calls right after its
commit, before any work that follows (evaluating alarms), or else when ``store``
returns. Every method is called from one dedicated sink thread, never
from the event loop, one call at a time, so an implementation may keep a
thread-bound database connection and needs no locking of its own.

``qingyuan.ingest`` implements this for Django; ``gateway/tests/sqlite_sink.py``
is a standard-library reference used by the tests and benchmarks.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from qingyuan.hj212 import Packet


@dataclass(frozen=True, slots=True)
class Received:
    packet: Packet
    peer: str  # "ip:port"
    received_at: float  # epoch seconds
    connection_id: int


class Verdict(enum.Enum):
    STORED = "stored"  # committed now -> acknowledge
    DUPLICATE = "duplicate"  # already committed before (retransmission) -> acknowledge, nothing changes
    QUARANTINED = "quarantined"  # unknown MN, wrong PW, ... -> never acknowledge
    REJECTED = "rejected"  # parsed but unusable (e.g. no MN) -> never acknowledge


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    reason: str = ""


@dataclass(frozen=True, slots=True)
class InvalidReceived:  # a rejected frame, for counting/evidence
    reason: str
    detail: str
    data: bytes
    peer: str
    received_at: float
    connection_id: int


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    id: int
    mn: str
    payload: bytes  # exact bytes to write; the sink built them (QN included)


@dataclass(frozen=True, slots=True)
class Upstream:
    id: int
    name: str
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    upstream_id: int
    payload: bytes


Committed = Callable[[Sequence[Outcome]], None]


class Sink(Protocol):
    def store(self, batch: Sequence[Received], committed: Committed | None = None) -> Sequence[Outcome]:
        """Store the batch in ONE transaction and return one outcome per packet, in order.

        Raising before the commit means nothing in the batch is committed and nothing is acknowledged.
        ``committed``, when given, is called once with the same outcomes the moment the transaction
        has committed and before any work that follows the commit (the platform evaluates alarms
        and writes their assignments then): the gateway acknowledges from it, without waiting for
        that work. An exception raised after ``committed`` was called does not undo the commit: the
        gateway keeps the outcomes it was given and logs the error. A sink with no such work may
        ignore ``committed``; the gateway then answers when ``store`` returns.
        Device replies (9011/9012) and uploads alike come through here; the sink
        records replies against the command with the same QN and, for upstreams that
        take the packet, adds it to the durable outbox in the same transaction.
        """
        ...

    def record_invalid(self, frames: Sequence[InvalidReceived]) -> None: ...

    def gateway_started(self, instance: str, at: float) -> None:
        """Called once, before the first connection is accepted, with this gateway's identity.

        Sessions a previous run of the same ``instance`` left open (it was killed)
        are closed as of ``at``; every session opened afterwards belongs to ``instance``.
        """
        ...

    def session_opened(self, connection_id: int, peer: str, at: float) -> None: ...

    def session_mn(self, connection_id: int, mn: str, at: float) -> None:
        """First time an authenticated MN is seen on a connection (its first stored packet)."""
        ...

    def session_closed(self, connection_id: int, at: float, reason: str) -> None: ...

    def pending_commands(self, mns: Collection[str], limit: int) -> Sequence[DeviceCommand]:
        """Claim queued commands for these connected MNs (marks them sent)."""
        ...

    def upstreams(self) -> Sequence[Upstream]: ...

    def claim_outbox(self, upstream_id: int, limit: int) -> Sequence[OutboxItem]:
        """Claim undelivered items for one upstream, oldest first."""
        ...

    def outbox_delivered(self, ids: Sequence[int]) -> None: ...

    def outbox_failed(self, ids: Sequence[int], error: str) -> None:
        """Release the claim; the items are offered again by a later ``claim_outbox``."""
        ...
