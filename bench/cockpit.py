"""The cockpit, an enterprise page and the park map's JSON on a province-sized database.

    .venv/bin/python bench/cockpit.py                 # short run for `make bench`
    .venv/bin/python bench/cockpit.py --full          # 5,000 enterprises, 10,000 points, a year of days
    .venv/bin/python bench/cockpit.py --enterprises 2000 --days 120 --runs 20
    .venv/bin/python bench/cockpit.py --full --var /tmp/qy-bench  # seeds once, later runs reuse it

Builds a throwaway SQLite database under a temporary directory (or uses DATABASE_URL if set;
``--var DIR`` keeps the SQLite database in DIR and reuses it when it is already seeded):
the personas' park, N enterprises (statuses, coordinates, linked units), two outlets and points
each (water: COD and NH3-N; gas: SO2 and NOx), daily values with masses written directly with
bulk_create (no packets through the gateway), each completed month's monthly values (their
sums, as the quality worker writes them, and their years' sums: quality/ytd.py), baselines, a park plan's load targets, open alarms
and assignments. Then times, through Django's test client as the leader: the cockpit (``/``), one
enterprise page and ``/cockpit/map/data.json``, and prints median/p95 in ms and each one's query
count. Target (issue 11): p95 < 300 ms at full size. The cockpit is measured after an edit of a target (the figures
it touches computed in the request, the part read from the measurements kept), after a structural edit (a point or
outlet: every load and capacity figure computed in the request), after new measurements (served while the worker
recomputes them within QINGYUAN_FIGURES_MAX_LAG) and warm (read from the cache). CPU times are printed beside the
wall times: on a shared machine the wall times include waiting for the CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import Timing  # noqa: E402

CODES = {"water": ("w01018", "w21003"), "gas": ("a21026", "a21002")}
KG_PER_DAY = {"w01018": 12.0, "w21003": 1.2, "a21026": 40.0, "a21002": 30.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="5,000 enterprises, 10,000 points, 365 days")
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--days", type=int, default=60, help="days of daily values up to today")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="print a profile of one cockpit request")
    parser.add_argument("--var", help="directory of the SQLite database: seeded once, reused after")
    parser.add_argument("--only", help="comma-separated names of the rows to measure (e.g. "
                                       "cockpit_after_structural_edit,map_data); default all")
    args = parser.parse_args()
    if args.full:
        args.enterprises, args.days = 5000, 365
    tmp = args.var or tempfile.mkdtemp(prefix="qingyuan-bench-")
    Path(tmp).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QINGYUAN_VAR_DIR", tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qingyuan.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from qingyuan.test import make_world

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from qingyuan.enterprises.models import Enterprise

    enterprise_ids = list(Enterprise.objects.filter(name__startswith="基准企业").order_by("pk")
                          .values_list("pk", flat=True))
    if enterprise_ids:
        leader = get_user_model().objects.get(username="leader")
        print(f"reusing {len(enterprise_ids)} seeded enterprises in {tmp}")
        current_month(timezone.localdate(), timezone.now())
    else:
        started = time.perf_counter()
        world = make_world()
        leader = world.leader
        enterprise_ids = seed(world, args.enterprises, args.days)
        print(f"seeded {args.enterprises} enterprises, {2 * args.enterprises} points, {args.days} days "
              f"in {time.perf_counter() - started:.0f}s")
    client = Client()
    client.force_login(leader)
    today = timezone.localdate()

    from qingyuan.loads import cache as loads_cache

    def measure(label: str, url: str, before: Any = None) -> None:
        """``before`` runs before each request: ``loads_cache.bump`` (an edited target, baseline or ledger
        entry: the load and capacity figures are computed in the request) or ``loads_cache.bump_measured``
        (new measurements stored: the figures are served while the worker recomputes them, loads/cache.py)."""
        if args.only and label not in args.only.split(","):
            return
        client.get(url)  # warm up
        counted: list[str] = []
        if before:
            before()
        with connection.execute_wrapper(lambda execute, sql, *a: counted.append(sql) or execute(sql, *a)):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timing = Timing()
        for _ in range(args.runs):
            if before:
                before()
            with timing.measure():
                client.get(url)
        # CPU time of this process: on SQLite the whole request (the database runs in-process), and steady
        # when other processes share the machine; on PostgreSQL the server's work is not in it.
        print(f"{label}: median={timing.wall.p50:.1f}ms p95={timing.wall.p95:.1f}ms "
              f"cpu_median={timing.cpu.p50:.1f}ms cpu_p95={timing.cpu.p95:.1f}ms "
              f"queries={len(counted)} runs={args.runs}")

    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("client.get('/')", globals(), {"client": client}, "/tmp/cockpit.prof")
        pstats.Stats("/tmp/cockpit.prof").sort_stats("cumulative").print_stats(25)
    from qingyuan.plans.models import LoadTarget

    target = LoadTarget.objects.filter(park_plan__park=leader_park(leader)).order_by("pk").first()
    # an edit of a target (a baseline, ledger entry, permit or status alike): the figures it touches are
    # added up in the request, the part read from the measurements is kept (loads/cache.py)
    measure("cockpit_after_edit", "/", before=target.save)
    # a point, outlet or stop declaration edited: everything added up in the request
    measure("cockpit_after_structural_edit", "/", before=loads_cache.bump)
    measure("cockpit_after_measurements", "/", before=loads_cache.bump_measured)
    measure("cockpit_warm", "/")
    if args.only and "worker" not in args.only.split(","):
        measure("enterprise_page", f"/enterprises/{enterprise_ids[len(enterprise_ids) // 2]}/")
        measure("map_data", "/cockpit/map/data.json")
        print(f"as_of={today} database={connection.vendor}")
        return
    started, started_cpu = time.perf_counter(), time.process_time()
    loads_cache.refresh()
    print(f"worker refresh of the stale figures: {(time.perf_counter() - started) * 1000:.0f}ms "
          f"cpu={(time.process_time() - started_cpu) * 1000:.0f}ms")
    started, started_cpu = time.perf_counter(), time.process_time()
    warmed = loads_cache.warm(today + dt.timedelta(days=1))
    print(f"worker warming the next day's figures ({warmed} entries): {(time.perf_counter() - started) * 1000:.0f}ms "
          f"cpu={(time.process_time() - started_cpu) * 1000:.0f}ms")
    measure("enterprise_page", f"/enterprises/{enterprise_ids[len(enterprise_ids) // 2]}/")
    measure("map_data", "/cockpit/map/data.json")
    print(f"as_of={today} database={connection.vendor}")


def leader_park(leader):  # type: ignore[no-untyped-def]
    from qingyuan.cockpit.views import managed_park

    return managed_park(leader)


def seed(world, n: int, days: int) -> list[int]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from qingyuan.alarms.models import Alarm
    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet
    from qingyuan.loads.models import BaselineLoad
    from qingyuan.plans.models import LoadTarget, ParkPlan
    from qingyuan.tasks.models import Assignment

    park = world.park
    units = [world.bureau, world.township_unit]
    statuses = ["operating", "rectifying", "rectified", "suspended", "closed"]
    Enterprise.objects.bulk_create(
        Enterprise(park=park, name=f"基准企业{i:05d}有限公司", credit_code=make(f"91361123BC{i:07d}"),
                   legal_representative="张三", industry="C26", address=f"园区{i}号", risk_class="general",
                   status=statuses[i % 5], linked_unit=units[i % 2],
                   latitude=27.80 + (i % 100) / 1000, longitude=116.40 + (i // 100) / 1000)
        for i in range(n))
    enterprises = list(Enterprise.objects.filter(name__startswith="基准企业").order_by("pk"))
    Outlet.objects.bulk_create(
        Outlet(enterprise=e, medium=m, code=f"D{m[0].upper()}001", name="总排口", route="direct",
               latitude=e.latitude, longitude=e.longitude)
        for e in enterprises for m in ("water", "gas"))
    outlets = list(Outlet.objects.filter(enterprise__in=enterprises).order_by("pk"))
    MonitoringPoint.objects.bulk_create(
        MonitoringPoint(park=park, outlet=o, name=f"{o.enterprise_id}{o.medium}", mn=f"BNCH{o.pk:020d}",
                        password="123456", st="32" if o.medium == "water" else "31")
        for o in outlets)
    points = list(MonitoringPoint.objects.filter(outlet__in=outlets).select_related("outlet"))
    today = timezone.localdate()
    now = timezone.now()
    first = max(today - dt.timedelta(days=days - 1), dt.date(today.year, 1, 1)) if days < 366 else \
        dt.date(today.year, 1, 1)
    insert_days(points, first, today, now)
    seed_months(points, first, today, now)
    BaselineLoad.objects.bulk_create(
        BaselineLoad(enterprise=e, pollutant_code=c, year=2024, load_t=KG_PER_DAY[c] * 0.4)
        for e in enterprises for c in KG_PER_DAY)
    plan = ParkPlan.objects.create(park=park, title="实施方案", compiled_by="省环科院", status="approved",
                                   start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31))
    for code, kg in KG_PER_DAY.items():
        base = kg * 0.4 * n
        LoadTarget.objects.create(park_plan=plan, pollutant_code=code, baseline_t=base, target_t=base * 0.9)
    Alarm.objects.bulk_create(
        Alarm(park=park, enterprise_id=p.outlet.enterprise_id, point=p, parameter="w01018", kind="exceedance",
              severity="high", status="open", start=now, end=now, first_detected_at=now, last_detected_at=now)
        for p in points[::7])
    Assignment.objects.bulk_create(
        Assignment(park=park, year=today.year, serial=1000 + i, number=f"交办〔{today.year}〕B{i}号",
                   subject=f"整改{i}", requirements="整改", issuer_unit=world.office, issued_on=today,
                   assignee_unit=units[i % 2], enterprise=e, issued_by=world.regulator,
                   issued_by_name="整治办干部", deadline=today - dt.timedelta(days=i % 9 - 4),
                   original_deadline=today, status="issued", escalation_level=i % 5)
        for i, e in enumerate(enterprises[::10]))
    return [e.pk for e in enterprises]


def insert_days(points, first: dt.date, today: dt.date, now: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """Daily values with masses for every point from ``first`` to ``today``: plain executemany (a model
    instance per row made seeding a year take most of an hour)."""
    from django.db import connection, transaction

    from qingyuan.quality.compute import local_midnight
    from qingyuan.quality.models import DailyValue

    ops = connection.ops
    columns = ("point_id", "parameter", "unit", "start", "source", "valid", "n_expected", "n_received", "n_valid",
               "mean", "mass_kg", "mismatch", "flags", "computed_at", "day")
    table, names, marks = ops.quote_name(DailyValue._meta.db_table), ", ".join(columns), ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model, values bound
    stamp = ops.adapt_datetimefield_value(now)
    series = [(p.pk, code) for p in points for code in CODES[p.outlet.medium]]
    day = first
    with transaction.atomic(), connection.cursor() as cursor:
        while day <= today:
            start, date = ops.adapt_datetimefield_value(local_midnight(day)), ops.adapt_datefield_value(day)
            cursor.executemany(sql, [(pk, code, "mg/L", start, "computed", True, 24, 24, 24, 20.0,
                                      KG_PER_DAY[code], False, "", stamp, date) for pk, code in series])
            day += dt.timedelta(days=1)


def current_month(today: dt.date, now: dt.datetime) -> None:
    """A database seeded before the bench wrote the current month's monthly values: write them (the worker
    recomputes a month with each of its days, so a live database has them)."""
    from django.db.models import Min

    from qingyuan.enterprises.models import MonitoringPoint
    from qingyuan.quality.models import DailyValue, MonthlyValue

    month = today.replace(day=1)
    if MonthlyValue.objects.filter(month=month, point__mn__startswith="BNCH").exists():
        return
    points = list(MonitoringPoint.objects.filter(mn__startswith="BNCH").select_related("outlet"))
    first = DailyValue.objects.filter(point=points[0]).aggregate(d=Min("day"))["d"]
    seed_months(points, first, today, now, from_month=month)
    print(f"wrote the monthly values of {month:%Y-%m}")


def seed_months(points, first: dt.date, today: dt.date, now: dt.datetime,  # type: ignore[no-untyped-def]
                from_month: dt.date | None = None) -> None:
    """The completed months' monthly values: the sums of their days and the days with a mass, as the quality
    worker stores them (the current month too: the worker recomputes a month with each of its days)."""
    import calendar

    from qingyuan.quality.compute import local_midnight
    from qingyuan.quality.models import MonthlyValue

    month = (from_month or first).replace(day=1)
    batch = []
    while month <= today.replace(day=1):
        end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        since, last = max(first, month), min(end, today)
        days = (last - since).days + 1
        mask = sum(1 << (d - 1) for d in range(since.day, last.day + 1))
        for p in points:
            for code in CODES[p.outlet.medium]:
                batch.append(MonthlyValue(point=p, parameter=code, unit="mg/L", start=local_midnight(month),
                                          month=month, source="computed", valid=True, n_expected=end.day,
                                          n_received=days, n_valid=days, mean=20.0,
                                          mass_kg=KG_PER_DAY[code] * days, computed_at=now, mass_days=days,
                                          mass_day_mask=mask, first_mass_day=since))
        month = end + dt.timedelta(days=1)
    MonthlyValue.objects.bulk_create(batch, batch_size=5000)
    from qingyuan.quality import ytd

    ytd.rebuild(range((from_month or first).year, today.year + 1))  # their years' sums, as the worker keeps them


if __name__ == "__main__":
    main()
