"""The hot standby's health: reachable or not, how far behind the primary, and may reads go to it.

The standby is the ``replica`` database alias (``QINGYUAN_DATABASE_REPLICA_URL``). Its lag is
``now() - pg_last_xact_replay_timestamp()`` measured on the standby, except that a standby which
has replayed everything it received (``pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()``) is
caught up: an idle primary sends nothing, so the last replayed transaction ages without the
standby being behind. The measure is cached for ``CACHE_SECONDS`` per process. Reads may go to
the standby only while it is reachable, in recovery and at most ``QINGYUAN_REPLICA_MAX_LAG_S``
behind; every change of that verdict is logged once (WARNING when reads fall back to the
primary). See docs/deployment.md, "Province setup".
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
CACHE_SECONDS = 5.0
# How long a replica scope waits for the standby to replay what the primary had written when the
# scope's first read came (usually a few milliseconds), before it reads from the primary instead.
CATCH_UP_SECONDS = 0.25

log = logging.getLogger("qingyuan.replica")

LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""

UNREACHABLE, LAGGING, NOT_STANDBY, UNKNOWN = "unreachable", "lagging", "not_standby", "unknown"


@dataclass(frozen=True, slots=True)
class Standby:
    """One measure of the standby. ``problem`` is "" when reads may go to it."""

    lag: float | None  # seconds behind the primary; None when it could not be measured
    max_lag: int
    problem: str = ""
    detail: str = ""

    @property
    def usable(self) -> bool:
        return not self.problem


_lock = threading.Lock()
_cached: tuple[float, Standby] | None = None
_last_verdict: str | None = None


def configured() -> bool:
    return REPLICA in connections.settings


def standby(*, fresh: bool = False) -> Standby | None:
    """The standby's state (cached a few seconds), or None when no standby is configured."""
    global _cached
    if not configured():
        return None
    cached = _cached
    if cached is not None and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    with _lock:
        cached = _cached
        if cached is not None and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        state = measure()
        _cached = (time.monotonic(), state)
        _report(state)
    return state


def replica_lag() -> float | None:
    """Seconds the standby is behind the primary (0 when caught up); None if unset or unmeasurable."""
    state = standby()
    return state.lag if state is not None else None


def caught_up(*, wait: float = CATCH_UP_SECONDS) -> bool:
    """True when the standby is usable and has replayed everything the primary has written by now.

    Then a read from the standby sees every transaction committed before this call, by any process:
    an edit saved on the previous request, or a cache version bumped on commit, is not read stale
    from the standby and cached under the new version."""
    state = standby()
    if state is None or not state.usable:
        return False
    primary, standby_connection = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    if primary.vendor != "postgresql" or standby_connection.vendor != "postgresql":
        return True
    deadline = time.monotonic() + wait
    try:
        with primary.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (target,) = cursor.fetchone()
        with standby_connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return True
                if time.monotonic() >= deadline:
                    log.debug("the standby did not replay %s within %.2f s: reading from the primary", target, wait)
                    return False
                time.sleep(0.005)
    except DatabaseError as exc:
        _close_quietly(standby_connection)
        log.debug("could not compare WAL positions (%s): reading from the primary", _first_line(exc))
        return False


def forget() -> None:
    """Drop the cached measure (tests, and after reconfiguring connections)."""
    global _cached, _last_verdict
    with _lock:
        _cached = None
        _last_verdict = None


def measure() -> Standby:
    max_lag = settings.QINGYUAN_REPLICA_MAX_LAG_S
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return Standby(lag=0.0, max_lag=max_lag)  # nothing replays: a copy is as fresh as it is
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        _close_quietly(connection)
        return Standby(lag=None, max_lag=max_lag, problem=UNREACHABLE, detail=_first_line(exc))
    if not in_recovery:
        # A promoted standby takes writes of its own: its data is no longer the primary's.
        return Standby(lag=None, max_lag=max_lag, problem=NOT_STANDBY)
    if lag is None:
        return Standby(lag=None, max_lag=max_lag, problem=UNKNOWN)
    seconds = max(0.0, float(lag))  # EXTRACT gives a Decimal
    return Standby(lag=seconds, max_lag=max_lag, problem=LAGGING if seconds > max_lag else "")


def _report(state: Standby) -> None:
    global _last_verdict
    verdict = state.problem or "ok"
    if verdict == _last_verdict:
        return
    _last_verdict = verdict
    if state.usable:
        log.info("reads in replica scopes go to the standby (lag %.1f s, limit %d s)", state.lag or 0.0,
                 state.max_lag)
    else:
        log.warning("reads in replica scopes fall back to the primary: standby %s (lag %s, limit %d s)%s",
                    state.problem, "unknown" if state.lag is None else f"{state.lag:.1f} s", state.max_lag,
                    f": {state.detail}" if state.detail else "")


def _close_quietly(connection: object) -> None:
    try:
        connection.close()  # type: ignore[attr-defined]
    except DatabaseError:
        pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
