"""The briefing archive as an Excel sheet: the archive's search and scope apply."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.excel import workbook_bytes, xlsx_response

MAX_ROWS = 50_000


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(qs: Any) -> list[list[Any]]:
    out = []
    for b in qs.prefetch_related("recipients")[:MAX_ROWS]:
        out.append([
            b.number or "", b.title, b.get_kind_display(), b.period_start.isoformat(), b.period_end.isoformat(),
            b.get_status_display(), b.park.name, b.created_by_name, b.approved_by_name, _time(b.approved_at),
            _time(b.issued_at), "、".join(u.name for u in b.recipients.all()),
        ])
    return out


def response(qs: Any) -> HttpResponse:
    headers = [_("Number"), _("Title"), _("Kind"), _("Period from"), _("Period to"), _("Status"), _("Park"),
               _("Drafted by"), _("Approved by"), _("Approved at"), _("Issued at"), _("Recipient units")]
    content = workbook_bytes(_("Work briefings"), headers, rows(qs), notes=[
        _("The rows are the briefings the archive lists with the same search.")])
    return xlsx_response(content, f"briefings-{timezone.localdate():%Y%m%d}.xlsx")
