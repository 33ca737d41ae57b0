"""A full year's target-responsibility assessment on a province-sized county.

    .venv/bin/python bench/assessment.py                  # 40 units, a year of records
    .venv/bin/python bench/assessment.py --units 80 --per-unit 200

Builds a throwaway SQLite database under a temporary directory (or uses DATABASE_URL if set): the personas'
park, N units (half townships, half departments) each linked to 10 enterprises with a monitoring point and a
patrol plan, and for the year so far, written with bulk_create: assignments (some late, some escalated up to
挂牌督办), complaints (replied on time or late, rated), alarms (handled in time or not), patrols and findings.
Then times ``do_compute_scores`` for the whole year (every computed indicator, all units) and prints it with
the query count. Target (issue 12): < 10 s on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--per-unit", type=int, default=120, help="assignments and complaints per unit and year")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="qingyuan-bench-")
    os.environ.setdefault("QINGYUAN_VAR_DIR", tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qingyuan.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qingyuan.test import make_world

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = make_world()
    scheme, counts = seed(world, args.units, args.per_unit)
    print(f"seeded {args.units} units: " + ", ".join(f"{v} {k}" for k, v in counts.items())
          + f" in {time.perf_counter() - started:.0f}s")

    from qingyuan.assessment import actions

    queries: list[str] = []
    started = time.perf_counter()
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        results = actions.do_compute_scores(scheme, acting_user=world.regulator)
    elapsed = time.perf_counter() - started
    print(f"full year's assessment: {len(results)} units × {scheme.indicators.count()} indicators "
          f"in {elapsed:.2f} s, {len(queries)} queries (target < 10 s)")
    print(f"top: {results[0].unit} {results[0].total}, bottom: {results[-1].unit} {results[-1].total}")


def seed(world, n_units: int, per_unit: int):  # type: ignore[no-untyped-def]
    import random

    from django.utils import timezone

    from qingyuan.alarms.models import Alarm
    from qingyuan.assessment import actions
    from qingyuan.assessment.choices import Method, UnitCategory
    from qingyuan.complaints.models import Complaint
    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet
    from qingyuan.inspections.models import Finding, Patrol, PatrolPlan
    from qingyuan.org.models import Unit
    from qingyuan.tasks.models import Assignment, EscalationEvent

    rng = random.Random(12)
    park = world.park
    today = timezone.localdate()
    year_start = dt.date(today.year, 1, 1)
    days = (today - year_start).days + 1
    now = timezone.now()
    Unit.objects.bulk_create(Unit(park=park, kind="township" if i % 2 else "department", name=f"基准单位{i:03d}",
                                  sort_order=200 + i) for i in range(n_units))
    units = list(Unit.objects.filter(name__startswith="基准单位").order_by("pk"))
    Enterprise.objects.bulk_create(
        Enterprise(park=park, name=f"基准企业{i:05d}有限公司", credit_code=make(f"91361123BA{i:07d}"),
                   legal_representative="张三", industry="C26", address=f"园区{i}号", risk_class="general",
                   linked_unit=units[i % n_units]) for i in range(10 * n_units))
    enterprises = list(Enterprise.objects.filter(name__startswith="基准企业").order_by("pk"))
    Outlet.objects.bulk_create(Outlet(enterprise=e, medium="water", code="DW001", name="总排口") for e in enterprises)
    outlets = list(Outlet.objects.filter(enterprise__in=enterprises).order_by("pk"))
    MonitoringPoint.objects.bulk_create(MonitoringPoint(park=park, outlet=o, name=f"{o.enterprise_id}", st="32",
                                                        mn=f"BNAS{o.pk:020d}", password="123456") for o in outlets)
    points = list(MonitoringPoint.objects.filter(outlet__in=outlets).select_related("outlet"))
    PatrolPlan.objects.bulk_create(PatrolPlan(enterprise=e, computed_days=rng.choice([30, 60, 90]), computed_at=now,
                                              next_due=today) for e in enterprises)

    def day(k: int) -> dt.date:
        return year_start + dt.timedelta(days=k % days)

    def at(d: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(d, dt.time(10)))

    assignments = []
    for i in range(n_units * per_unit):
        deadline = day(rng.randrange(days))
        late = rng.random() < 0.2
        done = deadline <= today and rng.random() < 0.9
        closed = deadline + dt.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 5))
        assignments.append(Assignment(
            park=park, year=today.year, serial=5000 + i, number=f"交办〔{today.year}〕A{i}号", subject="基准交办",
            requirements="整改", issuer_unit=world.office, issued_on=deadline - dt.timedelta(days=20),
            assignee_unit=units[i % n_units], deadline=deadline, original_deadline=deadline,
            status="completed" if done else "in_progress", closed_at=at(closed) if done else None))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    ids = list(Assignment.objects.filter(subject="基准交办").values_list("id", "deadline"))
    EscalationEvent.objects.bulk_create(
        EscalationEvent(assignment_id=pk, from_level=0, to_level=rng.choice([2, 3, 4]), deadline=deadline)
        for pk, deadline in ids if rng.random() < 0.1)
    complaints = []
    for i in range(n_units * per_unit):
        received = day(rng.randrange(days))
        replied = received + dt.timedelta(days=20) <= today
        complaints.append(Complaint(
            park=park, code=f"B{i:011d}", category="odour", description="异味", received_at=at(received),
            received_on=received, year=received.year, month=received.month, accept_deadline=received,
            handle_deadline=received + dt.timedelta(days=15), status="closed" if replied else "in_handling",
            handling_unit=units[i % n_units], replied_on_time=(rng.random() < 0.85) if replied else None,
            rating=rng.choice(["satisfied", "basically_satisfied", "dissatisfied", ""]) if replied else ""))
    Complaint.objects.bulk_create(complaints, batch_size=2000)
    alarms = []
    for i in range(n_units * per_unit // 2):
        p = points[i % len(points)]
        detected = at(day(rng.randrange(days)))
        handled = detected + dt.timedelta(days=rng.randint(0, 6))
        alarms.append(Alarm(park=park, enterprise_id=p.outlet.enterprise_id, point=p, parameter="w01018",
                            kind="exceedance", severity="high", status="closed", start=detected, end=detected,
                            first_detected_at=detected, last_detected_at=detected, verified_at=handled,
                            closed_at=handled))
    Alarm.objects.bulk_create(alarms, batch_size=2000)
    patrols = []
    for e in enterprises:
        for k in range(rng.randint(2, 12)):
            start = at(day(30 * k + rng.randrange(20)))
            patrols.append(Patrol(park=park, enterprise=e, started_at=start, finished_at=start, checklist_key="b"))
    Patrol.objects.bulk_create(patrols, batch_size=2000)
    Finding.objects.bulk_create(Finding(patrol_id=pk, text="问题", status="closed") for pk in
                                Patrol.objects.filter(checklist_key="b").values_list("id", flat=True)[::4])

    user = world.regulator
    scheme = actions.do_create_scheme(park, today.year, "基准考核", acting_user=user)
    actions.do_set_assessed_units(scheme, [(u, UnitCategory.TOWNSHIP if u.kind == "township"
                                            else UnitCategory.DEPARTMENT) for u in units], acting_user=user)
    group = actions.do_add_group(scheme, "指标", acting_user=user)
    from qingyuan.assessment.indicators import DEFINITIONS

    weights = [Decimal(100) / len(DEFINITIONS)] * len(DEFINITIONS)
    for d, w in zip(DEFINITIONS, weights, strict=True):
        actions.do_add_indicator(group, name=str(d.key), weight=w.quantize(Decimal("0.01")), method=Method.COMPUTED,
                                 key=d.key, acting_user=user)
    return scheme, {"enterprises": len(enterprises), "assignments": len(assignments), "complaints": len(complaints),
                    "alarms": len(alarms), "patrols": len(patrols)}


if __name__ == "__main__":
    main()
