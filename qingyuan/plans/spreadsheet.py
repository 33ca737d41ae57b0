"""The plan list as an Excel sheet: the list's filters and scope apply."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.excel import workbook_bytes, xlsx_response

MAX_ROWS = 50_000


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def rows(qs: Any) -> list[list[Any]]:
    out = []
    for p in qs[:MAX_ROWS]:
        out.append([
            p.pk, p.title, p.enterprise.name, p.park_plan.title, p.get_outcome_display(), p.get_status_display(),
            p.version or "", p.n_done, p.n_measures, float(p.investment or 0), _date(p.start_date), _date(p.deadline),
        ])
    return out


def response(qs: Any) -> HttpResponse:
    headers = [_("Plan ID"), _("Plan"), _("Enterprise"), _("Park plan"), _("Outcome"), _("Status"), _("Version"),
               _("Measures done"), _("Measures"), _("Investment (10,000 yuan)"), _("Start date"), _("Deadline")]
    content = workbook_bytes(_("Rectification plans"), headers, rows(qs), notes=[
        _("The rows are the plans the list shows with the same filters."),
        _("Measures and investment leave out cancelled measures.")])
    return xlsx_response(content, f"plans-{timezone.localdate():%Y%m%d}.xlsx")
