"""The section list as an Excel sheet: the sections the page lists, with the same summaries."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.excel import workbook_bytes, xlsx_response
from qingyuan.core.pollutants import pollutant_name


def rows(summaries: list[Any]) -> list[list[Any]]:
    out = []
    for s in summaries:
        section, m, y = s.section, s.latest_month, s.this_year
        compliant = "" if m is None or m.compliant is None else (_("yes") if m.compliant else _("no"))
        rate = round(100 * y.compliant_months / y.months, 1) if y and y.months else None
        out.append([
            section.name, section.park.name, section.get_kind_display(), section.river,
            section.township.name if section.township_id else "", section.target_label,
            m.month.strftime("%Y-%m") if m else "", m.label if m else "", compliant,
            "、".join(pollutant_name(k) for k in m.result.worst_params) if m else "",
            y.compliant_months if y else None, y.months if y else None, rate,
            _("automatic station + manual samples") if section.point_id else _("manual samples"),
        ])
    return out


def response(summaries: list[Any]) -> HttpResponse:
    headers = [_("Section"), _("Park"), _("Kind"), _("River"), _("Township"), _("Target"), _("Latest month"),
               _("Class of the latest month"), _("Meets the target"), _("Worst items"),
               _("Compliant months this year"), _("Months with a class this year"), _("Compliance this year (%)"),
               _("Data")]
    content = workbook_bytes(_("Water sections"), headers, rows(summaries), notes=[
        _("The rows are the sections the page lists; classes follow GB 3838-2002 on monthly means.")])
    return xlsx_response(content, f"sections-{timezone.localdate():%Y%m%d}.xlsx")
