"""One escalation worker pass over 100,000 open assignments.

    .venv/bin/python bench/escalation.py [--assignments 100000]

Builds a throwaway SQLite database under a temporary directory (or uses DATABASE_URL
if set), creates the personas' park and bulk-creates open assignments with deadlines
spread from 40 days overdue to 60 days ahead, all due for a check now (as after an
import). Then runs the worker step ``escalate`` until it reports nothing to do and
prints items per second, the total time, how many changed level, and the queries per
item at two batch counts (CaptureQueriesContext; it must not grow with the number of
items). Target: a full pass under 30 s on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assignments", type=int, default=100_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="qingyuan-bench-")
    os.environ.setdefault("QINGYUAN_VAR_DIR", tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qingyuan.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from qingyuan.core.models import Notification
    from qingyuan.org.models import Unit
    from qingyuan.tasks.escalation import handle_one_escalation
    from qingyuan.tasks.models import Assignment, EscalationEvent
    from qingyuan.test import make_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # personas, not the point here
    call_command("migrate", verbosity=0)
    world = make_world()
    units = [world.bureau, world.township_unit] + [
        Unit.objects.create(park=world.park, kind="department", name=f"基准单位{i}") for i in range(8)]
    today = timezone.localdate()
    now = timezone.now()
    statuses = ["issued", "in_progress"]
    start = time.perf_counter()
    Assignment.objects.bulk_create(
        (Assignment(park=world.park, year=today.year, serial=i + 1, number=f"交办〔{today.year}〕{i + 1}号",
                    subject=f"基准交办事项{i}", requirements="按期办结", issuer_unit=world.office,
                    issued_by=world.regulator, issued_by_name="整治办干部", issued_on=today - dt.timedelta(days=60),
                    assignee_unit=units[i % len(units)], deadline=today + dt.timedelta(days=i % 101 - 40),
                    original_deadline=today + dt.timedelta(days=i % 101 - 40), status=statuses[i % 2],
                    next_escalation_at=now)
         for i in range(args.assignments)),
        batch_size=2000)
    print(f"seeded {args.assignments} assignments in {time.perf_counter() - start:.1f}s")

    def full_pass() -> tuple[int, float, float]:
        steps, begin, cpu = 0, time.perf_counter(), time.process_time()
        while handle_one_escalation():
            steps += 1
        return steps, time.perf_counter() - begin, time.process_time() - cpu

    steps, elapsed, cpu = full_pass()
    moved = EscalationEvent.objects.count()
    print(f"full pass: {args.assignments} items in {elapsed:.1f}s = {args.assignments / elapsed:,.0f} items/s "
          f"(CPU {cpu:.1f}s; {steps} batches; {moved} changed level; {Notification.objects.count()} notifications)")
    levels = dict(Assignment.objects.values_list("escalation_level").annotate(n=django.db.models.Count("id")))
    print(f"levels after the pass: {dict(sorted(levels.items()))}")

    for size in (2_000, 20_000):
        ids = list(Assignment.objects.order_by("id").values_list("id", flat=True)[:size])
        Assignment.objects.filter(id__in=ids).update(escalation_level=0, next_escalation_at=timezone.now())
        with CaptureQueriesContext(connection) as ctx:
            full_pass()
        print(f"queries per item at {size} items: {len(ctx.captured_queries) / size:.3f} "
              f"({len(ctx.captured_queries)} queries)")
    print(f"database={connection.vendor}")


if __name__ == "__main__":
    main()
