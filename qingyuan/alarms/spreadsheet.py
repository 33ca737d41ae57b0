"""The alarm board as an Excel sheet: the board's filters and scope apply."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.excel import workbook_bytes, xlsx_response
from qingyuan.core.templatetags.units import unit_label
from qingyuan.quality.services import parameter_label

MAX_ROWS = 50_000


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(qs: Any) -> list[list[Any]]:
    out = []
    for a in qs.select_related("enterprise", "point")[:MAX_ROWS]:
        out.append([
            a.pk, a.get_kind_display(), a.get_severity_display(), a.get_status_display(),
            a.enterprise.name if a.enterprise else "", a.point.name,
            parameter_label(a.parameter) if a.parameter else "", a.peak, a.limit, unit_label(a.unit) if a.unit else "",
            _time(a.start), _time(a.end), a.count, _time(a.first_detected_at), _time(a.last_detected_at),
            a.get_explanation_kind_display() if a.explanation_kind else "", a.get_verdict_display() if a.verdict else "",
            _time(a.closed_at),
        ])
    return out


def response(qs: Any) -> HttpResponse:
    headers = [_("Alarm"), _("Kind"), _("Severity"), _("Status"), _("Enterprise"), _("Monitoring point"),
               _("Parameter"), _("Peak"), _("Limit"), _("Unit"), _("Start"), _("End"), _("Times"), _("Detected"),
               _("Last detected"), _("Explanation"), _("Verdict"), _("Closed")]
    content = workbook_bytes(_("Alarms"), headers, rows(qs), notes=[
        _("The rows are the alarms the board lists with the same filters."),
        _("Times are China Standard Time.")])
    return xlsx_response(content, f"alarms-{timezone.localdate():%Y%m%d}.xlsx")
