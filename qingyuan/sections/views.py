"""Water sections: the list with the inbound–outbound comparison, a section's months and
missed days (with the upstream ranking), and the manual sample form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.sections import access, actions, evaluation, services, spreadsheet, upstream
from qingyuan.sections.forms import SampleForm
from qingyuan.sections.models import Section


def _summaries(request: HttpRequest) -> list[services.SectionSummary]:
    """The sections the list shows for this user, summarised (the page and its export)."""
    sections = list(Section.objects.visible_to(request.user).filter(is_active=True).select_related("park", "township")
                    .order_by("park", "order", "name"))
    return services.summarise_all(sections)


@reads_from_replica
def section_export(request: HttpRequest) -> HttpResponse:
    return spreadsheet.response(_summaries(request))


def section_list(request: HttpRequest) -> HttpResponse:
    summaries = _summaries(request)
    context = {"summaries": summaries, "chart_json": services.chart(summaries),
               "comparison": services.comparison(summaries)[-12:]}
    return render_page(request, "sections/list.html", context)


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    section = access.access_section(request.user, pk)
    summary = services.summarise(section)
    missed = [(o, evaluation.failing_items(o, section)) for m in summary.months for o in m.observations
              if o.compliant is False]
    day = _day(request.GET.get("day"))
    ranking: list[Any] = []
    if day is not None:
        failing = next((f for o, f in missed if o.day == day), [])
        ranking = upstream.rank(section, day, [key for key, _cls, _m in failing])
    elif missed:
        day = missed[-1][0].day
        ranking = upstream.rank(section, day, [key for key, _cls, _m in missed[-1][1]])
    context = {"section": section, "summary": summary, "chart_json": services.chart([summary]),
               "missed": list(reversed(missed)), "day": day, "ranking": ranking,
               "can_sample": actions.can_sample(request.user, section.park_id)}
    return render_page(request, "sections/detail.html", context)


def sample_new(request: HttpRequest, pk: int) -> HttpResponse:
    section = access.access_section(request.user, pk)
    if not actions.can_sample(request.user, section.park_id):
        raise PermissionDenied
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_sample(section, acting_user=request.user, date=form.cleaned_data["date"],
                                     values=form.values(), note=form.cleaned_data["note"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Sample recorded."))
            return redirect(section.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render_page(request, "sections/sample_form.html", {"section": section, "form": form}, status=status)
