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
from qingyuan.quality.aggregate import (
    Group,
    Sample,
    Stats,
    flow_to_m3_per_s,
    from_groups,
    from_parts,
    group_samples,
    slice_volume,
    totals_factor,
    with_device,
)
from qingyuan.quality.choices import Period
from qingyuan.quality.conf import QualitySettings, quality_settings
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue, PendingPeriod, Touched
from qingyuan.quality.points import PointInfo, expected_parameters, point_infos, stopped_periods, zone
from qingyuan.quality.upsert import Upsert
from qingyuan.quality.validity import Validity, flag_validity, hour_min_valid, month_min_valid

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
    """How raw ``time`` values are fetched, so that no datetime is built per row.

    SQLite: as the stored text, 'YYYY-MM-DD HH:MM:SS' in UTC (an hour is its first 13 characters).
    PostgreSQL: as integer epoch seconds (formatting timestamps as text is costly there).
    """

    def __init__(self) -> None:
        self.text = connection.vendor != "postgresql"
        self._aware: dict[Any, dt.datetime] = {}

    def select(self, column: str) -> str:
        return f"CAST({column} AS TEXT)" if self.text else f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"

    def param(self, when: dt.datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(when)

    def hour_key(self, raw: Any) -> Any:
        return raw[:13] if self.text else raw - raw % 3600

    def key_of(self, when: dt.datetime) -> Any:
        return f"{when.astimezone(dt.UTC):%Y-%m-%d %H}" if self.text else int(when.timestamp()) // 3600 * 3600

    def aware(self, raw: Any) -> dt.datetime:
        found = self._aware.get(raw)
        if found is None:
            if self.text:
                text = raw[:19] if len(raw) > 13 else raw + ":00:00"
                found = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
            else:
                found = dt.datetime.fromtimestamp(raw, dt.UTC)
            self._aware[raw] = found
        return found


def _fetch(times: _Times, point_id: int, kind: str, start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    q = connection.ops.quote_name
    cols = {f.attname: q(f.column) for f in Reading._meta.concrete_fields}
    when = times.select(cols["time"])  # see _Times: no datetime per row
    # Columns in the order of ``aggregate.Sample``: the rows are used as samples as they are.
    sql = (f"SELECT {when}, {cols['avg']}, {cols['min']}, {cols['max']}, {cols['cou']}, "  # noqa: S608 - names from _meta
           f"{cols['zs_avg']}, {cols['flag']}, {cols['parameter']} FROM {q(Reading._meta.db_table)} "
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
        if group_in_database():
            groups = _minute_groups(times, info, run[0], run[-1] + HOUR, cfg)
        else:
            groups = _python_groups(times, info, _fetch(times, info.id, "minute", run[0], run[-1] + HOUR), wanted,
                                    cfg)
        device = _fetch(times, info.id, "hour", run[0], run[-1] + HOUR)
        out.extend(_hours(info, groups, device, wanted, times, cfg))
    return out


def group_in_database() -> bool:
    """PostgreSQL groups minute records faster than Python can read them; SQLite's join is slower than
    reading the rows, so there Python groups them (``aggregate.group_samples``). Both give the same groups."""
    return connection.vendor == "postgresql"


def _python_groups(times: _Times, info: PointInfo, rows: list[tuple[Any, ...]], wanted: set[Any],
                   cfg: QualitySettings) -> list[tuple[Any, ...]]:
    """``_minute_groups`` from fetched rows: one pass to collect each hour's records and slice volumes."""
    key, flow, seconds = times.hour_key, info.flow_code, info.interval_seconds
    samples: dict[Any, dict[str, list[Any]]] = {}
    volumes: dict[Any, float | None] = {}
    last_raw: Any = None
    skip = True
    by_code: dict[str, list[Any]] = {}
    for row in rows:  # the inner loop: a few dict lookups per row
        t = row[0]
        if t != last_raw:
            last_raw, hk = t, key(t)
            skip = hk not in wanted
            if not skip:
                by_code = samples.setdefault(hk, {})
        if skip:
            continue
        code = row[7]
        series = by_code.get(code)
        if series is None:
            by_code[code] = [row]
        else:
            series.append(row)
        if code == flow:
            volumes[t] = slice_volume(flow, Sample(*row), seconds, cfg)
    return [(hk, code, *g) for hk in sorted(samples) for code in sorted(samples[hk])
            for g in group_samples(samples[hk][code], volumes)]


def _minute_groups(times: _Times, info: PointInfo, start: dt.datetime, end: dt.datetime, cfg: QualitySettings
                   ) -> list[tuple[Any, ...]]:
    """Minute records grouped by the database: (hour, parameter, ``aggregate.Group`` fields...).

    The database's side of ``aggregate.group_samples``: each record is joined with the flow record of
    its time slice for the slice's volume (HJ 212 App. D.1: the -Cou total, else mean × duration; only
    from a valid flow), then grouped by hour, parameter, flag, value class and volume class.
    """
    q = connection.ops.quote_name
    c = {f.attname: q(f.column) for f in Reading._meta.concrete_fields}
    table = q(Reading._meta.db_table)
    flow = info.flow_code
    valid_flags = [f for f in ("N", "", "S") if flag_validity(f, flow, cfg) is Validity.VALID]
    bucket = (f"substr(CAST(r.{c['time']} AS TEXT), 1, 13)" if times.text
              else f"CAST(EXTRACT(EPOCH FROM date_trunc('hour', r.{c['time']})) AS BIGINT)")
    flag_ok = f"UPPER(TRIM({c['flag']})) IN ({', '.join(['%s'] * len(valid_flags))})" if valid_flags else "1 = 0"
    flow_ok = (f"{flag_ok} AND {c['avg']} < 1e308 AND {c['avg']} > -1e308"
               + (f" AND {c['avg']} >= 0" if cfg.negative_invalid else ""))
    # Table and column names come from _meta; values are parameters.
    sql = (
        f"SELECT {bucket} AS q_hour, r.{c['parameter']}, UPPER(TRIM(r.{c['flag']})) AS q_flag, "  # noqa: S608
        f"CASE WHEN r.{c['avg']} IS NULL OR NOT (r.{c['avg']} < 1e308 AND r.{c['avg']} > -1e308) THEN 2 "
        f"WHEN r.{c['avg']} < 0 THEN 1 ELSE 0 END AS q_sign, "
        f"CASE WHEN v.vol IS NULL THEN 0 WHEN v.vol = 0 THEN 1 ELSE 2 END AS q_vol, "
        f"COUNT(*), SUM(r.{c['avg']}), MIN(COALESCE(r.{c['min']}, r.{c['avg']})), "
        f"MAX(COALESCE(r.{c['max']}, r.{c['avg']})), SUM(r.{c['zs_avg']}), COUNT(r.{c['zs_avg']}), "
        f"SUM(v.vol), SUM(r.{c['avg']} * v.vol), SUM(r.{c['cou']}), COUNT(r.{c['cou']}) "
        f"FROM {table} r LEFT JOIN (SELECT {c['time']} AS t, CASE WHEN {flow_ok} THEN CASE WHEN {c['cou']} "
        f"IS NOT NULL AND {c['cou']} >= 0 AND {c['cou']} < 1e308 THEN {c['cou']} * %s ELSE {c['avg']} * %s "
        f"END END AS vol FROM {table} WHERE {c['point_id']} = %s AND {c['kind']} = %s AND "
        f"{c['parameter']} = %s AND {c['time']} >= %s AND {c['time']} < %s) v ON v.t = r.{c['time']} "
        f"WHERE r.{c['point_id']} = %s AND r.{c['kind']} = %s AND r.{c['time']} >= %s AND r.{c['time']} < %s "
        f"GROUP BY q_hour, r.{c['parameter']}, q_flag, q_sign, q_vol "
        f"ORDER BY q_hour, r.{c['parameter']}, q_flag, q_sign, q_vol")
    per_slice = (flow_to_m3_per_s(flow) or 0.0) * info.interval_seconds
    a, b = times.param(start), times.param(end)
    params = [*valid_flags, totals_factor(flow) or 1.0, per_slice, info.id, "minute", flow, a, b,
              info.id, "minute", a, b]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _hours(info: PointInfo, groups: list[tuple[Any, ...]], device_rows: list[tuple[Any, ...]],
           wanted: set[Any], times: _Times, cfg: QualitySettings) -> list[tuple[dt.datetime, Stats]]:
    key, flow = times.hour_key, info.flow_code
    by_hour: dict[Any, dict[str, list[Group]]] = {}
    for row in groups:
        if row[0] in wanted:
            by_hour.setdefault(row[0], {}).setdefault(row[1], []).append(Group(*row[2:]))
    device: dict[Any, dict[str, Sample]] = defaultdict(dict)
    for row in device_rows:
        hk = key(row[0])
        if hk in wanted:
            device[hk][row[7]] = Sample(*row)
    expected = info.per_hour
    min_valid = hour_min_valid(expected, cfg)
    out = []
    for hk in sorted(set(by_hour) | set(device)):
        params, dev = by_hour.get(hk, {}), device.get(hk, {})
        dflow = dev.get(flow)
        dvol = slice_volume(flow, dflow, 3600, cfg) if dflow is not None else None
        start = times.aware(hk)
        for code in sorted(set(params) | set(dev)):
            computed = (from_groups(code, params[code], expected=expected, water=info.water, cfg=cfg,
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
        for row in _fetch(times, info.id, "day", lo, hi):
            device[local_day(times.aware(row[0]))][row[7]] = Sample(*row)
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
