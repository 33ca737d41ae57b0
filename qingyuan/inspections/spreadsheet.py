"""The patrol list and the random draws as Excel sheets: the pages' filters and scope apply.

Internal notes stay out: they are for the inspectors' own page only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingyuan.core.excel import workbook_bytes, xlsx_response
from qingyuan.inspections.models import DrawItem

MAX_ROWS = 50_000


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def patrol_rows(qs: Any) -> list[list[Any]]:
    out = []
    for p in qs.prefetch_related("inspectors")[:MAX_ROWS]:
        inspectors = "、".join(u.get_full_name() or u.get_username() for u in p.inspectors.all())
        out.append([
            p.pk, _time(p.started_at), _time(p.finished_at), p.enterprise.name, p.get_kind_display(),
            p.recorded_by_name, inspectors, p.finding_count,
            float(p.latitude) if p.latitude is not None else None,
            float(p.longitude) if p.longitude is not None else None, p.notes,
        ])
    return out


def patrols_response(qs: Any) -> HttpResponse:
    headers = [_("Patrol"), _("Started"), _("Finished"), _("Enterprise"), _("Kind"), _("Recorded by"),
               _("Inspectors"), pgettext("patrol", "Findings"), _("Latitude"), _("Longitude"),
               pgettext("patrol", "Summary")]
    content = workbook_bytes(_("Patrols"), headers, patrol_rows(qs), notes=[
        _("The rows are the patrols the list shows with the same filters."),
        _("Times are China Standard Time.")])
    return xlsx_response(content, f"patrols-{timezone.localdate():%Y%m%d}.xlsx")


def draw_rows(qs: Any) -> list[list[Any]]:
    items = Prefetch("items", queryset=DrawItem.objects.select_related("enterprise").order_by("position"))
    out = []
    for d in qs.prefetch_related(items)[:MAX_ROWS]:
        out.append([
            d.pk, _date(d.drawn_on), d.title, d.park.name, d.drawn_by_name, d.sample_size,
            "、".join(i.enterprise.name for i in d.items.all()), d.done, d.total, _date(d.deadline),
            _("yes") if d.published else _("no"),
        ])
    return out


def draws_response(qs: Any) -> HttpResponse:
    headers = [_("Draw"), _("Draw date"), _("Title"), _("Park"), _("Drawn by"), _("Enterprises drawn"),
               _("Enterprises"), _("Done"), _("Total"), _("Complete patrols by"), _("Published")]
    content = workbook_bytes(_("Random draws"), headers, draw_rows(qs), notes=[
        _("The rows are the draws the page lists."),
        _("Each draw's page shows its seed and pools, to check it.")])
    return xlsx_response(content, f"draws-{timezone.localdate():%Y%m%d}.xlsx")
