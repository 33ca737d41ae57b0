"""One point's hourly values over a year: read time (issue 16 target: < 50 ms), SQLite and PostgreSQL.

    .venv/bin/python bench/hourly_year.py                      # SQLite (a file in a temp dir)
    bin/with-postgres .venv/bin/python bench/hourly_year.py    # PostgreSQL (a throwaway test database)
    .venv/bin/python bench/hourly_year.py --points 100 --runs 30

The table holds --points points' hour readings (7 parameters, every hour of a year, inserted in time
order as the gateway writes them: one point's rows are spread over the whole table) and their day
readings, written in bulk by SQL (not through ingest: only the read is measured; bench/storage.py
measures the same read on data ingested from frames). Values have 3 decimals, some min/max NULL,
some flags "D". Then one point's year (61,320 hour rows) is read --runs times by each path; each line
prints wall p50 / p95 and CPU p50 / p95 of this process (the database's own CPU is in the wall time
only on PostgreSQL, which runs in its own processes). Nothing is written to the configured database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from storage import make_points  # noqa: E402
from timing import timed  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
CODES = ("a00000", "a01011", "a01012", "a01013", "a01014", "a21002", "a21026")
FIRST = dt.date(2025, 1, 1)


def seed(point_ids: list[int], days: int) -> int:
    """Hour and day readings of every point over ``days`` days from FIRST (local), in time order."""
    from qingyuan.monitoring.partitions import ensure_partitions

    ensure_partitions(today=FIRST, ahead=days // 28 + 1)
    start = dt.datetime.combine(FIRST, dt.time(), ZONE).astimezone(dt.UTC).replace(tzinfo=None)
    ids = ", ".join(str(int(p)) for p in point_ids)
    codes = " UNION ALL ".join(f"SELECT '{c}' AS code" for c in CODES)
    cols = '"point_id", "kind", "time", "parameter", "avg", "min", "max", "cou", "flag", "eflag"'
    with connection.cursor() as cursor:
        for kind, step, n in (("hour", "hours", days * 24), ("day", "days", days)):
            if connection.vendor == "sqlite":
                value = "ROUND((ABS(RANDOM()) % 100000) / 1000.0, 3)"
                cursor.execute(
                    f"WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < {n - 1}), "  # noqa: S608
                    f"p(id) AS (SELECT id FROM enterprises_monitoringpoint WHERE id IN ({ids})), c AS ({codes}) "
                    f"INSERT INTO monitoring_reading ({cols}) SELECT p.id, '{kind}', "
                    f"strftime('%Y-%m-%d %H:%M:%S', '{start:%Y-%m-%d %H:%M:%S}', '+' || h.n || ' {step}'), c.code, "
                    f"{value}, CASE WHEN ABS(RANDOM()) % 20 = 0 THEN NULL ELSE {value} END, "
                    f"CASE WHEN ABS(RANDOM()) % 20 = 0 THEN NULL ELSE {value} END, "
                    f"CASE WHEN c.code = 'a00000' THEN {value} END, "
                    f"CASE WHEN ABS(RANDOM()) % 50 = 0 THEN 'D' ELSE 'N' END, '' "
                    f"FROM h, p, c ORDER BY h.n, p.id, c.code")
            else:
                value = "ROUND((RANDOM() * 100)::numeric, 3)::float8"
                cursor.execute(
                    f"INSERT INTO monitoring_reading ({cols}) SELECT p.id, '{kind}', "  # noqa: S608
                    f"TIMESTAMPTZ '{start:%Y-%m-%d %H:%M:%S}+00' + h.n * INTERVAL '1 {step[:-1]}', c.code, "
                    f"{value}, CASE WHEN RANDOM() < 0.05 THEN NULL ELSE {value} END, "
                    f"CASE WHEN RANDOM() < 0.05 THEN NULL ELSE {value} END, "
                    f"CASE WHEN c.code = 'a00000' THEN {value} END, "
                    f"CASE WHEN RANDOM() < 0.02 THEN 'D' ELSE 'N' END, '' "
                    f"FROM generate_series(0, {n - 1}) AS h(n), "
                    f"(SELECT id FROM enterprises_monitoringpoint WHERE id IN ({ids})) AS p, ({codes}) AS c "
                    f"ORDER BY h.n, p.id, c.code")
        cursor.execute("ANALYZE")
        cursor.execute("SELECT COUNT(*) FROM monitoring_reading")
        return int(cursor.fetchone()[0])


def run(args: argparse.Namespace) -> None:
    from qingyuan.monitoring import hour_series, store
    from qingyuan.monitoring.models import Reading

    where = f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite" else "PostgreSQL"
    points = make_points(args.points)
    t0 = time.perf_counter()
    total = seed([p.pk for p in points], args.days)
    print(f"bench/hourly_year.py on {where}, {os.cpu_count()} CPUs: {args.points} points x {args.days} days of hour "
          f"and day readings (7 parameters), {total:,} rows, seeded in {time.perf_counter() - t0:.0f} s")
    pid = points[len(points) // 2].pk
    start = dt.datetime.combine(FIRST, dt.time(), ZONE)
    end = start + dt.timedelta(days=min(args.days, 365))
    expected = min(args.days, 365) * 24 * len(CODES)

    def orm() -> None:
        rows = list(Reading.objects.filter(point_id=pid, kind="hour", time__gte=start, time__lt=end)
                    .order_by("time", "parameter").values_list("time", "parameter", "avg", "flag"))
        assert len(rows) == expected, len(rows)

    def narrow() -> None:
        assert len(store.narrow_values(pid, "hour", start, end)) == expected

    def columnar() -> None:
        assert len(hour_series.read(pid, "hour", start, end)) == expected

    def columnar_all() -> None:
        got = hour_series.read(pid, "hour", start, end, columns=hour_series.API_COLUMNS)
        assert len(got) == expected

    from qingyuan.core.api import Paging, paginate
    last = Paging(page=-(-expected // 200), page_size=200)

    def api_page_orm() -> None:  # /api/v1/readings?kind=hour before: COUNT(*) + LIMIT/OFFSET through the ORM
        qs = Reading.objects.filter(point_id=pid, kind="hour", time__gte=start, time__lt=end)
        assert paginate(qs.order_by("time", "parameter"), last)["results"]

    def api_page_columnar() -> None:  # after: the columnar read, sliced (monitoring.hour_series)
        assert paginate(hour_series.read(pid, "hour", start, end, columns=hour_series.API_COLUMNS), last)["results"]

    def one_parameter() -> None:
        assert len(hour_series.read(pid, "hour", start, end, parameters=["a21026"])) == expected // len(CODES)

    t0, c0 = time.perf_counter(), time.process_time()
    built = hour_series.build_due(now=end + dt.timedelta(days=60), limit=10**6)
    print(f"  built {built} hour blocks (every point's periods) in {time.perf_counter() - t0:.1f} s wall, "
          f"{time.process_time() - c0:.1f} s CPU")
    truth = store.narrow_values(pid, "hour", start, end, columns=hour_series.API_COLUMNS)
    assert hour_series.read(pid, "hour", start, end, columns=hour_series.API_COLUMNS).rows() == truth

    print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.runs} runs each; "
          f"one point's year = {expected:,} hour rows")
    for label, fn in (("ORM values_list (before)", orm),
                      ("store.narrow_values (before)", narrow),
                      ("hour_series.read (avg, flag)", columnar),
                      ("hour_series.read (the API's 7 columns)", columnar_all),
                      ("hour_series.read, one parameter", one_parameter),
                      ("API's last page of the year, ORM (before)", api_page_orm),
                      ("API's last page of the year, hour_series", api_page_columnar)):
        t = timed(fn, args.runs, warmup=1)
        print(f"  {label:42} wall p50 {t.wall.p50:6.1f} p95 {t.wall.p95:6.1f} ms   "
              f"CPU p50 {t.cpu.p50:6.1f} p95 {t.cpu.p95:6.1f} ms")
    print(f"  load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from throwaway import throwaway_database

    with throwaway_database("hourly"):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
