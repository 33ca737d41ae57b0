"""Enterprise list page and GET /api/v1/enterprises with 5,000 enterprises.

    .venv/bin/python bench/web_lists.py [--enterprises 5000] [--runs 60]

Builds a throwaway SQLite database under a temporary directory (or uses DATABASE_URL
if set), seeds the enterprises in bulk, then times the page and the API through
Django's test client with a logged-in office user. Prints median/p95 in ms and the
query count at two page sizes (it must not grow with the page size).
Target: p95 under 150 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import Timing  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="qingyuan-bench-")
    os.environ.setdefault("QINGYUAN_VAR_DIR", tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qingyuan.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from qingyuan.core import tokens
    from qingyuan.enterprises.creditcode import make
    from qingyuan.enterprises.models import Enterprise
    from qingyuan.test import make_world

    call_command("migrate", verbosity=0)
    world = make_world()
    units = [world.bureau, world.township_unit, world.office]
    statuses = ["operating", "rectifying", "rectified", "suspended", "closed"]
    Enterprise.objects.bulk_create(
        Enterprise(park=world.park, name=f"基准企业{i:05d}有限公司", credit_code=make(f"91361123BQ{i:07d}"),
                   legal_representative="张三", industry="C26", address=f"园区{i}号", risk_class="general",
                   status=statuses[i % 5], linked_unit=units[i % 3])
        for i in range(args.enterprises)
    )
    client = Client()
    client.force_login(world.regulator)
    key, _ = tokens.issue(world.regulator)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def measure(label: str, call) -> None:  # type: ignore[no-untyped-def]
        call()  # warm up
        timing = Timing()
        for _ in range(args.runs):
            with timing.measure():
                response = call()
            assert response.status_code == 200, response.status_code
        print(f"{label}: median={timing.wall.p50:.1f}ms p95={timing.wall.p95:.1f}ms runs={args.runs}")

    measure("list_page", lambda: client.get("/enterprises/", {"page": 37}))
    measure("list_page_filtered", lambda: client.get("/enterprises/", {"status": "rectifying", "q": "基准"}))
    measure("api_enterprises", lambda: client.get("/api/v1/enterprises", {"page": 37, "page_size": 25}, **auth))
    for size in (5, 200):
        with CaptureQueriesContext(connection) as page_q:
            client.get("/api/v1/enterprises", {"page_size": size}, **auth)
        print(f"api_enterprises_queries page_size={size}: {len(page_q.captured_queries)}")
    for size in (10, 100):
        with override_settings(QINGYUAN_PAGE_SIZE=size), CaptureQueriesContext(connection) as page_q:
            client.get("/enterprises/", {"page": 2})
        print(f"list_page_queries page_size={size}: {len(page_q.captured_queries)}")
    print(f"enterprises={Enterprise.objects.count()} database={connection.vendor}")


if __name__ == "__main__":
    main()
