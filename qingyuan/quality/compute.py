"""Compute and store hourly, daily and monthly values and daily KPIs.

Two ways in, one computation:

* incremental (the worker): the queue of periods to compute, ``quality.pending``
  (``drain_touched``, ``process_due``), calls ``compute_hours``/``compute_days``
  and the ``store_*`` functions here;
* bulk: ``recompute(point_ids, start, end)`` (the management command, the bench).

Reading rows are fetched with a raw cursor (no per-row model or converter) in
time order, one query per point and run of hours; everything is written with
``Upsert`` on the natural key, so computing a period again gives the same rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from qingyuan.monitoring.models import Reading
from qingyuan.quality import kpi, queue, ytd
from qingyuan.quality.aggregate import (
    Group,
    Sample,
    Stats,
    flow_to_m3_per_s,
    from_groups,
    from_parts,
    group_hours,
    slice_volume,
    slice_volumes,
    totals_factor,
    with_device,
)
from qingyuan.quality.calibration import NO_CHECKS, PointChecks, checks_many, checks_of
from qingyuan.quality.choices import Period
from qingyuan.quality.conf import QualitySettings, quality_settings
from qingyuan.quality.fetch import RawTimes, fetch, fetch_many
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue
from qingyuan.quality.points import (
    PointInfo,
    expected_parameters,
    point_infos,
    stopped_periods,
    stopped_periods_many,
    zone,
)
from qingyuan.quality.upsert import Upsert
from qingyuan.quality.validity import Validity, day_min_valid, flag_validity, hour_min_valid, month_min_valid

log = logging.getLogger("qingyuan.quality")

HOUR = dt.timedelta(hours=1)
STATS_COLUMNS = ("parameter", "unit", "source", "valid", "n_expected", "n_received", "n_valid", "mean",
                 "mean_arith", "mean_fw", "zs_mean", "min", "max", "volume_m3", "mass_kg", "cou_reported",
                 "device_mean", "mismatch", "flags")
HOUR_COLUMNS = ("point_id", "start", *STATS_COLUMNS, "computed_at")
DAY_COLUMNS = (*HOUR_COLUMNS, "day")
MONTH_COLUMNS = (*HOUR_COLUMNS, "month")
# What the computation stores: also the days with a mass (a writer of MONTH_COLUMNS alone leaves them NULL,
# "not known", and loads then reads the daily values of that month).
MONTH_STORE_COLUMNS = (*MONTH_COLUMNS, "mass_days", "mass_day_mask", "first_mass_day")
KPI_COLUMNS = ("point_id", "day", "parameter", "expected", "excluded", "received", "valid", "computed_at")
KEY = ("point_id", "parameter", "start")


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
    return _local_day(moment, zone())


@functools.lru_cache(maxsize=65536)
def _local_day(moment: dt.datetime, tz: Any) -> dt.date:
    return moment.astimezone(tz).date()


def floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


# ---- hours ----------------------------------------------------------------------------------------

def compute_hours(info: PointInfo, hours: Iterable[dt.datetime], cfg: QualitySettings
                  ) -> list[tuple[dt.datetime, Stats]]:
    """The hourly values of ``info`` for ``hours`` (aware hour starts) that have any data."""
    times = RawTimes()
    out: list[tuple[dt.datetime, Stats]] = []
    for run in _runs(sorted({floor_hour(h) for h in hours}), dt.timedelta(hours=24)):
        wanted = {times.key_of(h) for h in run}
        if group_in_database():
            groups = _minute_groups(times, [info], run[0], run[-1] + HOUR, cfg).get(info.id, [])
        else:
            groups = _python_groups(times, info, fetch(times, info.id, "minute", run[0], run[-1] + HOUR), wanted,
                                    cfg)
        device = fetch(times, info.id, "hour", run[0], run[-1] + HOUR)
        out.extend(_hours(info, groups, device, wanted, times, cfg, checks_of(info.id, run[-1] + HOUR)))
    return out


def group_in_database() -> bool:
    """PostgreSQL groups minute records faster than Python can read them; SQLite's join is slower than
    reading the rows, so there Python groups them (``aggregate.group_samples``). Both give the same groups."""
    return connection.vendor == "postgresql"


def _python_groups(times: RawTimes, info: PointInfo, rows: list[tuple[Any, ...]], wanted: set[Any],
                   cfg: QualitySettings) -> list[tuple[Any, ...]]:
    """``_minute_groups`` from fetched rows (``aggregate.group_hours``): one pass, a few operations per row."""
    flow, seconds = info.flow_code, info.interval_seconds
    return group_hours(rows, times.hour_key, wanted, flow, lambda flows: slice_volumes(flow, flows, seconds, cfg))


def _minute_groups(times: RawTimes, infos: list[PointInfo], start: dt.datetime, end: dt.datetime,
                   cfg: QualitySettings) -> dict[int, list[tuple[Any, ...]]]:
    """Minute records grouped by the database, per point: (hour, parameter, ``aggregate.Group`` fields...).

    The database's side of ``aggregate.group_samples``: each record is joined with the flow record of
    its time slice for the slice's volume (HJ 212 App. D.1: the -Cou total, else mean × duration; only
    from a valid flow), then grouped by hour, parameter, flag, value class and volume class. Points
    with the same flow code and interval share one query (the bulk recompute asks for many at once).
    """
    out: dict[int, list[tuple[Any, ...]]] = {}
    # A compacted day's minute records are in blocks, not in the table: those points' groups come from
    # the read API through the Python grouping (the same groups, as on SQLite); the SQL path stays for
    # narrow-only ranges (docs/storage.md).
    from qingyuan.monitoring.codec import ZONE as BLOCK_DAYS
    from qingyuan.monitoring.models import ReadingBlock

    compacted = set(ReadingBlock.objects.filter(
        point_id__in=[i.id for i in infos], kind="minute", day__gte=start.astimezone(BLOCK_DAYS).date(),
        day__lte=end.astimezone(BLOCK_DAYS).date()).values_list("point_id", flat=True))
    if compacted:
        hours = {times.key_of(start + HOUR * i) for i in range(int((end - start) / HOUR) + 1)}
        for info in infos:
            if info.id in compacted:
                out[info.id] = _python_groups(times, info, fetch(times, info.id, "minute", start, end), hours, cfg)
    alike: dict[tuple[str, int], list[int]] = defaultdict(list)
    for info in infos:
        if info.id in compacted:
            continue
        alike[(info.flow_code, info.interval_seconds)].append(info.id)
    for (flow, seconds), ids in alike.items():
        for row in _minute_group_rows(times, ids, flow, seconds, start, end, cfg):
            out.setdefault(row[0], []).append(row[1:])
    return out


def _minute_group_rows(times: RawTimes, ids: list[int], flow: str, seconds: int, start: dt.datetime,
                       end: dt.datetime, cfg: QualitySettings) -> list[tuple[Any, ...]]:
    q = connection.ops.quote_name
    c = {f.attname: q(f.column) for f in Reading._meta.concrete_fields}
    table = q(Reading._meta.db_table)
    valid_flags = [f for f in ("N", "", "S") if flag_validity(f, flow, cfg) is Validity.VALID]
    # Group by the hour (the epoch is taken once per group, not per row on PostgreSQL).
    hour = f"substr(CAST(r.{c['time']} AS TEXT), 1, 13)" if times.text else f"date_trunc('hour', r.{c['time']})"
    bucket = "q_h" if times.text else "CAST(EXTRACT(EPOCH FROM q_h) AS BIGINT)"
    flag_ok = f"UPPER(TRIM({c['flag']})) IN ({', '.join(['%s'] * len(valid_flags))})" if valid_flags else "1 = 0"
    flow_ok = (f"{flag_ok} AND {c['avg']} < 1e308 AND {c['avg']} > -1e308"
               + (f" AND {c['avg']} >= 0" if cfg.negative_invalid else ""))
    # Table and column names come from _meta; values are parameters.
    points = ", ".join(["%s"] * len(ids))
    vol = (f"CASE WHEN {flow_ok} THEN CASE WHEN {c['cou']} IS NOT NULL AND {c['cou']} >= 0 AND {c['cou']} < 1e308 "
           f"THEN {c['cou']} * %s ELSE {c['avg']} * %s END END")
    # The inner query classifies each record once (hour, sign, volume class, extremes); the outer one
    # groups plain columns.
    records = (
        f"SELECT r.{c['point_id']} AS q_p, {hour} AS q_h, r.{c['parameter']} AS q_code, r.{c['flag']} AS q_flag, "  # noqa: S608
        f"CASE WHEN r.{c['avg']} IS NULL OR NOT (r.{c['avg']} < 1e308 AND r.{c['avg']} > -1e308) THEN 2 "
        f"WHEN r.{c['avg']} < 0 THEN 1 ELSE 0 END AS q_sign, "
        "CASE WHEN v.vol IS NULL THEN 0 WHEN v.vol = 0 THEN 1 ELSE 2 END AS q_vol, "
        f"r.{c['avg']} AS q_avg, COALESCE(r.{c['min']}, r.{c['avg']}) AS q_low, "
        f"COALESCE(r.{c['max']}, r.{c['avg']}) AS q_high, r.{c['zs_avg']} AS q_zs, r.{c['cou']} AS q_cou, v.vol AS q_v "
        f"FROM {table} r LEFT JOIN (SELECT {c['point_id']} AS p, {c['time']} AS t, {vol} AS vol FROM {table} "
        f"WHERE {c['point_id']} IN ({points}) AND {c['kind']} = %s AND {c['parameter']} = %s "
        f"AND {c['time']} >= %s AND {c['time']} < %s) v ON v.p = r.{c['point_id']} AND v.t = r.{c['time']} "
        f"WHERE r.{c['point_id']} IN ({points}) AND r.{c['kind']} = %s AND r.{c['time']} >= %s "
        f"AND r.{c['time']} < %s")
    sql = (
        f"SELECT q_p, {bucket}, q_code, q_flag, q_sign, q_vol, COUNT(*), SUM(q_avg), MIN(q_low), MAX(q_high), "  # noqa: S608
        "SUM(q_zs), COUNT(q_zs), SUM(q_v), SUM(q_avg * q_v), SUM(q_cou), COUNT(q_cou) "
        f"FROM ({records}) q GROUP BY q_p, q_h, q_code, q_flag, q_sign, q_vol")
    per_slice = (flow_to_m3_per_s(flow) or 0.0) * seconds
    a, b = times.param(start), times.param(end)
    params = [*valid_flags, totals_factor(flow) or 1.0, per_slice, *ids, "minute", flow, a, b,
              *ids, "minute", a, b]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The groups are few (points × hours × parameters × a few classes), but the planner, multiplying
            # the keys' distinct counts, expects one per record and would sort them all: hash them in memory.
            # One process: the other core computes the previous chunk's hours (see ``recompute``); the
            # query is too short for JIT to pay.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _hours(info: PointInfo, groups: list[tuple[Any, ...]], device_rows: list[tuple[Any, ...]],
           wanted: set[Any], times: RawTimes, cfg: QualitySettings, checks: PointChecks = NO_CHECKS
           ) -> list[tuple[dt.datetime, Stats]]:
    """The hours of one point. A parameter's expected count follows the logger's minute interval, or the
    analyser's measuring cycle (``PointInfo.per_hour_of``); an hour that overlaps an out-of-control window
    of its parameter (``quality.calibration``) is invalid."""
    key, flow = times.hour_key, info.flow_code
    by_hour: dict[Any, dict[str, list[Group]]] = {}
    for row in sorted(groups, key=lambda r: (r[0], r[1], r[2], r[3], r[4])):  # a fixed order: the same sums
        if row[0] in wanted:  # flags as stored; from_groups reads them upper-cased and trimmed
            group = Group((row[2] or "").strip().upper(), *row[3:])
            by_hour.setdefault(row[0], {}).setdefault(row[1], []).append(group)
    device: dict[Any, dict[str, Sample]] = defaultdict(dict)
    for row in device_rows:
        hk = key(row[0])
        if hk in wanted:
            device[hk][row[7]] = Sample(*row)
    out = []
    for hk in sorted(set(by_hour) | set(device)):
        params, dev = by_hour.get(hk, {}), device.get(hk, {})
        dflow = dev.get(flow)
        dvol = slice_volume(flow, dflow, 3600, cfg) if dflow is not None else None
        start = times.aware(hk)
        for code in sorted(set(params) | set(dev)):
            expected = info.per_hour_of(code)
            computed = (from_groups(code, params[code], expected=expected, water=info.water, cfg=cfg,
                                    min_valid=hour_min_valid(expected, cfg)) if code in params else None)
            stats = with_device(code, computed, dev.get(code), expected=expected, device_volume=dvol, cfg=cfg)
            if stats is not None:
                if checks.hit(code, start, start + HOUR):
                    stats.valid = False  # out of control: HJ 75-2017, HJ 355/356-2019
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
                 expected_codes: frozenset[str] = frozenset(), *,
                 hourly: list[tuple[dt.datetime, Stats]] | None = None,
                 device_rows: list[tuple[Any, ...]] | None = None,
                 stopped: list[tuple[dt.datetime, dt.datetime]] | None = None,
                 checks: PointChecks | None = None,
                 ) -> tuple[list[tuple[dt.datetime, Stats]], list[tuple]]:
    """Daily values and KPI rows of ``info`` for local ``days``, from its hourly values.

    The hourly values, daily uploads and stop periods are read from the database unless given (the bulk
    recompute passes what it has just computed and fetched for many points at once).
    """
    times = RawTimes()
    wanted = sorted({d if isinstance(d, dt.date) and not isinstance(d, dt.datetime) else local_day(d)
                     for d in days})
    if checks is None:
        checks = checks_of(info.id, local_midnight(wanted[-1] + dt.timedelta(days=1))) if wanted else NO_CHECKS
    values: list[tuple[dt.datetime, Stats]] = []
    kpis: list[tuple] = []
    for run in _runs([local_midnight(d) for d in wanted], dt.timedelta(days=7)):
        lo, hi = run[0], local_midnight(local_day(run[-1]) + dt.timedelta(days=1))
        by_day: dict[dt.date, dict[str, dict[dt.datetime, Stats]]] = defaultdict(lambda: defaultdict(dict))
        for start, stats in (hourly if hourly is not None else _stats_rows(HourlyValue, info, lo, hi)):
            if lo <= start < hi:
                by_day[local_day(start)][stats.parameter][start] = stats
        device: dict[dt.date, dict[str, Sample]] = defaultdict(dict)
        for row in (device_rows if device_rows is not None else fetch(times, info.id, "day", lo, hi)):
            device[local_day(times.aware(row[0]))][row[7]] = Sample(*row)
        periods = stopped if stopped is not None else stopped_periods(info, lo, hi)
        for midnight in run:
            day = local_day(midnight)
            hours = _hours_of_day(day)
            params, dev = by_day.get(day, {}), device.get(day, {})
            dflow = dev.get(info.flow_code)
            dvol = slice_volume(info.flow_code, dflow, 86400, cfg) if dflow is not None else None
            day_end = midnight + HOUR * len(hours)
            for code in sorted(set(params) | set(dev)):
                parts = [params[code][h] for h in hours if h in params.get(code, {})]
                expected = info.per_day_of(code)
                computed = (from_parts(code, parts, expected=expected,
                                       min_valid=day_min_valid(expected, info.water, cfg)) if parts else None)
                stats = with_device(code, computed, dev.get(code), expected=expected, device_volume=dvol, cfg=cfg)
                if stats is not None and stats.source == "device" and checks.hit(code, midnight, day_end):
                    # The device's daily value includes out-of-control data: the day stands on its valid hours.
                    stats.valid = computed is not None and computed.valid
                if stats is not None:
                    values.append((midnight, stats))
            if not params and not dev and not expected_codes:
                continue
            off = [h for h in hours if any(a <= h < b for a, b in periods)]
            for code in sorted(expected_codes or set(params)):
                counts = kpi.day_counts(hours, params.get(code, {}), off, per_day=info.per_day_of(code))
                kpis.append((info.id, day, code, counts.expected, counts.excluded, counts.received, counts.valid))
    return values, kpis


class MassDays(NamedTuple):
    """The days of a month whose daily value has a mass: how many, which (bit d−1 = day d), the first."""

    count: int = 0
    mask: int = 0
    first: dt.date | None = None


def mass_days(days: Iterable[tuple[dt.date, Stats]]) -> MassDays:
    """Of (local day, daily stats) pairs of one parameter in one month."""
    with_mass = sorted(day for day, stats in days if stats.mass_kg is not None)
    mask = 0
    for day in with_mass:
        mask |= 1 << (day.day - 1)
    return MassDays(len(with_mass), mask, with_mass[0] if with_mass else None)


def compute_months(info: PointInfo, months: Iterable[dt.date], cfg: QualitySettings
                   ) -> list[tuple[dt.datetime, Stats, MassDays]]:
    """Monthly values of ``info`` for the local months of ``months`` (any day in them), from its daily values,
    with the days that have a mass."""
    out: list[tuple[dt.datetime, Stats, MassDays]] = []
    for month in sorted({m.replace(day=1) for m in months}):
        days_in = calendar.monthrange(month.year, month.month)[1]
        start = local_midnight(month)
        end = local_midnight(month + dt.timedelta(days=days_in))
        by_code: dict[str, list[tuple[dt.date, Stats]]] = defaultdict(list)
        for day_start, stats in _stats_rows(DailyValue, info, start, end):
            by_code[stats.parameter].append((local_day(day_start), stats))
        need = month_min_valid(month.year, month.month, cfg)
        for code in sorted(by_code):
            days = by_code[code]
            out.append((start, from_parts(code, [s for _, s in days], expected=days_in, min_valid=need),
                        mass_days(days)))
    return out


# ---- storing ---------------------------------------------------------------------------------------

def _store(model: type[Any], columns: tuple[str, ...], info: PointInfo,
           rows: list[tuple[dt.datetime, Stats]], extra: Any = None) -> int:
    return _store_many(model, columns, [(info.id, start, stats) for start, stats in rows], extra)


def _store_many(model: type[Any], columns: tuple[str, ...], rows: list[tuple[int, dt.datetime, Stats]],
                extra: Any = None) -> int:
    now = timezone.now()
    fields = operator.attrgetter(*STATS_COLUMNS)
    data = []
    if extra is None:
        for point_id, start, s in rows:
            data.append([point_id, start, *fields(s), now])
    else:
        extras: dict[dt.datetime, Any] = {}  # the same few period starts for every point and parameter
        for point_id, start, s in rows:
            found = extras.get(start)
            if found is None:
                found = extras[start] = extra(start)
            data.append([point_id, start, *fields(s), now, found])
    return Upsert(model, columns, KEY).run(data)


def store_hours(info: PointInfo, rows: list[tuple[dt.datetime, Stats]]) -> int:
    return _store(HourlyValue, HOUR_COLUMNS, info, rows)


def store_days(info: PointInfo, rows: list[tuple[dt.datetime, Stats]], kpis: list[tuple]) -> int:
    n = _store(DailyValue, DAY_COLUMNS, info, rows, local_day)
    now = timezone.now()
    Upsert(KpiDaily, KPI_COLUMNS, ("point_id", "day", "parameter")).run([(*k, now) for k in kpis])
    _stored(Period.DAY)
    return n


def store_months(info: PointInfo, rows: list[tuple[dt.datetime, Stats, MassDays]]) -> int:
    now = timezone.now()
    fields = operator.attrgetter(*STATS_COLUMNS)
    data = [[info.id, start, *fields(s), now, local_day(start), *days] for start, s, days in rows]
    n = Upsert(MonthlyValue, MONTH_STORE_COLUMNS, KEY).run(data)
    ytd.refresh([info.id], {local_day(start).year for start, _, _ in rows})  # their years' sums (ytd.py)
    _stored(Period.MONTH)
    return n


_stored_listeners: list[Callable[[str], None]] = []


def register_stored_listener(fn: Callable[[str], None]) -> None:
    """``fn(period)`` runs right after daily or monthly values were stored (upserts send no model signals):
    ``loads.cache`` bumps the version of the figures it caches."""
    if fn not in _stored_listeners:
        _stored_listeners.append(fn)


def _stored(period: str) -> None:
    for fn in _stored_listeners:
        fn(period)


def refresh_months(point_ids: Iterable[int], days: Iterable[dt.date]) -> int:
    """Compute and store again the months of ``days`` of the points, after daily values were written
    without the computation (fixtures, imports)."""
    cfg = quality_settings()
    wanted = sorted({d.replace(day=1) for d in days})
    return sum(store_months(info, compute_months(info, wanted, cfg)) for info in point_infos(point_ids).values())


def tell_listeners(info: PointInfo, period: str, rows: list[tuple[dt.datetime, Stats]]) -> None:
    for fn in queue.period_listeners():
        try:
            with transaction.atomic():
                fn(info, period, rows)
        except Exception:  # noqa: BLE001 - the aggregates stand; the listener is logged
            log.exception("period listener %s failed for point %s", fn, info.id)


# ---- bulk ------------------------------------------------------------------------------------------

class _Chunk(NamedTuple):
    """What one chunk of the bulk recompute reads, fetched for all points at once (a query per point would
    cost more in round trips than the work)."""

    first: dt.date
    last: dt.date
    times: RawTimes
    grouped: dict[int, list[tuple[Any, ...]]] | None  # minute records grouped by PostgreSQL, else None
    device_hours: dict[int, list[tuple[Any, ...]]]
    device_days: dict[int, list[tuple[Any, ...]]]
    stops: dict[int, list[tuple[dt.datetime, dt.datetime]]]
    checks: dict[int, PointChecks]


def _read_chunk(infos: dict[int, PointInfo], first: dt.date, last: dt.date, cfg: QualitySettings) -> _Chunk:
    first_hour, after = local_midnight(first), local_midnight(last + dt.timedelta(days=1))
    times, ids, points = RawTimes(), list(infos), list(infos.values())
    grouped = _minute_groups(times, points, first_hour, after, cfg) if group_in_database() else None
    return _Chunk(first, last, times, grouped, fetch_many(times, ids, "hour", first_hour, after),
                  fetch_many(times, ids, "day", first_hour, after), stopped_periods_many(points, first_hour, after),
                  checks_many(ids, after))


def _chunks(infos: dict[int, PointInfo], start: dt.date, end: dt.date, chunk_days: int, cfg: QualitySettings
            ) -> Iterator[_Chunk]:
    """The chunks' inputs in order. On PostgreSQL, outside a transaction, the next chunk is read (grouped by
    the server) in a second thread and connection while the caller computes and stores this one: the
    server's grouping and Python's arithmetic run on two cores at once."""
    spans = []
    day = start
    while day <= end:
        spans.append((day, min(end, day + dt.timedelta(days=chunk_days - 1))))
        day = spans[-1][1] + dt.timedelta(days=1)
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(spans) < 2:
        # Inside a transaction (tests, a caller's atomic block) another connection would not see its rows.
        for first, last in spans:
            yield _read_chunk(infos, first, last, cfg)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quality-recompute") as pool:
        try:
            ahead = pool.submit(_read_chunk, infos, *spans[0], cfg)
            for i in range(len(spans)):
                chunk = ahead.result()
                if i + 1 < len(spans):
                    ahead = pool.submit(_read_chunk, infos, *spans[i + 1], cfg)
                yield chunk
        finally:
            pool.submit(lambda: connection.close()).result()  # the reading thread's own connection


def recompute(point_ids: Iterable[int] | None, start: dt.date, end: dt.date, *, chunk_days: int = 7,
              tell: bool = False) -> dict[str, int]:
    """Compute every hour, day, KPI and month of the points over local days [start, end]. Idempotent."""
    cfg = quality_settings()
    infos = point_infos(point_ids)
    expected = expected_parameters(infos.values())
    counts = {"hours": 0, "days": 0, "kpis": 0, "months": 0}
    for chunk in _chunks(infos, start, end, chunk_days, cfg):
        times = chunk.times
        first_hour, after = local_midnight(chunk.first), local_midnight(chunk.last + dt.timedelta(days=1))
        hours = [first_hour + HOUR * i for i in range(int((after - first_hour) / HOUR))]
        days = [chunk.first + dt.timedelta(days=i) for i in range((chunk.last - chunk.first).days + 1)]
        wanted = {times.key_of(h) for h in hours}
        hour_rows: list[tuple[int, dt.datetime, Stats]] = []
        day_rows: list[tuple[int, dt.datetime, Stats]] = []
        kpi_rows: list[tuple] = []
        told = []
        for info in infos.values():
            checks = chunk.checks.get(info.id, NO_CHECKS)
            if chunk.grouped is not None:
                rows = _hours(info, chunk.grouped.get(info.id, []), chunk.device_hours.get(info.id, []), wanted,
                              times, cfg, checks)
            else:
                minute = fetch(times, info.id, "minute", first_hour, after)
                rows = _hours(info, _python_groups(times, info, minute, wanted, cfg),
                              chunk.device_hours.get(info.id, []), wanted, times, cfg, checks)
            values, kpis = compute_days(info, days, cfg, expected.get(info.id, frozenset()), hourly=rows,
                                        device_rows=chunk.device_days.get(info.id, []),
                                        stopped=chunk.stops.get(info.id, []), checks=checks)
            hour_rows += [(info.id, h, stats) for h, stats in rows]
            day_rows += [(info.id, d, stats) for d, stats in values]
            kpi_rows += kpis
            told.append((info, rows, values))
        with transaction.atomic():
            counts["hours"] += _store_many(HourlyValue, HOUR_COLUMNS, hour_rows)
            counts["days"] += _store_many(DailyValue, DAY_COLUMNS, day_rows, local_day)
            now = timezone.now()
            Upsert(KpiDaily, KPI_COLUMNS, ("point_id", "day", "parameter")).run([(*k, now) for k in kpi_rows])
            counts["kpis"] += len(kpi_rows)
            if tell:
                for info, rows, values in told:
                    tell_listeners(info, Period.HOUR, rows)
                    tell_listeners(info, Period.DAY, values)
    for info in infos.values():
        with transaction.atomic():
            months = [start.replace(day=1)]
            while months[-1] < end.replace(day=1):
                months.append((months[-1] + dt.timedelta(days=32)).replace(day=1))
            counts["months"] += store_months(info, compute_months(info, months, cfg))
    return counts
