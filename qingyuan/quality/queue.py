"""The joint between ingest and the monitoring intelligence: what a committed batch changed.

``qingyuan.ingest.process`` calls :func:`readings_committed` once per batch,
inside the batch's transaction, with the reading rows it wrote. This module

1. writes one ``Touched`` row per (point, kind) of the batch — minute, hourly and
   daily uploads; real-time values are display data and are not aggregated or
   judged — in that same transaction, so a committed reading is never missed;
2. registers an on-commit callback that hands the readings (already in memory:
   nothing is read back) to the *batch listeners* — the alarm engine registers
   one — and then marks the rows evaluated. The callback runs in the committing
   thread right after the commit, so commit → alarm is the listeners' run time.

If a listener fails, or the process dies between commit and callback, the rows
stay unevaluated and the worker (``sweep_unevaluated``) reads those readings
back and runs the listeners again; listeners must therefore be idempotent.
Evaluated rows become the aggregates' pending periods (``compute.drain_touched``).

The quality app does not import the alarms app: listeners register here.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from qingyuan.quality.models import Touched

log = logging.getLogger("qingyuan.quality")

JUDGED_KINDS = frozenset({"minute", "hour", "day"})
SWEEP_AFTER = dt.timedelta(seconds=30)
GIVE_UP_AFTER = dt.timedelta(hours=1)  # then the aggregates go ahead without the listeners


class ReadingRow(NamedTuple):
    """One committed reading, as the listeners see it."""

    point_id: int
    kind: str
    time: dt.datetime
    parameter: str
    avg: float | None
    min: float | None
    max: float | None
    cou: float | None
    zs_avg: float | None
    flag: str


BatchListener = Callable[[list[ReadingRow]], None]
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


_NEEDED = ("point_id", "kind", "time", "parameter", "avg", "min", "max", "cou", "zs_avg", "flag")


def readings_committed(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Record what a batch wrote (call inside its transaction). ``columns`` name the values of ``rows``."""
    try:
        at = [list(columns).index(name) for name in _NEEDED]
    except ValueError as exc:
        raise ValueError(f"readings_committed needs the columns {_NEEDED}, got {tuple(columns)}") from exc
    p, k, t, c, a, lo, hi, cou, zs, f = at
    readings: list[ReadingRow] = []
    ranges: dict[tuple[int, str], list[dt.datetime]] = {}
    for row in rows:
        kind = row[k]
        if kind not in JUDGED_KINDS:
            continue
        when = row[t]
        readings.append(ReadingRow(row[p], kind, when, row[c], row[a], row[lo], row[hi], row[cou], row[zs],
                                   row[f] or ""))
        span = ranges.get((row[p], kind))
        if span is None:
            ranges[(row[p], kind)] = [when, when]
        elif when < span[0]:
            span[0] = when
        elif when > span[1]:
            span[1] = when
    if not ranges:
        return
    now = timezone.now()
    listening = bool(_batch_listeners)
    touched = Touched.objects.bulk_create([
        Touched(point_id=point_id, kind=kind, first_time=a_, last_time=b_, created_at=now,
                evaluated_at=None if listening else now)
        for (point_id, kind), (a_, b_) in ranges.items()])
    if listening:
        transaction.on_commit(functools.partial(_after_commit, readings, [x.pk for x in touched]))


def _after_commit(readings: list[ReadingRow], touched_ids: list[int]) -> None:
    if run_listeners(readings):
        Touched.objects.filter(pk__in=[i for i in touched_ids if i is not None]).update(
            evaluated_at=timezone.now())


def run_listeners(readings: list[ReadingRow]) -> bool:
    """Run every batch listener; False (logged) if one failed, so the rows are swept again later."""
    ok = True
    for fn in list(_batch_listeners):
        try:
            fn(readings)
        except Exception:  # noqa: BLE001 - ingest has committed; the sweeper retries
            log.exception("batch listener %s failed; the worker will evaluate these readings again", fn)
            ok = False
    return ok


def sweep_unevaluated(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Worker step: evaluate ``Touched`` rows nobody evaluated within ``SWEEP_AFTER``; return rows done."""
    from qingyuan.monitoring.models import Reading

    now = now or timezone.now()
    todo = list(Touched.objects.filter(evaluated_at__isnull=True, created_at__lt=now - SWEEP_AFTER)
                .order_by("id")[:limit])
    done = 0
    for item in todo:
        rows = Reading.objects.filter(point_id=item.point_id, kind=item.kind, time__gte=item.first_time,
                                      time__lte=item.last_time).order_by("time", "parameter")
        readings = [ReadingRow(r.point_id, r.kind, r.time, r.parameter, r.avg, r.min, r.max, r.cou, r.zs_avg,
                               r.flag or "") for r in rows]
        if not _batch_listeners or run_listeners(readings) or item.created_at < now - GIVE_UP_AFTER:
            Touched.objects.filter(pk=item.pk).update(evaluated_at=timezone.now())
            done += 1
    return done
