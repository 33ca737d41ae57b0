"""The complaint board as an Excel sheet (the filters of the page apply)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.complaints.access import place_for, reference_for, sees_personal_data
from qingyuan.core.excel import workbook_bytes, xlsx_response

MAX_ROWS = 50_000


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def rows(user: Any, qs: Any) -> list[list[Any]]:
    today = timezone.localdate()
    out = []
    for c in qs.select_related("handling_unit", "enterprise", "township", "park")[:MAX_ROWS]:
        personal = sees_personal_data(user, c)
        place = place_for(user, c)
        on_time = "" if c.replied_on_time is None else (_("yes") if c.replied_on_time else _("no"))
        out.append([
            reference_for(user, c), timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"), c.get_case_type_display(),
            c.get_channel_display(), c.get_category_display(), str(c.enterprise or ""), str(c.township or ""),
            place["address"], place["description"], c.get_status_display(), str(c.handling_unit or ""), _date(c.accept_deadline),
            _date(c.handle_deadline), _date(c.replied_on), on_time, c.get_rating_display() if c.rating else "",
            c.colour(today).name.lower(), c.name if personal else "", c.phone if personal else "",
        ])
    return out


def response(user: Any, qs: Any) -> HttpResponse:
    headers = [_("Complaint"), _("Received"), _("Case type"), _("Channel"), _("Category"), _("Enterprise"),
               _("Township"), _("Place"), _("Description"), _("Status"), _("Handling unit"),
               _("Acceptance deadline"), _("Handling deadline"), _("Replied on"), _("On time"), _("Rating"),
               _("Colour"), _("Complainant's name"), _("Complainant's phone")]
    content = workbook_bytes(_("Complaints"), headers, rows(user, qs), notes=[
        _("Personal data appears only for complaints your unit handles, or for the office."),
        _("Tracking codes appear only for complaints your unit handles, or for the office; others show the "
          "reference (#number)."),
        _("Deadlines count calendar days; the starting day is not counted.")])
    return xlsx_response(content, f"complaints-{timezone.localdate():%Y%m%d}.xlsx")
