"""The monthly statistics workbook: built by the worker once per park and month, mailed, audited."""

from __future__ import annotations

import io

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from qingyuan.briefings import facts, periods
from qingyuan.briefings.choices import Kind
from qingyuan.briefings.models import MonthlyWorkbook
from qingyuan.core import audit
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership, Park

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(park: Park, start, end) -> bytes:  # type: ignore[no-untyped-def]
    wb = Workbook()
    summary = wb.active
    summary.title = pgettext("briefing", "Summary")
    summary.append([park.name, f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}"])
    for draft in facts.gather(park, start, end):
        summary.append([draft.heading] + [f"{k}={v}" for k, v in draft.figures.items() if isinstance(v, int)])
        table = draft.figures.get("table")
        if table and table.get("rows"):
            ws = wb.create_sheet(draft.heading[:31])
            ws.append(table["header"])
            for row in table["rows"]:
                ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def recipients(park: Park) -> list[str]:
    """The leader and the office, those with an e-mail address."""
    return sorted({m.user.email for m in Membership.objects.filter(
        park=park, is_active=True, role__in=[Role.LEADER, Role.OFFICE_STAFF]).select_related("user")
        if m.user.email})


def handle_one_month() -> bool:
    """Worker step: mail last month's workbook of one park that has not had it; False when all have."""
    today = timezone.localdate()
    start, end = periods.latest(Kind.MONTHLY, today)
    for park in Park.objects.exclude(pk__in=MonthlyWorkbook.objects.filter(month=start).values("park")):
        to = recipients(park)
        try:
            with transaction.atomic():
                row = MonthlyWorkbook.objects.create(park=park, month=start, recipients=to)  # the claim
                content = workbook(park, start, end)
                if to:
                    mail = EmailMessage(_("Monthly statistics %(m)s: %(p)s") % {"m": f"{start:%Y-%m}", "p": park.name},
                                        _("The monthly statistics workbook is attached."), to=to)
                    mail.attach(f"{park.name}-{start:%Y-%m}.xlsx", content, XLSX)
                    mail.send()
                audit.record("briefing.monthly_workbook", row, acting_user=None, related=park,
                             after={"month": start, "recipients": to, "bytes": len(content)})
        except IntegrityError:
            continue  # another worker took this park and month
        return True
    return False
