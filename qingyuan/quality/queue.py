"""The joint between ingest and the monitoring intelligence: what a committed batch changed.

``qingyuan.ingest.process`` calls :func:`readings_committed` once per batch,
inside the batch's transaction, with the reading rows it wrote. This module

1. writes one ``Touched`` row listing the (point, kind, DataTime range) of the
   batch's minute, hourly and daily uploads — real-time values are display data
   and are not aggregated or judged — in that same transaction, so a committed
   reading is never missed;
2. registers an on-commit callback that hands the readings (already in memory:
   nothing is read back; plain tuples in ``ReadingRow``'s field order, picked
   from the rows by one ``itemgetter``) to the *batch listeners* — the alarm engine registers
   one — and then marks the rows evaluated. The callback runs in the committing
   thread right after the commit, so commit → alarm is the listeners' run time.

If a listener fails, or the process dies between commit and callback, the rows
stay unevaluated and the worker (``sweep_unevaluated``) reads those readings
back and runs the listeners again; listeners must therefore be idempotent.
Evaluated rows become the aggregates' pending periods (``pending.drain_touched``).

The quality app does not import the alarms app: listeners register here.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import models, transaction
from django.utils import timezone

from qingyuan.quality.conf import quality_settings
from qingyuan.quality.models import Touched

log = logging.getLogger("qingyuan.quality")

JUDGED_KINDS = frozenset({"minute", "hour", "day"})
SWEEP_AFTER = dt.timedelta(seconds=30)
GIVE_UP_AFTER = dt.timedelta(hours=1)  # then the aggregates go ahead without the listeners
LEASE = dt.timedelta(minutes=5)


class ReadingRow(NamedTuple):
    """One committed reading, as the listeners see it.

    Listeners get sequences in this field order: ``ReadingRow``s when read back, plain tuples (cheaper
    to build) right after a commit — index them, or use the names only on rows built here.
    """

    point_id: int
    kind: str
    time: dt.datetime
    parameter: str
    avg: float | None
    min: float | None
    max: float | None
    cou: float | None
    zs_avg: float | None
    flag: str  # "" when the device sent none (plain rows: as ingest wrote it; listeners read None as "")


Row = Sequence[Any]  # a reading in ReadingRow's field order
BatchListener = Callable[[Sequence[Row]], None]
_batch_listeners: list[BatchListener] = []
_period_listeners: list[Callable[..., None]] = []


def register_batch_listener(fn: BatchListener) -> None:
    """``fn(readings)`` runs after each committed batch (and again for swept ones). Must be idempotent."""
    if fn not in _batch_listeners:
        _batch_listeners.append(fn)


def register_period_listener(fn: Callable[..., None]) -> None:
    """``fn(info, period, rows)`` runs when hourly or daily values were (re)computed: ``rows`` are
    ``(start, aggregate.Stats)`` pairs of one point. Must be idempotent."""
    if fn not in _period_listeners:
        _period_listeners.append(fn)


def period_listeners() -> list[Callable[..., None]]:
    return list(_period_listeners)


_NEEDED = ReadingRow._fields
_SLICE = ("point_id", "kind", "time")


def readings_committed(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Record what a batch wrote (call inside its transaction). ``columns`` name the values of ``rows``."""
    try:
        pick = itemgetter(*(list(columns).index(name) for name in _NEEDED))
        slice_of = itemgetter(*(list(columns).index(name) for name in _SLICE))
    except ValueError as exc:
        raise ValueError(f"readings_committed needs the columns {_NEEDED}, got {tuple(columns)}") from exc
    if not isinstance(rows, Collection):
        rows = list(rows)
    # The (point, kind, DataTime) slices, in order: a packet's readings share one.
    ranges: dict[tuple[int, str], list[dt.datetime]] = {}
    others = False
    for point_id, kind, when in dict.fromkeys(map(slice_of, rows)):
        if kind not in JUDGED_KINDS:
            others = True
            continue
        span = ranges.get((point_id, kind))
        if span is None:
            ranges[(point_id, kind)] = [when, when]
        elif when < span[0]:
            span[0] = when
        elif when > span[1]:
            span[1] = when
    if not ranges:
        return
    now = timezone.now()
    listening = bool(_batch_listeners)
    text: dict[dt.datetime, str] = {}  # a batch's packets mostly share a few DataTimes

    def iso(when: dt.datetime) -> str:
        found = text.get(when)
        if found is None:
            found = text[when] = when.isoformat()
        return found

    items = [[point_id, kind, iso(a_), iso(b_)] for (point_id, kind), (a_, b_) in ranges.items()]
    touched = Touched.objects.create(items=items, created_at=now, evaluated_at=None if listening else now)
    if listening and quality_settings().evaluate_on_commit:
        if others:
            k = list(columns).index("kind")
            readings = [pick(row) for row in rows if row[k] in JUDGED_KINDS]
        else:
            readings = list(map(pick, rows))
        transaction.on_commit(functools.partial(_after_commit, readings, touched.pk))


def _after_commit(readings: Sequence[Row], touched_id: int) -> None:
    if run_listeners(readings):
        Touched.objects.filter(pk=touched_id).update(evaluated_at=timezone.now())


def run_listeners(readings: Sequence[Row]) -> bool:
    """Run every batch listener; False (logged) if one failed, so the rows are swept again later."""
    ok = True
    for fn in list(_batch_listeners):
        try:
            fn(readings)
        except Exception:  # noqa: BLE001 - ingest has committed; the sweeper retries
            log.exception("batch listener %s failed; the worker will evaluate these readings again", fn)
            ok = False
    return ok


def read_back(item: Touched) -> list[ReadingRow]:
    """The readings a batch wrote, read from the database (one query per kind)."""
    from qingyuan.monitoring import store
    from qingyuan.monitoring.models import Reading

    out: list[ReadingRow] = []
    by_kind: dict[str, list[tuple[int, dt.datetime, dt.datetime]]] = {}
    for point_id, kind, first, last in item.spans():
        by_kind.setdefault(kind, []).append((point_id, first, last))
    for kind, spans in by_kind.items():
        wanted = {pid: (a, b) for pid, a, b in spans}
        lo, hi = min(a for _, a, _ in spans), max(b for _, _, b in spans)
        if store.has_blocks(wanted, kind, lo, hi):  # late data for a compacted day: block ∪ narrow
            found = store.rows_many(wanted, kind, lo, hi, include_end=True)
            values: Any = sorted(((pid, r.time, r.parameter, r.avg, r.min, r.max, r.cou, r.zs_avg, r.flag)
                                  for pid, rs in found.items() for r in rs), key=lambda v: (v[1], v[2]))
        else:
            values = Reading.objects.filter(point_id__in=wanted, kind=kind, time__gte=lo, time__lte=hi).order_by(
                "time", "parameter").values_list("point_id", "time", "parameter", "avg", "min", "max", "cou",
                                                 "zs_avg", "flag")
        for pid, time, code, avg, low, high, cou, zs, flag in values:
            a, b = wanted[pid]
            if a <= time <= b:
                out.append(ReadingRow(pid, kind, time, code, avg, low, high, cou, zs, flag or ""))
    return out


def evaluate_pending(*, older_than: dt.timedelta = SWEEP_AFTER, now: dt.datetime | None = None, limit: int = 50
                     ) -> int:
    """Evaluate committed batches nobody evaluated yet (older than ``older_than``); return batches done.

    The worker runs it with the default (a crash between commit and callback); the ``alarm_engine``
    process with ``older_than=0`` when ``evaluate_on_commit`` is off. A batch is claimed with a lease
    (an optimistic ``UPDATE ... WHERE``), so two evaluators never judge it at the same time.
    """
    now = now or timezone.now()
    todo = list(Touched.objects.filter(evaluated_at__isnull=True, created_at__lte=now - older_than)
                .filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now))
                .order_by("id").values_list("pk", "claimed_until")[:limit])
    done = 0
    for pk, lease in todo:
        if not Touched.objects.filter(pk=pk, claimed_until=lease).update(claimed_until=now + LEASE):
            continue  # another evaluator took it
        item = Touched.objects.get(pk=pk)
        if not _batch_listeners or run_listeners(read_back(item)) or item.created_at < now - GIVE_UP_AFTER:
            Touched.objects.filter(pk=pk).update(evaluated_at=timezone.now())
            done += 1
    return done


def sweep_unevaluated(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Worker step: evaluate batches nobody evaluated within ``SWEEP_AFTER``; return batches done."""
    return evaluate_pending(older_than=SWEEP_AFTER, now=now, limit=limit)
