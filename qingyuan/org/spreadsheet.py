"""The unit list as an Excel sheet: the units the page lists, for the same reader."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.excel import workbook_bytes, xlsx_response


def rows(units: Any) -> list[list[Any]]:
    return [[u.name, u.short_name, u.get_kind_display(), u.parent.name if u.parent_id else "", u.enterprise_count,
             u.park.name, u.phone, u.duty] for u in units]


def response(units: Any) -> HttpResponse:
    headers = [_("Name"), _("Short name"), _("Kind"), _("Part of"), _("Linked enterprises"), _("Park"), _("Phone"),
               _("Duties")]
    content = workbook_bytes(_("Units"), headers, rows(units), notes=[_("The rows are the units the page lists.")])
    return xlsx_response(content, f"units-{timezone.localdate():%Y%m%d}.xlsx")
