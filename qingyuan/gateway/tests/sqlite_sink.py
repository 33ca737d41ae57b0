"""A reference :class:`~qingyuan.gateway.sink.Sink` on the standard library's sqlite3.

Used by the gateway tests and benchmarks; ``qingyuan.ingest`` is the real one.
WAL journal, one transaction per ``store`` call, and a UNIQUE key on
(mn, cn, QN-or-DataTime, pno) so that a retransmitted packet changes nothing
and is reported DUPLICATE. Known devices live in ``devices``; a packet from an
unknown MN or with the wrong PW goes to ``quarantine``. Replies 9011/9012 are
recorded on the command with the same QN; stored uploads (CN 2xxx) are added
to ``outbox`` for every upstream whose MN list matches, in the same transaction.

Run the gateway on it with
``QINGYUAN_SQLITE_SINK_PATH=var/gw.sqlite3 python -m qingyuan.gateway --sink qingyuan.gateway.tests.sqlite_sink:from_env``.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Collection, Sequence

from qingyuan.gateway.sink import (
    Committed,
    DeviceCommand,
    InvalidReceived,
    OutboxItem,
    Outcome,
    Received,
    Upstream,
    Verdict,
)
from qingyuan.hj212 import Packet

SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (mn TEXT PRIMARY KEY, pw TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS packets (
    id INTEGER PRIMARY KEY, mn TEXT NOT NULL, cn TEXT NOT NULL, key TEXT NOT NULL,
    pno INTEGER NOT NULL, qn TEXT NOT NULL, raw BLOB NOT NULL, peer TEXT NOT NULL,
    received_at REAL NOT NULL, connection_id INTEGER NOT NULL,
    UNIQUE (mn, cn, key, pno)
);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY, mn TEXT NOT NULL, cn TEXT NOT NULL, qn TEXT NOT NULL, reason TEXT NOT NULL,
    raw BLOB NOT NULL, peer TEXT NOT NULL, received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS invalid_frames (
    id INTEGER PRIMARY KEY, reason TEXT NOT NULL, detail TEXT NOT NULL, data BLOB NOT NULL,
    peer TEXT NOT NULL, received_at REAL NOT NULL, connection_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    connection_id INTEGER PRIMARY KEY, peer TEXT NOT NULL, opened_at REAL NOT NULL,
    mns TEXT NOT NULL DEFAULT '', closed_at REAL, reason TEXT, gateway TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS commands (
    id INTEGER PRIMARY KEY, mn TEXT NOT NULL, qn TEXT NOT NULL, payload BLOB NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued', sent_at REAL, qn_rtn TEXT, exe_rtn TEXT
);
CREATE TABLE IF NOT EXISTS upstreams (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, host TEXT NOT NULL, port INTEGER NOT NULL,
    mns TEXT NOT NULL DEFAULT '*'
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY, upstream_id INTEGER NOT NULL REFERENCES upstreams (id),
    packet_id INTEGER NOT NULL REFERENCES packets (id), payload BLOB NOT NULL,
    delivered_at REAL, claimed_until REAL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (upstream_id, id) WHERE delivered_at IS NULL;
"""

INSERT_PACKET = (
    "INSERT OR IGNORE INTO packets (mn, cn, key, pno, qn, raw, peer, received_at, connection_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class SqliteSink:
    def __init__(self, path: str, *, synchronous: str = "FULL", lease: float = 30.0) -> None:
        self.path = path
        self.lease = lease
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.executescript(SCHEMA)
        self._devices: dict[str, str] = {}
        self._routes: list[tuple[int, str]] = []
        self._loaded_at = 0.0
        self._session_ops: list[tuple[str, tuple[object, ...]]] = []
        self.instance = ""

    # -- helpers for tests and benchmarks -----------------------------------------
    def add_device(self, mn: str, pw: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO devices (mn, pw) VALUES (?, ?)", (mn, pw))
        self._loaded_at = 0.0

    def add_devices(self, pairs: Sequence[tuple[str, str]]) -> None:
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO devices (mn, pw) VALUES (?, ?)", pairs)
        self._loaded_at = 0.0

    def add_upstream(self, name: str, host: str, port: int, mns: str = "*") -> int:
        cur = self.db.execute("INSERT INTO upstreams (name, host, port, mns) VALUES (?, ?, ?, ?)",
                              (name, host, port, mns))
        self._loaded_at = 0.0
        return int(cur.lastrowid or 0)

    def queue_command(self, mn: str, qn: str, payload: bytes) -> int:
        cur = self.db.execute("INSERT INTO commands (mn, qn, payload) VALUES (?, ?, ?)", (mn, qn, payload))
        return int(cur.lastrowid or 0)

    def close(self) -> None:
        self.flush_sessions()
        self.db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db, self._session_ops)

    def _reload(self) -> None:
        if time.monotonic() - self._loaded_at < 2.0:
            return
        self._devices = dict(self.db.execute("SELECT mn, pw FROM devices"))
        self._routes = list(self.db.execute("SELECT id, mns FROM upstreams ORDER BY id"))
        self._loaded_at = time.monotonic()

    # -- Sink -----------------------------------------------------------------------
    def store(self, batch: Sequence[Received], committed: Committed | None = None) -> Sequence[Outcome]:
        self._reload()
        outcomes: list[Outcome] = []
        db = self.db
        with self._transaction():
            for item in batch:
                outcomes.append(self._store_one(db, item))
        if committed is not None:
            committed(outcomes)  # nothing follows the commit here; the gateway answers from either
        return outcomes

    def _store_one(self, db: sqlite3.Connection, item: Received) -> Outcome:
        p = item.packet
        if not p.mn:
            return Outcome(Verdict.REJECTED, "no MN")
        expected_pw = self._devices.get(p.mn)
        if expected_pw is None or expected_pw != p.pw:
            reason = "unknown MN" if expected_pw is None else "wrong PW"
            db.execute(
                "INSERT INTO quarantine (mn, cn, qn, reason, raw, peer, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (p.mn, p.cn or "", p.qn or "", reason, p.raw, item.peer, item.received_at),
            )
            return Outcome(Verdict.QUARANTINED, reason)
        cn = p.cn or ""
        cur = db.execute(INSERT_PACKET, (p.mn, cn, packet_key(p), p.pno or 0, p.qn or "", p.raw,
                                         item.peer, item.received_at, item.connection_id))
        if cur.rowcount == 0:
            return Outcome(Verdict.DUPLICATE)
        if cn in ("9011", "9012") and p.qn:
            self._record_reply(db, p)
        elif cn.startswith("2"):
            for upstream_id, mns in self._routes:
                if mns == "*" or p.mn in mns.split(","):
                    db.execute("INSERT INTO outbox (upstream_id, packet_id, payload) VALUES (?, ?, ?)",
                               (upstream_id, cur.lastrowid, p.raw))
        return Outcome(Verdict.STORED)

    def _record_reply(self, db: sqlite3.Connection, p: Packet) -> None:
        fields = p.cp.fields
        if p.cn == "9011":
            db.execute("UPDATE commands SET qn_rtn = ?, state = 'answered' WHERE mn = ? AND qn = ?",
                       (fields.get("QnRtn", ""), p.mn, p.qn))
        else:
            db.execute("UPDATE commands SET exe_rtn = ?, state = 'done' WHERE mn = ? AND qn = ?",
                       (fields.get("ExeRtn", ""), p.mn, p.qn))

    def record_invalid(self, frames: Sequence[InvalidReceived]) -> None:
        with self._transaction():
            self.db.executemany(
                "INSERT INTO invalid_frames (reason, detail, data, peer, received_at, connection_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(f.reason, f.detail, f.data, f.peer, f.received_at, f.connection_id) for f in frames],
            )

    # Session events come in bursts (a thousand loggers reconnecting after an outage):
    # they are written in the next transaction instead of one fsync'd transaction each.
    def gateway_started(self, instance: str, at: float) -> None:
        """Close the sessions an earlier run of this gateway left open (it was killed)."""
        self.instance = instance
        with self._transaction():
            self.db.execute("UPDATE sessions SET closed_at = ?, reason = 'gateway restarted'"
                            " WHERE closed_at IS NULL AND gateway IN (?, '') AND opened_at < ?", (at, instance, at))

    def session_opened(self, connection_id: int, peer: str, at: float) -> None:
        self._session_ops.append((
            "INSERT OR REPLACE INTO sessions (connection_id, peer, opened_at, gateway) VALUES (?, ?, ?, ?)",
            (connection_id, peer, at, self.instance)))

    def session_mn(self, connection_id: int, mn: str, at: float) -> None:
        self._session_ops.append(("UPDATE sessions SET mns = ltrim(mns || ',' || ?, ',') WHERE connection_id = ?",
                                  (mn, connection_id)))

    def session_closed(self, connection_id: int, at: float, reason: str) -> None:
        self._session_ops.append(("UPDATE sessions SET closed_at = ?, reason = ? WHERE connection_id = ?",
                                  (at, reason, connection_id)))

    def flush_sessions(self) -> None:
        if self._session_ops:
            with self._transaction():
                pass

    def pending_commands(self, mns: Collection[str], limit: int) -> Sequence[DeviceCommand]:
        self.flush_sessions()
        wanted = set(mns)
        rows = self.db.execute("SELECT id, mn, payload FROM commands WHERE state = 'queued' ORDER BY id")
        commands = [DeviceCommand(i, mn, bytes(payload)) for i, mn, payload in rows if mn in wanted][:limit]
        if commands:
            with self._transaction():
                self.db.executemany("UPDATE commands SET state = 'sent', sent_at = ? WHERE id = ?",
                                    [(time.time(), c.id) for c in commands])
        return commands

    def upstreams(self) -> Sequence[Upstream]:
        self.flush_sessions()
        rows = self.db.execute("SELECT id, name, host, port FROM upstreams ORDER BY id")
        return [Upstream(*row) for row in rows]

    def claim_outbox(self, upstream_id: int, limit: int) -> Sequence[OutboxItem]:
        now = time.time()
        with self._transaction():
            rows = self.db.execute(
                "SELECT id, upstream_id, payload FROM outbox WHERE upstream_id = ? AND delivered_at IS NULL"
                " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY id LIMIT ?",
                (upstream_id, now, limit),
            ).fetchall()
            self.db.executemany("UPDATE outbox SET claimed_until = ? WHERE id = ?",
                                [(now + self.lease, row[0]) for row in rows])
        return [OutboxItem(i, u, bytes(payload)) for i, u, payload in rows]

    def outbox_delivered(self, ids: Sequence[int]) -> None:
        with self._transaction():
            self.db.executemany("UPDATE outbox SET delivered_at = ?, claimed_until = NULL WHERE id = ?",
                                [(time.time(), i) for i in ids])

    def outbox_failed(self, ids: Sequence[int], error: str) -> None:
        with self._transaction():
            self.db.executemany(
                "UPDATE outbox SET claimed_until = NULL, attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(error, i) for i in ids],
            )


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, writing the queued session events first."""

    def __init__(self, db: sqlite3.Connection, session_ops: list[tuple[str, tuple[object, ...]]]) -> None:
        self.db = db
        self.session_ops = session_ops

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        for sql, args in self.session_ops:
            self.db.execute(sql, args)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.db.execute("ROLLBACK")  # the session events stay queued
            return
        self.db.execute("COMMIT")
        self.session_ops.clear()


def packet_key(p: Packet) -> str:
    """QN if the packet has one, else its DataTime, else a digest of the frame."""
    if p.qn:
        return p.qn
    if p.cp.data_time:
        return f"T{p.cp.data_time}"
    return "H" + hashlib.sha1(p.raw).hexdigest()


def from_env() -> SqliteSink:
    """Factory for ``python -m qingyuan.gateway --sink qingyuan.gateway.tests.sqlite_sink:from_env``."""
    path = os.environ.get("QINGYUAN_SQLITE_SINK_PATH", "var/gateway.sqlite3")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteSink(
        path,
        synchronous=os.environ.get("QINGYUAN_SQLITE_SINK_SYNC", "FULL"),
        lease=float(os.environ.get("QINGYUAN_SQLITE_SINK_LEASE", "30")),
    )
