"""Compute and store hourly, daily and monthly values and daily KPIs; the queue of periods to compute.

Two ways in, one computation:

* incremental (the worker): ``drain_touched`` turns evaluated ``Touched`` rows into
  ``PendingPeriod``s (an hour is due 10 min after it ends, or at once when the
  device's own hourly value arrived or the data came late); ``process_due``
  computes due hours, which makes their days pending; a computed day also
  recomputes its month and its KPIs;
* bulk: ``recompute(point_ids, start, end)`` (the management command, the bench).

Reading rows are fetched with a raw cursor (no per-row model or converter) in
time order, one query per point and run of hours; everything is written with
``Upsert`` on the natural key, so computing a period again gives the same rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from qingyuan.monitoring.models import Reading
from qingyuan.quality import kpi, queue
from qingyuan.quality.aggregate import Sample, Stats, from_parts, from_samples, slice_volume, with_device
from qingyuan.quality.choices import Period
from qingyuan.quality.conf import QualitySettings, quality_settings
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue, PendingPeriod, Touched
from qingyuan.quality.points import PointInfo, expected_parameters, point_infos, stopped_periods, zone
from qingyuan.quality.upsert import Upsert
from qingyuan.quality.validity import hour_min_valid, month_min_valid

log = logging.getLogger("qingyuan.quality")

HOUR = dt.timedelta(hours=1)
STATS_COLUMNS = ("parameter", "unit", "source", "valid", "n_expected", "n_received", "n_valid", "mean",
                 "mean_arith", "mean_fw", "zs_mean", "min", "max", "volume_m3", "mass_kg", "cou_reported",
                 "device_mean", "mismatch", "flags")
HOUR_COLUMNS = ("point_id", "start", *STATS_COLUMNS, "computed_at")
DAY_COLUMNS = (*HOUR_COLUMNS, "day")
MONTH_COLUMNS = (*HOUR_COLUMNS, "month")
KPI_COLUMNS = ("point_id", "day", "parameter", "expected", "excluded", "received", "valid", "computed_at")
KEY = ("point_id", "parameter", "start")


# ---- time keys of raw rows ----------------------------------------------------------------------

class _Times:
    """Raw ``time`` values: 'YYYY-MM-DD HH:MM:SS' strings (UTC) on SQLite, aware datetimes on PostgreSQL."""

    def __init__(self) -> None:
        self.text = connection.vendor == "sqlite"
        self._aware: dict[Any, dt.datetime] = {}

    def param(self, when: dt.datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(when)

    def hour_key(self, raw: Any) -> Any:
        return raw[:13] if self.text else raw.replace(minute=0, second=0, microsecond=0)

    def key_of(self, when: dt.datetime) -> Any:
        return self.hour_key(self.param(when)) if self.text else when.astimezone(dt.UTC)

    def aware(self, raw: Any) -> dt.datetime:
        found = self._aware.get(raw)
        if found is None:
            if self.text:
                text = raw if len(raw) > 13 else raw + ":00:00"
                found = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
            else:
                found = raw.astimezone(dt.UTC)
            self._aware[raw] = found
        return found


def _fetch(times: _Times, point_id: int, kind: str, start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    q = connection.ops.quote_name
    cols = {f.attname: q(f.column) for f in Reading._meta.concrete_fields}
    # SQLite: the text as stored (no per-row datetime converter); PostgreSQL: aware datetimes.
    when = f"CAST({cols['time']} AS TEXT)" if times.text else cols["time"]
    sql = (f"SELECT {cols['parameter']}, {when}, {cols['avg']}, {cols['min']}, {cols['max']}, "  # noqa: S608 - names from _meta
           f"{cols['cou']}, {cols['zs_avg']}, {cols['flag']} FROM {q(Reading._meta.db_table)} "
           f"WHERE {cols['point_id']} = %s AND {cols['kind']} = %s AND {cols['time']} >= %s "
           f"AND {cols['time']} < %s ORDER BY {cols['time']}, {cols['parameter']}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [point_id, kind, times.param(start), times.param(end)])
        return cursor.fetchall()


def _runs(moments: list[dt.datetime], gap: dt.timedelta) -> Iterator[list[dt.datetime]]:
    """Sorted moments in groups whose neighbours are at most ``gap`` apart (one query per group)."""
    group: list[dt.datetime] = []
    for m in moments:
        if group and m - group[-1] > gap:
            yield group
            group = []
        group.append(m)
    if group:
        yield group


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone()).astimezone(dt.UTC)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(zone()).date()


def floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


# ---- hours ----------------------------------------------------------------------------------------

def compute_hours(info: PointInfo, hours: Iterable[dt.datetime], cfg: QualitySettings
                  ) -> list[tuple[dt.datetime, Stats]]:
    """The hourly values of ``info`` for ``hours`` (aware hour starts) that have any data."""
    times = _Times()
    out: list[tuple[dt.datetime, Stats]] = []
    for run in _runs(sorted({floor_hour(h) for h in hours}), dt.timedelta(hours=24)):
        wanted = {times.key_of(h) for h in run}
        minute = _fetch(times, info.id, "minute", run[0], run[-1] + HOUR)
        device = _fetch(times, info.id, "hour", run[0], run[-1] + HOUR)
        out.extend(_hours(info, minute, device, wanted, times, cfg))
    return out


def _hours(info: PointInfo, minute_rows: list[tuple[Any, ...]], device_rows: list[tuple[Any, ...]],
           wanted: set[Any], times: _Times, cfg: QualitySettings) -> list[tuple[dt.datetime, Stats]]:
    key, flow, seconds = times.hour_key, info.flow_code, info.interval_seconds
    samples: dict[Any, dict[str, list[Sample]]] = defaultdict(lambda: defaultdict(list))
    volumes: dict[Any, float | None] = {}
    for code, t, avg, lo, hi, cou, zs, flag in minute_rows:
        hk = key(t)
        if hk not in wanted:
            continue
        s = Sample(t, avg, lo, hi, cou, zs, flag or "")
        samples[hk][code].append(s)
        if code == flow:
            volumes[t] = slice_volume(flow, s, seconds, cfg)
    device: dict[Any, dict[str, Sample]] = defaultdict(dict)
    for code, t, avg, lo, hi, cou, zs, flag in device_rows:
        hk = key(t)
        if hk in wanted:
            device[hk][code] = Sample(t, avg, lo, hi, cou, zs, flag or "")
    expected = info.per_hour
    min_valid = hour_min_valid(expected, cfg)
    out = []
    for hk in sorted(set(samples) | set(device)):
        params, dev = samples.get(hk, {}), device.get(hk, {})
        dflow = dev.get(flow)
        dvol = slice_volume(flow, dflow, 3600, cfg) if dflow is not None else None
        start = times.aware(hk)
        for code in sorted(set(params) | set(dev)):
            computed = (from_samples(code, params[code], volumes, expected=expected, water=info.water, cfg=cfg,
                                     min_valid=min_valid) if code in params else None)
            stats = with_device(code, computed, dev.get(code), expected=expected, device_volume=dvol, cfg=cfg)
            if stats is not None:
                out.append((start, stats))
    return out


# ---- days and months -----------------------------------------------------------------------------

def _stats_rows(model: type[Any], info: PointInfo, start: dt.datetime, end: dt.datetime
                ) -> list[tuple[dt.datetime, Stats]]:
    rows = (model.objects.filter(point_id=info.id, start__gte=start, start__lt=end)
            .order_by("start", "parameter").values_list("start", *STATS_COLUMNS))
    return [(r[0], Stats(*r[1:])) for r in rows]


def _hours_of_day(day: dt.date) -> list[dt.datetime]:
    start, end = local_midnight(day), local_midnight(day + dt.timedelta(days=1))
    return [start + HOUR * i for i in range(int((end - start) / HOUR))]


def compute_days(info: PointInfo, days: Iterable[dt.datetime | dt.date], cfg: QualitySettings,
                 expected_codes: frozenset[str] = frozenset()) -> tuple[list[tuple[dt.datetime, Stats]], list[tuple]]:
    """Daily values and KPI rows of ``info`` for local ``days``, from its stored hourly values."""
    times = _Times()
    wanted = sorted({d if isinstance(d, dt.date) and not isinstance(d, dt.datetime) else local_day(d)
                     for d in days})
    values: list[tuple[dt.datetime, Stats]] = []
    kpis: list[tuple] = []
    for run in _runs([local_midnight(d) for d in wanted], dt.timedelta(days=7)):
        lo, hi = run[0], local_midnight(local_day(run[-1]) + dt.timedelta(days=1))
        by_day: dict[dt.date, dict[str, dict[dt.datetime, Stats]]] = defaultdict(lambda: defaultdict(dict))
        for start, stats in _stats_rows(HourlyValue, info, lo, hi):
            by_day[local_day(start)][stats.parameter][start] = stats
        device: dict[dt.date, dict[str, Sample]] = defaultdict(dict)
        for code, t, avg, lo_, hi_, cou, zs, flag in _fetch(times, info.id, "day", lo, hi):
            device[local_day(times.aware(t))][code] = Sample(t, avg, lo_, hi_, cou, zs, flag or "")
        stopped = stopped_periods(info, lo, hi)
        for midnight in run:
            day = local_day(midnight)
            hours = _hours_of_day(day)
            params, dev = by_day.get(day, {}), device.get(day, {})
            dflow = dev.get(info.flow_code)
            dvol = slice_volume(info.flow_code, dflow, 86400, cfg) if dflow is not None else None
            for code in sorted(set(params) | set(dev)):
                parts = [params[code][h] for h in hours if h in params.get(code, {})]
                computed = (from_parts(code, parts, expected=len(hours), min_valid=cfg.day_min_valid_hours)
                            if parts else None)
                stats = with_device(code, computed, dev.get(code), expected=len(hours), device_volume=dvol,
                                    cfg=cfg)
                if stats is not None:
                    values.append((midnight, stats))
            if not params and not dev and not expected_codes:
                continue
            off = [h for h in hours if any(a <= h < b for a, b in stopped)]
            for code in sorted(expected_codes or set(params)):
                counts = kpi.day_counts(hours, params.get(code, {}), off)
                kpis.append((info.id, day, code, counts.expected, counts.excluded, counts.received, counts.valid))
    return values, kpis


def compute_months(info: PointInfo, months: Iterable[dt.date], cfg: QualitySettings
                   ) -> list[tuple[dt.datetime, Stats]]:
    """Monthly values of ``info`` for the local months of ``months`` (any day in them), from its daily values."""
    out: list[tuple[dt.datetime, Stats]] = []
    for month in sorted({m.replace(day=1) for m in months}):
        days_in = calendar.monthrange(month.year, month.month)[1]
        start = local_midnight(month)
        end = local_midnight(month + dt.timedelta(days=days_in))
        by_code: dict[str, list[Stats]] = defaultdict(list)
        for _, stats in _stats_rows(DailyValue, info, start, end):
            by_code[stats.parameter].append(stats)
        need = month_min_valid(month.year, month.month, cfg)
        for code in sorted(by_code):
            out.append((start, from_parts(code, by_code[code], expected=days_in, min_valid=need)))
    return out


# ---- storing ---------------------------------------------------------------------------------------

def _store(model: type[Any], columns: tuple[str, ...], info: PointInfo,
           rows: list[tuple[dt.datetime, Stats]], extra: Any = None) -> int:
    now = timezone.now()
    data = []
    for start, s in rows:
        values = [info.id, start, *(getattr(s, c) for c in STATS_COLUMNS), now]
        if extra is not None:
            values.append(extra(start))
        data.append(values)
    return Upsert(model, columns, KEY).run(data)


def store_hours(info: PointInfo, rows: list[tuple[dt.datetime, Stats]]) -> int:
    return _store(HourlyValue, HOUR_COLUMNS, info, rows)


def store_days(info: PointInfo, rows: list[tuple[dt.datetime, Stats]], kpis: list[tuple]) -> int:
    n = _store(DailyValue, DAY_COLUMNS, info, rows, local_day)
    now = timezone.now()
    Upsert(KpiDaily, KPI_COLUMNS, ("point_id", "day", "parameter")).run([(*k, now) for k in kpis])
    return n


def store_months(info: PointInfo, rows: list[tuple[dt.datetime, Stats]]) -> int:
    return _store(MonthlyValue, MONTH_COLUMNS, info, rows, local_day)


def _tell(info: PointInfo, period: str, rows: list[tuple[dt.datetime, Stats]]) -> None:
    for fn in queue.period_listeners():
        try:
            with transaction.atomic():
                fn(info, period, rows)
        except Exception:  # noqa: BLE001 - the aggregates stand; the listener is logged
            log.exception("period listener %s failed for point %s", fn, info.id)


# ---- the pending-period queue ----------------------------------------------------------------------

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
        for t in items:
            if t.kind == "minute":
                pending += [(t.point_id, Period.HOUR, h, max(now, h + HOUR + grace))
                            for h in _hours_between(t.first_time, t.last_time)]
            elif t.kind == "hour":
                pending += [(t.point_id, Period.HOUR, h, now) for h in _hours_between(t.first_time, t.last_time)]
            elif t.kind == "day":
                day = local_day(t.first_time)
                while local_midnight(day) <= t.last_time:
                    pending.append((t.point_id, Period.DAY, local_midnight(day), now))
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
        _tell(info, Period.HOUR, rows)
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
        _tell(info, Period.DAY, rows)
        store_months(info, compute_months(info, [local_day(s) for s in starts], cfg))


# ---- bulk ------------------------------------------------------------------------------------------

def recompute(point_ids: Iterable[int] | None, start: dt.date, end: dt.date, *, chunk_days: int = 7,
              tell: bool = False) -> dict[str, int]:
    """Compute every hour, day, KPI and month of the points over local days [start, end]. Idempotent."""
    cfg = quality_settings()
    infos = point_infos(point_ids)
    expected = expected_parameters(infos.values())
    counts = {"hours": 0, "days": 0, "kpis": 0, "months": 0}
    for info in infos.values():
        day = start
        while day <= end:
            last = min(end, day + dt.timedelta(days=chunk_days - 1))
            with transaction.atomic():
                first_hour = local_midnight(day)
                hours = [first_hour + HOUR * i
                         for i in range(int((local_midnight(last + dt.timedelta(days=1)) - first_hour) / HOUR))]
                rows = compute_hours(info, hours, cfg)
                counts["hours"] += store_hours(info, rows)
                days = [day + dt.timedelta(days=i) for i in range((last - day).days + 1)]
                values, kpis = compute_days(info, days, cfg, expected.get(info.id, frozenset()))
                counts["days"] += store_days(info, values, kpis)
                counts["kpis"] += len(kpis)
                if tell:
                    _tell(info, Period.HOUR, rows)
                    _tell(info, Period.DAY, values)
            day = last + dt.timedelta(days=1)
        with transaction.atomic():
            months = [start.replace(day=1)]
            while months[-1] < end.replace(day=1):
                months.append((months[-1] + dt.timedelta(days=32)).replace(day=1))
            counts["months"] += store_months(info, compute_months(info, months, cfg))
    return counts
