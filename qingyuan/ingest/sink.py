"""``DjangoSink``: the gateway's :class:`~qingyuan.gateway.sink.Sink` on the Django database.

The gateway calls every method from its one sink thread, one call at a time,
so the sink uses that thread's Django connection and needs no locking. A
database error closes the connection (the next call opens a fresh one) and is
raised, so the gateway does not acknowledge what was not committed.

``store`` hands the outcomes to the gateway through ``committed`` the moment its
transaction commits; only then do the on-commit listeners run (the alarm engine
judges the batch, writes alarms and their assignments) in this same thread, while
the gateway writes the acknowledgements. See ``docs/gateway-behavior.md``.

Run it with ``manage.py gateway``; ``bench/gateway_e2e.py --sink django`` and
the end-to-end tests construct it with no arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from django.db import DatabaseError, connection

from qingyuan.gateway import sink as gw
from qingyuan.gateway.logmask import masked_logger
from qingyuan.ingest import evidence, forwarding, sessions
from qingyuan.ingest.process import process_packets
from qingyuan.monitoring.actions import claim_commands, queue_device_setup

log = masked_logger("qingyuan.ingest")  # every PW= in its lines is masked

F = TypeVar("F", bound=Callable[..., Any])


def _database_call(fn: F) -> F:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DatabaseError:
            connection.close()  # a broken connection is replaced on the next call
            raise

    return call  # type: ignore[return-value]


class DjangoSink:
    """Implements :class:`qingyuan.gateway.sink.Sink`; see the module doc."""

    @_database_call
    def store(self, batch: Sequence[gw.Received], committed: gw.Committed | None = None) -> Sequence[gw.Outcome]:
        return process_packets(batch, committed=committed)

    @_database_call
    def record_invalid(self, frames: Sequence[gw.InvalidReceived]) -> None:
        evidence.record_invalid(frames)

    instance = ""  # the gateway's identity, told by gateway_started

    @_database_call
    def gateway_started(self, instance: str, at: float) -> None:
        self.instance = instance
        closed = sessions.gateway_started(instance, at)
        if closed:
            log.warning("gateway %s: closed %d device sessions its previous run left open", instance, closed)

    @_database_call
    def session_opened(self, connection_id: int, peer: str, at: float) -> None:
        sessions.opened(connection_id, peer, at, self.instance)

    @_database_call
    def session_mn(self, connection_id: int, mn: str, at: float) -> None:
        point_id = sessions.authenticated(connection_id, mn, at)
        if point_id is not None:  # a first connection gets its setup commands (spec §6.7)
            queue_device_setup(point_id, connection_id)

    @_database_call
    def session_closed(self, connection_id: int, at: float, reason: str) -> None:
        sessions.closed(connection_id, at, reason)

    @_database_call
    def pending_commands(self, mns: Collection[str], limit: int) -> Sequence[gw.DeviceCommand]:
        return [gw.DeviceCommand(c.pk, c.point.mn, data) for c, data in claim_commands(mns, limit)]

    @_database_call
    def upstreams(self) -> Sequence[gw.Upstream]:
        return forwarding.upstreams()

    @_database_call
    def claim_outbox(self, upstream_id: int, limit: int) -> Sequence[gw.OutboxItem]:
        return forwarding.claim(upstream_id, limit)

    @_database_call
    def outbox_delivered(self, ids: Sequence[int]) -> None:
        forwarding.delivered(ids)

    @_database_call
    def outbox_failed(self, ids: Sequence[int], error: str) -> None:
        forwarding.failed(ids, error)

    def close(self) -> None:
        connection.close()
