"""Time to draft a monthly briefing and to render it as .docx and as PDF (target < 5 s each).

    .venv/bin/python bench/briefings.py   # on the demo database (make demo first) or the one in QINGYUAN_DB
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from qingyuan.briefings import actions, periods, render  # noqa: E402
from qingyuan.org.choices import Role  # noqa: E402
from qingyuan.org.models import Membership  # noqa: E402


def main() -> None:
    m = Membership.objects.filter(role=Role.OFFICE_STAFF, is_active=True).select_related("park", "user").first()
    if m is None:
        sys.exit("no office staff in this database: run `make demo` first")
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
        transaction.set_rollback(True)
    print(f"monthly briefing {start}..{end} of {m.park}")
    print(f"draft {t1 - t0:6.2f} s")
    print(f"docx {t2 - t1:6.2f} s  ({len(docx) / 1024:.0f} KiB)  draft+docx {t2 - t0:.2f} s (target < 5 s)")
    print(pdf_line, "(target < 5 s)")


if __name__ == "__main__":
    main()
