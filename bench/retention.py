"""Expiry rate (issue 16, retention): narrow rows and (point, tier, day) units deleted per second.

    PYTHONPATH=. QINGYUAN_VAR_DIR=$(mktemp -d) .venv/bin/python bench/retention.py --points 10 --days 30

Builds ``--points`` points with ``--days`` days of narrow minute readings (7 parameters every 10
minutes) and one raw packet per minute upload in a fresh SQLite database under QINGYUAN_VAR_DIR
(never the configured one: set the variable), then expires them all with 3-day windows
(``monitoring.retention.expire_all``) and prints the rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    if "QINGYUAN_VAR_DIR" not in os.environ or "DATABASE_URL" in os.environ:
        raise SystemExit("set QINGYUAN_VAR_DIR to an empty directory (and no DATABASE_URL): this bench deletes data")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet
    from qingyuan.monitoring import retention
    from qingyuan.monitoring.holds import ZONE
    from qingyuan.monitoring.models import RawPacket, Reading
    from qingyuan.org.models import Park

    call_command("migrate", verbosity=0)
    park, _ = Park.objects.get_or_create(code="bench", defaults={"name": "bench", "county": "bench"})
    enterprise, _ = Enterprise.objects.get_or_create(park=park, name="bench", defaults={
        "credit_code": make("91361123TQXT00009"), "legal_representative": "x", "industry": "C26", "address": "x",
        "risk_class": "major"})
    outlet, _ = Outlet.objects.get_or_create(enterprise=enterprise, medium="water", code="DW001", defaults={"name": "o"})
    start = dt.datetime(2026, 1, 1, tzinfo=ZONE)
    t = time.perf_counter()
    for i in range(args.points):
        point = MonitoringPoint.objects.create(mn=f"BENCH{i:019d}", park=park, outlet=outlet, name=f"p{i}",
                                               password="123456")
        rows, packets = [], []
        for k in range(args.days * 144):
            when = start + dt.timedelta(minutes=10 * k)
            rows += [Reading(point=point, kind="minute", time=when, parameter=f"w0{j}", avg=1.5, min=1.0, max=2.0)
                     for j in range(7)]
            packets.append(RawPacket(point=point, mn=point.mn, cn="2051", received_at=when, peer="x",
                                     text="##" + "x" * 300, verdict="stored"))
        Reading.objects.bulk_create(rows, batch_size=5000)
        RawPacket.objects.bulk_create(packets, batch_size=2000)
    print(f"loaded {Reading.objects.count():,} readings, {RawPacket.objects.count():,} packets "
          f"in {time.perf_counter() - t:.1f} s")
    with override_settings(QINGYUAN_RETAIN_MINUTE_DAYS=3, QINGYUAN_RETAIN_RAW_DAYS=3, QINGYUAN_RETAIN_REALTIME_DAYS=3):
        t = time.perf_counter()
        totals = retention.expire_all(now=start + dt.timedelta(days=args.days + 10))
        elapsed = time.perf_counter() - t
    units = args.points * args.days * 2
    print(f"{connection.vendor}: expired {totals} in {elapsed:.1f} s: "
          f"{(totals['minute'] + totals['raw']) / elapsed:,.0f} rows/s, {units / elapsed:.1f} (point, tier, day)/s")


if __name__ == "__main__":
    main()
