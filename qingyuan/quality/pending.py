"""The queue of periods to compute (``PendingPeriod``): what the worker does between ingest and the aggregates.

``drain_touched`` turns evaluated ``Touched`` rows (``quality.queue``) into pending
periods: an hour is due 10 min after it ends, or at once when the device's own
hourly value arrived or the data came late. ``process_due`` computes due hours
(``quality.compute``), which makes their days pending; a computed day also
recomputes its month and its KPIs. Anything else that changes what a day's
values should be (an approved stop declaration, a calibration entered late)
calls ``enqueue``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from qingyuan.quality.choices import Period
from qingyuan.quality.compute import (
    HOUR,
    compute_days,
    compute_hours,
    compute_months,
    floor_hour,
    local_day,
    local_midnight,
    store_days,
    store_hours,
    store_months,
    tell_listeners,
)
from qingyuan.quality.conf import QualitySettings, quality_settings
from qingyuan.quality.models import PendingPeriod, Touched
from qingyuan.quality.points import expected_parameters, point_infos
from qingyuan.quality.upsert import Upsert


def _pending_upsert() -> Upsert:
    t = connection.ops.quote_name(PendingPeriod._meta.db_table)
    due = connection.ops.quote_name("due_at")
    return Upsert(PendingPeriod, ("point_id", "period", "start", "due_at"), ("point_id", "period", "start"),
                  update={"due_at": f"CASE WHEN excluded.{due} < {t}.{due} THEN excluded.{due} ELSE {t}.{due} END"})


def enqueue(rows: Iterable[tuple[int, str, dt.datetime, dt.datetime]]) -> int:
    """Make periods pending: (point_id, period, start, due_at); an earlier due time wins."""
    unique: dict[tuple[int, str, dt.datetime], dt.datetime] = {}
    for point_id, period, start, due in rows:
        k = (point_id, period, start)
        unique[k] = min(due, unique.get(k, due))
    return _pending_upsert().run([(*k, due) for k, due in sorted(unique.items())])


def day_due(day: dt.date, now: dt.datetime, cfg: QualitySettings) -> dt.datetime:
    return max(now, local_midnight(day + dt.timedelta(days=1)) + dt.timedelta(minutes=cfg.day_grace_minutes))


def _hours_between(a: dt.datetime, b: dt.datetime) -> Iterator[dt.datetime]:
    h = floor_hour(a)
    while h <= b:
        yield h
        h += HOUR


def drain_touched(*, limit: int = 2000, now: dt.datetime | None = None) -> int:
    """Turn evaluated ``Touched`` rows into pending periods; return how many rows were drained."""
    now = now or timezone.now()
    cfg = quality_settings()
    grace = dt.timedelta(minutes=cfg.hour_grace_minutes)
    with transaction.atomic():
        items = list(Touched.objects.filter(evaluated_at__isnull=False).order_by("id")[:limit])
        if not items:
            return 0
        pending = []
        for point_id, kind, first, last in (span for t in items for span in t.spans()):
            if kind == "minute":
                pending += [(point_id, Period.HOUR, h, max(now, h + HOUR + grace)) for h in _hours_between(first, last)]
            elif kind == "hour":
                pending += [(point_id, Period.HOUR, h, now) for h in _hours_between(first, last)]
            elif kind == "day":
                day = local_day(first)
                while local_midnight(day) <= last:
                    pending.append((point_id, Period.DAY, local_midnight(day), now))
                    day += dt.timedelta(days=1)
        enqueue(pending)
        Touched.objects.filter(pk__in=[t.pk for t in items]).delete()
    return len(items)


def process_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Compute up to ``limit`` due periods (hours first, then days); return how many were done."""
    now = now or timezone.now()
    for period in (Period.HOUR, Period.DAY):
        claimed = list(PendingPeriod.objects.filter(period=period, due_at__lte=now)
                       .order_by("due_at", "id").values_list("id", "point_id", "start", "due_at")[:limit])
        if claimed:
            with transaction.atomic():
                mine = [c for c in claimed
                        if PendingPeriod.objects.filter(pk=c[0], due_at=c[3]).delete()[0]]
                by_point: dict[int, list[dt.datetime]] = defaultdict(list)
                for _, point_id, start, _due in mine:
                    by_point[point_id].append(start)
                if period == Period.HOUR:
                    _do_hours(by_point, now)
                else:
                    _do_days(by_point)
            return len(claimed)
    return 0


def _do_hours(by_point: dict[int, list[dt.datetime]], now: dt.datetime) -> None:
    cfg = quality_settings()
    infos = point_infos(by_point)
    days = []
    for point_id, hours in by_point.items():
        info = infos.get(point_id)
        if info is None:
            continue
        rows = compute_hours(info, hours, cfg)
        store_hours(info, rows)
        tell_listeners(info, Period.HOUR, rows)
        days += [(point_id, Period.DAY, local_midnight(d), day_due(d, now, cfg))
                 for d in {local_day(h) for h in hours}]
    enqueue(days)


def _do_days(by_point: dict[int, list[dt.datetime]]) -> None:
    cfg = quality_settings()
    infos = point_infos(by_point)
    expected = expected_parameters(infos.values())
    for point_id, starts in by_point.items():
        info = infos.get(point_id)
        if info is None:
            continue
        rows, kpis = compute_days(info, starts, cfg, expected.get(point_id, frozenset()))
        store_days(info, rows, kpis)
        tell_listeners(info, Period.DAY, rows)
        store_months(info, compute_months(info, [local_day(s) for s in starts], cfg))
