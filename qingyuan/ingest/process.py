"""``process_packets(batch)``: store a batch of received packets in ONE transaction.

For each packet, in order, one :class:`Outcome`:

* no MN or no CN → REJECTED (nothing stored: there is nobody to attribute it to);
* MN unknown, point inactive, or PW wrong → QUARANTINED: one open ``Quarantine``
  row per MN and reason counts it; nothing is ingested, nothing acknowledged;
* already stored (same MN, CN, QN — or DataTime when there is no QN — and
  sub-packet number), earlier or earlier in this batch → DUPLICATE: nothing
  changes but the retransmission counter of the stored packet;
* an upload (2011/2051/2061/2031) without a valid DataTime → REJECTED, kept as
  evidence in ``RawPacket`` without a dedup key (so a retransmission is judged again);
* otherwise STORED: the raw packet with peer, receive time and parse result;
  one ``Reading`` per parameter (upsert on point, kind, time, parameter); the
  device's state (last seen, online, packets today); an ``OutboxItem`` for every
  upstream that takes the MN; and 9011/9012 (or a result upload) recorded on the
  ``DeviceCommand`` with the same QN. HJ/T 212-2005 factor codes under an ST that
  does not name the point's medium are read by the point's medium (its outlet's,
  else its configured ST's), and the raw packet carries the ``st_medium_mismatch``
  tolerance (issue 15 rule 6; docs/hj212.md "Pollutant codes").

The batch costs a fixed handful of queries whatever its size: the points of its
MNs, the stored dedup keys, the upstreams, then one ``executemany`` each for raw
packets, readings, device states and outbox items (plus a few when quarantine,
commands, retransmissions or 2005 codes, which need the outlets' media, are
involved). DataTime is the device's local time (Asia/Shanghai), made aware and
stored in UTC.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from qingyuan.closures.services import decommissioned_point_ids
from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.gateway.sink import Committed, Outcome, Received, Verdict
from qingyuan.hj212 import Packet, Param, Tolerance, code_for_medium, is_2005_code, medium_of
from qingyuan.ingest.quarantine import Refused, quarantine
from qingyuan.ingest.rows import Insert, select_in
from qingyuan.monitoring.actions import Answer, record_command_answers
from qingyuan.monitoring.choices import KIND_BY_CN, PacketVerdict, QuarantineReason
from qingyuan.monitoring.frames import device_zone
from qingyuan.monitoring.models import DeviceState, OutboxItem, RawPacket, Reading, Upstream
from qingyuan.quality.queue import readings_committed

STORED = Outcome(Verdict.STORED)
DUPLICATE = Outcome(Verdict.DUPLICATE, "retransmission")
# CNs whose packet, with the QN of a command, answers it (a 9011, a 9012, or the data asked for).
ANSWER_CNS = frozenset({"9011", "9012", "1011", "1061", "1063", "3020"})
FUTURE_TOLERANCE = dt.timedelta(hours=1)
RACE_ATTEMPTS = 3  # a batch that lost a race with another gateway's is run again (see lost_race)
KINDS = {cn: str(kind.value) for cn, kind in KIND_BY_CN.items()}  # plain str: hashed once per reading

READING_COLUMNS = ("point_id", "kind", "time", "parameter", "rtd", "avg", "min", "max", "cou",
                   "zs_rtd", "zs_avg", "zs_min", "zs_max", "flag", "eflag")
READING_VALUES = READING_COLUMNS[4:]
RAW_COLUMNS = ("point_id", "mn", "cn", "qn", "pno", "pnum", "data_time", "received_at", "peer", "connection_id",
               "text", "result", "verdict", "reason", "duplicates", "dedup_key")
STATE_COLUMNS = ("point_id", "online", "changed_at", "last_seen", "last_data_time", "last_cn", "last_peer",
                 "packets_day", "packets_today", "packets_total")
OUTBOX_COLUMNS = ("upstream_id", "mn", "payload", "created_at", "attempts", "last_error", "claim_token")


def _state_update() -> dict[str, str]:
    t = "monitoring_devicestate"
    return {
        "online": "excluded.online",
        "changed_at": f"CASE WHEN {t}.online THEN {t}.changed_at ELSE excluded.changed_at END",
        "last_seen": "excluded.last_seen",
        "last_data_time": (f"CASE WHEN excluded.last_data_time IS NULL THEN {t}.last_data_time"
                           f" WHEN {t}.last_data_time IS NULL OR excluded.last_data_time > {t}.last_data_time"
                           f" THEN excluded.last_data_time ELSE {t}.last_data_time END"),
        "last_cn": "excluded.last_cn",
        "last_peer": "excluded.last_peer",
        "packets_day": "excluded.packets_day",
        "packets_today": (f"CASE WHEN {t}.packets_day = excluded.packets_day"
                          f" THEN {t}.packets_today + excluded.packets_today ELSE excluded.packets_today END"),
        "packets_total": f"{t}.packets_total + excluded.packets_total",
    }


@dataclass
class _State:
    received_at: dt.datetime
    cn: str
    peer: str
    data_time: dt.datetime | None = None
    stored: int = 0


@dataclass
class _Work:
    """What one batch will write."""

    raw: list[tuple[object, ...]] = field(default_factory=list)
    readings: dict[tuple[int, str, dt.datetime, str], tuple[object, ...]] = field(default_factory=dict)
    states: dict[int, _State] = field(default_factory=dict)
    outbox: list[tuple[object, ...]] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    duplicate_keys: set[str] = field(default_factory=set)


def process_packets(batch: Sequence[Received], *, committed: Committed | None = None) -> list[Outcome]:
    """Store ``batch`` in one transaction; one outcome per packet, in order. See the module doc.

    ``committed(outcomes)`` runs right after the commit and before the work that follows it: it is
    the first on-commit callback of the transaction (Django runs them in the order they were
    registered), ahead of the alarm evaluation ``readings_committed`` registers and the
    notifications of the actions. The gateway acknowledges from it (``Sink.store``).
    """
    if not batch:
        return []
    for attempt in range(1, RACE_ATTEMPTS + 1):
        outcomes: list[Outcome] = []
        try:
            with transaction.atomic():
                if committed is not None:
                    transaction.on_commit(functools.partial(committed, outcomes))
                outcomes.extend(_Batch(batch).run())
        except DatabaseError as exc:
            if attempt == RACE_ATTEMPTS or not lost_race(exc):
                raise
            continue  # rolled back, its on-commit callbacks dropped: the next attempt sees the winner's rows
        return outcomes
    raise AssertionError("unreachable")


def lost_race(exc: DatabaseError) -> bool:
    """Did this batch lose a race with another gateway's (another process's) transaction?

    Several gateways write into one database (docs/deployment.md, the province setup): a logger
    that resends a packet through a second connection can have it stored by two batches at
    once. Neither sees the other's uncommitted row when it looks up the dedup keys, so the
    second insert waits for the first and then violates the unique dedup key; or two batches
    that upsert the same rows in different orders deadlock. The batch is then run again in a
    new transaction, where the winner's packet is a DUPLICATE, instead of failing as a whole
    (the gateway would bisect it, logging errors and delaying every other packet's 9014).
    """
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None)
    if state in ("40P01", "40001"):  # deadlock detected, serialization failure (PostgreSQL)
        return True
    if not isinstance(exc, IntegrityError):
        return False
    diag = getattr(cause, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or str(exc)  # SQLite names table.column in the message
    return "dedup_key" in constraint


class _Batch:
    def __init__(self, batch: Sequence[Received]) -> None:
        self.batch = batch
        self.work = _Work()
        self.zone = device_zone()
        self.now = timezone.now()

    def run(self) -> list[Outcome]:
        mns = {r.packet.mn for r in self.batch if r.packet.mn}
        self.points = {mn: _Point(pk, password, active, st, outlet_id)
                       for pk, mn, password, active, st, outlet_id in select_in(
                           MonitoringPoint, ("id", "mn", "password", "is_active", "st", "outlet_id"), "mn", mns)}
        self.outlet_media: dict[int, str] | None = None  # looked up when a packet carries 2005 codes
        # Points a closure case took out of service: their packets are quarantined as "decommissioned".
        self.decommissioned = decommissioned_point_ids(p.id for p in self.points.values() if not p.is_active)
        keys = [dedup_key(r.packet) for r in self.batch]
        self.known = {key for (key,) in select_in(RawPacket, ("dedup_key",), "dedup_key", set(keys))}
        self.upstreams = [(u.pk, u.patterns) for u in Upstream.objects.filter(is_active=True)] if mns else []
        self.moments: dict[tuple[int, ...], dt.datetime] = {}
        self.routes: dict[str, list[int]] = {}
        self.times = _SubPacketTimes(self.batch)
        outcomes = [self._one(r, key) for r, key in zip(self.batch, keys, strict=True)]
        self._write()
        return outcomes

    def _one(self, item: Received, key: str) -> Outcome:
        p = item.packet
        if not p.mn:
            return Outcome(Verdict.REJECTED, "no MN")
        point = self.points.get(p.mn)
        reason = _refusal(point, p, self.decommissioned)
        if reason is not None:
            self.work.refused.append(Refused(item, reason))
            return Outcome(Verdict.QUARANTINED, QuarantineReason(reason).label)
        assert point is not None
        pid = point.id
        received_at = dt.datetime.fromtimestamp(item.received_at, dt.UTC)
        state = self.work.states.get(pid)
        if state is None:
            state = self.work.states[pid] = _State(received_at, p.cn or "", item.peer)
        state.received_at, state.cn, state.peer = received_at, p.cn or "", item.peer
        if not p.cn:
            return Outcome(Verdict.REJECTED, "no CN")
        if key in self.known:
            self.work.duplicate_keys.add(key)
            return DUPLICATE
        notes: list[str] = []
        data_time = self._data_time(p, pid, notes)
        kind = KINDS.get(p.cn)
        codes = self._codes_by_point(point, p, notes) if kind is not None else None
        if kind is not None and data_time is None:
            reason_text = f"no valid DataTime in a {p.cn} upload"
            self.work.raw.append(self._raw_row(item, pid, None, notes, PacketVerdict.REJECTED, reason_text, None,
                                               recoded=codes is not None))
            return Outcome(Verdict.REJECTED, reason_text)
        self.known.add(key)
        self.work.raw.append(self._raw_row(item, pid, data_time, notes, PacketVerdict.STORED, "", key, received_at,
                                           recoded=codes is not None))
        state.stored += 1
        if data_time is not None and (state.data_time is None or data_time > state.data_time):
            state.data_time = data_time
        if kind is not None:
            assert data_time is not None
            readings = self.work.readings
            for param in p.cp.params.values():
                code = param.code if codes is None else codes.get(param.original_code, param.code)
                readings[(pid, kind, data_time, code)] = _reading(pid, kind, data_time, code, param)
        if p.cn.startswith("2"):
            for upstream_id in self._routes(p.mn):
                self.work.outbox.append((upstream_id, p.mn, p.raw, received_at, 0, "", ""))
        if p.cn in ANSWER_CNS and p.qn:
            self.work.answers.append(Answer(pid, p.qn, p.cn, dict(p.cp.fields), received_at))
        return STORED

    def _data_time(self, p: Packet, point_id: int, notes: list[str]) -> dt.datetime | None:
        parts = p.cp.data_time_tuple
        if parts is None and p.cp.data_time is not None:
            notes.append(f"DataTime {p.cp.data_time!r} is not a valid time")
        if parts is None and p.pnum and p.pnum > 1:
            parts = self.times.sibling(p, point_id)
            if parts is not None:
                notes.append("DataTime taken from another sub-packet of the same set")
        if parts is None:
            return None
        moment = self.moments.get(parts)
        if moment is None:  # a batch repeats a few DataTimes: convert each once
            moment = self.moments[parts] = dt.datetime(*parts, tzinfo=self.zone).astimezone(dt.UTC)
        if moment > self.now + FUTURE_TOLERANCE:
            notes.append(f"DataTime is {moment - self.now} ahead of the platform clock")
        return moment

    def _codes_by_point(self, point: _Point, p: Packet, notes: list[str]) -> dict[str, str] | None:
        """Issue 15 rule 6: 2005 factor codes under an ST that does not name the point's medium are
        read by the point's medium (its outlet's, else its configured ST's); None when the
        decoder's reading by ST stands. The packet is then stored with ``st_medium_mismatch``."""
        olds = [param.original_code for param in p.cp.params.values() if is_2005_code(param.original_code)]
        if not olds:
            return None
        medium = self._medium(point)
        if medium is None or medium == medium_of(p.st):
            return None
        codes = {old: code_for_medium(old, medium) for old in olds}
        kept = [old for old, new in codes.items() if new == old]
        notes.append(f"2005 codes under ST={p.st or ''} read as {medium} codes (the point's medium)"
                     + (f"; not {medium} codes, kept as sent: {', '.join(kept)}" if kept else ""))
        return codes

    def _medium(self, point: _Point) -> str | None:
        if point.outlet_id is None:
            return medium_of(point.st)
        if self.outlet_media is None:  # one query for the batch, only when 2005 codes come in
            ids = {q.outlet_id for q in self.points.values() if q.outlet_id is not None}
            self.outlet_media = dict(select_in(Outlet, ("id", "medium"), "id", ids))
        return self.outlet_media.get(point.outlet_id) or medium_of(point.st)

    def _raw_row(self, item: Received, point_id: int, data_time: dt.datetime | None, notes: list[str],
                 verdict: str, reason: str, key: str | None, received_at: dt.datetime | None = None,
                 *, recoded: bool = False) -> tuple[object, ...]:
        p = item.packet
        result: dict[str, list[str]] = {}
        if p.tolerances or recoded:
            values = {t.value for t in p.tolerances}
            if recoded:
                values.add(Tolerance.ST_MEDIUM_MISMATCH.value)
            result["tolerances"] = sorted(values)
        if p.warnings:
            result["warnings"] = list(p.warnings)
        if notes:
            result["notes"] = notes
        return (point_id, p.mn, p.cn or "", (p.qn or "")[:24], p.pno, p.pnum, data_time,
                received_at or dt.datetime.fromtimestamp(item.received_at, dt.UTC), item.peer[:64], item.connection_id,
                p.raw.decode("utf-8", "replace"), result or None, verdict, reason[:200], 0, key)

    def _routes(self, mn: str) -> list[int]:
        routes = self.routes.get(mn)
        if routes is None:
            routes = self.routes[mn] = [uid for uid, patterns in self.upstreams if _matches(mn, patterns)]
        return routes

    def _write(self) -> None:
        w = self.work
        inserts = _inserts()
        inserts.raw.run(w.raw)
        inserts.readings.run(list(w.readings.values()))
        # Monitoring intelligence (qingyuan.quality.queue): note what changed in this transaction;
        # alarms are evaluated on commit (after the ``committed`` callback), aggregates by the worker.
        readings_committed(READING_COLUMNS, w.readings.values())
        # Device states in point order: two gateways' batches with devices in common (a logger that
        # moved) lock their rows in the same order and wait for each other instead of deadlocking.
        # (Readings two batches share are retransmissions racing; a deadlock there is retried.)
        inserts.states.run([self._state_row(point_id, w.states[point_id]) for point_id in sorted(w.states)])
        inserts.outbox.run(w.outbox)
        if w.duplicate_keys:
            RawPacket.objects.filter(dedup_key__in=w.duplicate_keys).update(duplicates=F("duplicates") + 1)
        if w.refused:
            quarantine(w.refused)
        if w.answers:
            record_command_answers(w.answers)

    def _state_row(self, point_id: int, s: _State) -> tuple[object, ...]:
        day = s.received_at.astimezone(self.zone).date()
        return (point_id, True, s.received_at, s.received_at, s.data_time, s.cn[:8], s.peer[:64], day,
                s.stored, s.stored)


class _Point(NamedTuple):
    id: int
    password: str
    is_active: bool
    st: str
    outlet_id: int | None


class _Inserts(NamedTuple):
    raw: Insert
    readings: Insert
    states: Insert
    outbox: Insert


@functools.cache
def _inserts_for(vendor: str) -> _Inserts:
    return _Inserts(
        Insert(RawPacket, RAW_COLUMNS),
        Insert(Reading, READING_COLUMNS, conflict=("point_id", "kind", "time", "parameter"), update=READING_VALUES),
        Insert(DeviceState, STATE_COLUMNS, conflict=("point_id",), update=_state_update()),
        Insert(OutboxItem, OUTBOX_COLUMNS),
    )


def _inserts() -> _Inserts:
    """The batch's statements, built once per database vendor (their SQL depends only on it)."""
    return _inserts_for(connection.vendor)


def _refusal(point: _Point | None, p: Packet, decommissioned: set[int]) -> str | None:
    if point is None:
        return QuarantineReason.UNKNOWN_MN
    if not point.is_active:
        return QuarantineReason.DECOMMISSIONED if point.id in decommissioned else QuarantineReason.INACTIVE
    if p.pw != point.password:
        return QuarantineReason.WRONG_PW
    return None


def _reading(point_id: int, kind: str, time: dt.datetime, code: str, v: Param) -> tuple[object, ...]:
    return (point_id, kind, time, code[:16], v.rtd, v.avg, v.min, v.max, v.cou,
            v.zs_rtd, v.zs_avg, v.zs_min, v.zs_max, (v.flag or "")[:4], (v.eflag or "")[:8])


def _matches(mn: str, patterns: list[str]) -> bool:
    return not patterns or any(p == "*" or p == mn or fnmatch.fnmatchcase(mn, p) for p in patterns)


def dedup_key(p: Packet) -> str:
    """MN|CN|QN (or DataTime, or a digest of the frame)|PNO: equal for a packet and its retransmissions."""
    if p.qn:
        ident = "Q" + p.qn
    elif p.cp.data_time:
        ident = "T" + p.cp.data_time
    else:
        ident = "H" + hashlib.sha1(p.raw, usedforsecurity=False).hexdigest()[:24]
    key = f"{p.mn}|{p.cn}|{ident}|{p.pno or 0}"
    if len(key) > 128:
        key = "#" + hashlib.sha256(key.encode()).hexdigest()
    return key


class _SubPacketTimes:
    """DataTime for a sub-packet that lacks one: from its siblings in the batch, else the stored ones."""

    def __init__(self, batch: Sequence[Received]) -> None:
        self.by_set: dict[tuple[str | None, str | None, int | None], tuple[int, ...]] = {}
        for r in batch:
            p = r.packet
            if p.pnum and p.pnum > 1 and p.cp.data_time_tuple is not None:
                self.by_set.setdefault((p.mn, p.cn, p.pnum), p.cp.data_time_tuple)

    def sibling(self, p: Packet, point_id: int) -> tuple[int, int, int, int, int, int] | None:
        found = self.by_set.get((p.mn, p.cn, p.pnum))
        if found:
            return found  # type: ignore[return-value]
        stored = (RawPacket.objects.filter(point_id=point_id, cn=p.cn or "", pnum=p.pnum, data_time__isnull=False)
                  .order_by("-id").values_list("data_time", flat=True).first())
        if stored is None:
            return None
        local = stored.astimezone(device_zone())
        return (local.year, local.month, local.day, local.hour, local.minute, local.second)
