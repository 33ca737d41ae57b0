"""The supervision checks (督查) as an Excel sheet: the page's scope applies."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.excel import workbook_bytes, xlsx_response

MAX_ROWS = 50_000


def check_rows(qs: Any) -> list[list[Any]]:
    out = []
    for sc in qs.select_related("park").annotate(n_findings=Count("findings", distinct=True))[:MAX_ROWS]:
        out.append([
            sc.pk, sc.planned_on.isoformat(), sc.title, sc.park.name, "、".join(str(u) for u in sc.units.all()),
            sc.get_status_display(), sc.get_overall_rating_display() if sc.overall_rating else "", sc.n_findings,
            sc.summary, timezone.localtime(sc.completed_at).strftime("%Y-%m-%d %H:%M") if sc.completed_at else "",
        ])
    return out


def checks_response(qs: Any) -> HttpResponse:
    headers = [_("Supervision check"), _("Date"), _("Title"), _("Park"), _("Units checked"), _("Status"),
               _("Overall rating"), _("Findings"), _("Check summary"), _("Completed on")]
    content = workbook_bytes(_("Supervision checks"), headers, check_rows(qs), notes=[
        _("The rows are the supervision checks the page lists.")])
    return xlsx_response(content, f"supervision-checks-{timezone.localdate():%Y%m%d}.xlsx")
