"""Aggregation speed: minute data → hourly, daily and monthly values, daily KPIs and loads.

    .venv/bin/python bench/aggregate.py                      # SQLite, 30 days (a WAL file in a temp dir)
    DATABASE_URL=postgres://... .venv/bin/python bench/aggregate.py --days 365   # the full year
    bin/with-postgres .venv/bin/python bench/aggregate.py --days 30

The data: ``--points`` water outlets (default 50) × 6 parameters (COD, NH3-N, TP,
TN, pH, flow) of 1-minute data (``--interval``) over ``--days`` days (a year is
157.7 million readings; SQLite defaults to 30 days, 13 million), about 1 % of
records flagged M or D, with permit limits so the KPIs have an expected set.

It then times, on the same rows:

1. the reference: one SQL ``GROUP BY`` (point, parameter, hour) over all minute
   readings with count, valid count, mean, min, max and sum of -Cou, fetched; and the
   equivalent one: the same grouping with what the hourly values need (validity classes
   and the join that pairs each concentration with its slice's flow volume), one query;
2. ``qingyuan.quality.compute.recompute``: hourly values (flow-weighted and
   arithmetic means, validity, mass, device comparison), daily values and KPIs,
   monthly values — everything stored with upserts;
3. the loads read: annual totals per point and parameter (``mass.year_totals``).

It prints readings per second for each and the ratios of (1) to (2) — how fast
the full aggregation runs relative to the bare and to the equivalent GROUP BY
(target ≥ 0.25). A
throwaway test database is created and destroyed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

CODES = [("w01018", 45.0), ("w21003", 4.0), ("w21011", 0.6), ("w21001", 14.0), ("w01001", 7.3), ("w00000", 6.0)]
LOCAL = dt.timezone(dt.timedelta(hours=8))


def make_points(n: int) -> list[int]:
    from decimal import Decimal

    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet, Permit, PermitLimit
    from qingyuan.org.models import Park

    park = Park.objects.create(name="bench", code="bench", county="bench")
    ids = []
    for i in range(n):
        enterprise = Enterprise.objects.create(
            park=park, name=f"bench {i}", credit_code=make(f"91361123BENCH{i:04d}"), legal_representative="-",
            industry="C26", address="-", risk_class="general")
        outlet = Outlet.objects.create(enterprise=enterprise, medium="water", code="DW001", name="-")
        point = MonitoringPoint.objects.create(park=park, outlet=outlet, name=f"P{i}", mn=f"BENCHAGG{i:016d}",
                                               password="123456", st="32", min_interval_min=1)
        permit = Permit.objects.create(enterprise=enterprise, number=f"BENCH{i}", issuer="-",
                                       valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2040, 1, 1))
        for code, base in CODES[:4]:
            PermitLimit.objects.create(permit=permit, outlet=outlet, pollutant_code=code, unit="mg/L",
                                       concentration_limit=Decimal(str(base * 3)), annual_load_t=Decimal("100"))
        ids.append(point.pk)
    return ids


def rows_for(point_id: int, start: dt.datetime, minutes: int, interval: int):  # type: ignore[no-untyped-def]
    """Deterministic values: a daily cycle plus noise; ~1 % flagged M or D."""
    from django.db import connection as conn

    adapt = conn.ops.adapt_datetimefield_value
    for m in range(0, minutes, interval):
        when = adapt(start + dt.timedelta(minutes=m))
        noise = zlib.crc32(f"{point_id}|{m}".encode())
        flag = "D" if noise % 211 == 0 else "M" if noise % 197 == 0 else "N"
        cycle = 1 + 0.2 * ((m // 60) % 24 - 12) / 12
        for k, (code, base) in enumerate(CODES):
            value = round(base * cycle * (1 + ((noise >> k) % 100 - 50) / 1000), 3)
            cou = round(value * interval * 60 / 1000, 4) if code == "w00000" else None
            yield (point_id, "minute", when, code, value, value, value, cou, flag if code != "w00000" else "N", "")


def load(point_ids: list[int], start: dt.datetime, days: int, interval: int) -> int:
    cols = "point_id, kind, time, parameter, avg, min, max, cou, flag, eflag"
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for pid in point_ids:
            rows = list(rows_for(pid, start, days * 1440, interval))
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY monitoring_reading ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO monitoring_reading ({cols}) VALUES ({', '.join(['%s'] * 10)})"  # noqa: S608
                cursor.executemany(sql, rows)
            total += len(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_reading")
    return total


def group_by() -> tuple[float, int]:
    bucket = "substr(time, 1, 13)" if connection.vendor == "sqlite" else "date_trunc('hour', time)"
    sql = (f"SELECT point_id, parameter, {bucket} AS h, count(*), "  # noqa: S608 - constants only
           "sum(CASE WHEN flag = 'N' THEN 1 ELSE 0 END), avg(avg), min(min), max(max), sum(cou) "
           "FROM monitoring_reading WHERE kind = 'minute' GROUP BY point_id, parameter, h")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        n = len(cursor.fetchall())
    return time.perf_counter() - t0, n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=50)
    parser.add_argument("--days", type=int, default=None, help="default: 30 on SQLite, 365 on PostgreSQL")
    parser.add_argument("--interval", type=int, default=1, help="minutes between records (default 1)")
    args = parser.parse_args()
    days = args.days or (30 if connection.vendor == "sqlite" else 365)

    tmp = tempfile.mkdtemp(prefix="qingyuan-bench-")
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}),
                                            "NAME": os.path.join(tmp, "aggregate.sqlite3")}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from qingyuan.quality import compute, mass
        from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue

        first = dt.date(2026, 1, 1)
        start = dt.datetime(2026, 1, 1, tzinfo=LOCAL)
        if connection.vendor == "postgresql":
            from qingyuan.monitoring import partitions

            partitions.ensure_partitions(today=first, ahead=days // 28 + 1)
            where = "PostgreSQL (monthly partitions)"
        else:
            where = f"SQLite {connection.Database.sqlite_version}"
        ids = make_points(args.points)
        t0 = time.perf_counter()
        n = load(ids, start, days, args.interval)
        print(f"aggregate bench on {where}, {os.cpu_count()} CPUs: {args.points} points × {len(CODES)} parameters "
              f"× {days} days of {args.interval}-minute data = {n:,} readings (loaded in "
              f"{time.perf_counter() - t0:.1f} s)")

        group_by()  # warm the cache once, as the aggregation will find it
        runs = [group_by() for _ in range(3)]
        ref_s, groups = min(runs)
        print(f"  reference GROUP BY (point, parameter, hour): {ref_s:8.2f} s  {n / ref_s:12,.0f} readings/s  "
              f"({groups:,} groups; best of 3)")

        last = first + dt.timedelta(days=days - 1)
        # The equivalent GROUP BY: the same hours with what they need computed (validity classes, the
        # flow-weighting join with each slice's flow volume), as one query over all points and days.
        infos = list(compute.point_infos(ids).values())
        end = compute.local_midnight(last + dt.timedelta(days=1))

        def equivalent() -> float:
            t0 = time.perf_counter()
            compute._minute_group_rows(compute._Times(), ids, "w00000", 60 * args.interval, start, end,
                                       compute.quality_settings())
            return time.perf_counter() - t0

        eq_s = min(equivalent() for _ in range(3))
        print(f"  equivalent GROUP BY (validity classes, flow-weighting join): {eq_s:8.2f} s  "
              f"{n / eq_s:12,.0f} readings/s  (best of 3; {len(infos)} points in one query)")
        t0 = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            counts = profile.runcall(compute.recompute, ids, first, last)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        else:
            counts = compute.recompute(ids, first, last)
        agg_s = time.perf_counter() - t0
        print(f"  recompute (hours, days, KPIs, months): {agg_s:8.2f} s  {n / agg_s:12,.0f} readings/s  "
              f"({counts['hours']:,} hourly, {counts['days']:,} daily, {counts['kpis']:,} KPI, "
              f"{counts['months']:,} monthly rows)")
        t0 = time.perf_counter()
        again = compute.recompute(ids, first, last)
        again_s = time.perf_counter() - t0
        assert again == counts
        print(f"  recompute again (idempotent upserts):  {again_s:8.2f} s  {n / again_s:12,.0f} readings/s")
        t0 = time.perf_counter()
        totals = mass.year_totals(ids, 2026)
        loads_s = time.perf_counter() - t0
        print(f"  loads: annual totals per point and parameter: {loads_s * 1000:.1f} ms ({len(totals)} totals)")
        assert HourlyValue.objects.count() == counts["hours"] and DailyValue.objects.count() == counts["days"]
        assert KpiDaily.objects.count() == counts["kpis"] and MonthlyValue.objects.count() == counts["months"]
        best = min(agg_s, again_s)
        print(f"  ratio to the bare GROUP BY:       {ref_s / best:.2f}  (best runs; target ≥ 0.25)")
        print(f"  ratio to the equivalent GROUP BY: {eq_s / best:.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
