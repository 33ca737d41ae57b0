"""Time to draft a monthly briefing and to render it as .docx and as PDF (target < 5 s each).

    .venv/bin/python bench/briefings.py             # seeds the demo county into a throwaway SQLite (~1 min)
    .venv/bin/python bench/briefings.py --current   # the configured database instead (after `make demo`)

The demo county has 13 months of history (qingyuan/demo/story.py); the bench drafts last month's
briefing from it, inside a transaction it rolls back, and writes the .docx and the PDF.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def setup(current: bool) -> None:
    if not current:
        os.environ["QINGYUAN_VAR_DIR"] = tempfile.mkdtemp(prefix="qingyuan-bench-")
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")
    import django

    django.setup()
    if not current:
        from django.core.management import call_command

        from qingyuan.demo.seed import Seeder

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        Seeder(log=lambda *a: None).run()
        print(f"seeded the demo county in {time.perf_counter() - started:.0f} s")


def bench() -> None:
    from django.db import transaction
    from django.utils import timezone

    from qingyuan.briefings import actions, periods, render
    from qingyuan.org.choices import Role
    from qingyuan.org.models import Membership

    m = Membership.objects.filter(role=Role.OFFICE_STAFF, is_active=True).select_related("park", "user").first()
    if m is None:
        sys.exit("no office staff in this database: run `make demo` first, or run without --current")
    start, end = periods.latest("monthly", timezone.localdate())
    with transaction.atomic():
        t0 = time.perf_counter()
        b = actions.do_draft_briefing(m.park, kind="monthly", start=start, end=end, title="bench",
                                      acting_user=m.user)
        t1 = time.perf_counter()
        docx = render.docx(b)
        t2 = time.perf_counter()
        try:
            pdf = render.pdf(b)
            t3 = time.perf_counter()
            pdf_line = f"PDF  {t3 - t2:6.2f} s  ({len(pdf) / 1024:.0f} KiB)"
        except render.PdfUnavailable as exc:
            pdf_line = f"PDF  unavailable: {exc}"
        records = sum(len(g["ids"]) for s in b.sections.all() for g in s.evidence.values())
        transaction.set_rollback(True)
    print(f"monthly briefing {start}..{end} of {m.park}: {records} records behind its figures")
    print(f"draft {t1 - t0:6.2f} s")
    print(f"docx {t2 - t1:6.2f} s  ({len(docx) / 1024:.0f} KiB)  draft+docx {t2 - t0:.2f} s (target < 5 s)")
    print(pdf_line, "(target < 5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--current", action="store_true", help="use the configured database, seeded already")
    args = parser.parse_args()
    setup(args.current)
    bench()


if __name__ == "__main__":
    main()
