"""The office's side of the rest-day calendar (qingyuan.core.restdays): the page that adds a
year's notice, the cockpit panel that shows when the coming year is missing, and the worker
step that tells the office once.

The calendar is national; the offices that run complaint clocks keep it up to date, so the page
is open to whoever may change a park's complaint settings (office staff, leaders, admins).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingyuan.complaints import conf
from qingyuan.complaints.access import registering_parks
from qingyuan.complaints.actions.common import office_staff
from qingyuan.core import restdays
from qingyuan.core.notify import notify
from qingyuan.core.restday_models import RestDayWarning, RestDayYear
from qingyuan.org.models import Park

KIND = "restdays.missing"
_DATE = r"(\d{4}-\d{2}-\d{2})"
_HOLIDAY_LINE = re.compile(rf"^{_DATE}(?:\s*(?:\.\.|至|~|-{{2}})\s*{_DATE})?\s*(.*)$")


def _date(text: str, line: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Line “%(line)s”: %(text)s is not a date.") % {"line": line, "text": text}) from None


class RestDayYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    notice = forms.CharField(label=gettext_lazy("Notice"), max_length=300,
                             help_text=gettext_lazy("Title, number and date of the State Council General Office's notice."))
    holidays = forms.CharField(
        label=gettext_lazy("Holidays"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("One holiday per line: first day .. last day, then its name, e.g. "
                               "2027-10-01 .. 2027-10-07 国庆节 (a one-day holiday: its date and name)."))
    workdays = forms.CharField(
        label=gettext_lazy("Make-up working days"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The weekend days the notice makes working days (调休上班), one date per line."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_holidays(self) -> list[tuple[dt.date, dt.date, str]]:
        rows = []
        for line in (x.strip() for x in self.cleaned_data["holidays"].splitlines()):
            if not line:
                continue
            match = _HOLIDAY_LINE.match(line)
            if match is None:
                raise ValidationError(_("Line “%(line)s” does not start with a date (YYYY-MM-DD).") % {"line": line})
            first = _date(match[1], line)
            last = _date(match[2], line) if match[2] else first
            rows.append((first, last, match[3].strip()[:40]))
        return rows

    def clean_workdays(self) -> list[dt.date]:
        return [_date(x, x) for x in re.split(r"[\s,，、]+", self.cleaned_data["workdays"]) if x]


def _missing(today: dt.date) -> int | None:
    return restdays.missing_year(today, warn_days=conf.get("QINGYUAN_REST_DAYS_WARN_DAYS"))


def _may_edit(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and registering_parks(user).exists()


def page(request: HttpRequest) -> HttpResponse:
    """The calendar's years and the form that adds one."""
    if not _may_edit(request.user):
        raise PermissionDenied
    form = RestDayYearForm(request.POST if request.method == "POST" else None,
                           initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            restdays.do_add_rest_day_year(form.cleaned_data["year"], notice=form.cleaned_data["notice"],
                                          holidays=form.cleaned_data["holidays"],
                                          workdays=form.cleaned_data["workdays"], acting_user=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The rest days of %(year)d are in the calendar.") % {
                "year": form.cleaned_data["year"]})
            return redirect("complaints:rest_days")
    years = RestDayYear.objects.prefetch_related("days")
    return render(request, "complaints/rest_days.html",
                  {"form": form, "years": years, "missing": _missing(timezone.localdate())},
                  status=400 if request.method == "POST" else 200)


def panel_context(request: HttpRequest, park: Park | None, today: dt.date) -> dict[str, Any] | None:
    """The cockpit's warning while the coming year's notice is missing (from December 1)."""
    if not _may_edit(request.user):
        return None
    year = _missing(today)
    if year is None:
        return None
    return {"year": year, "url": reverse("complaints:rest_days")}


def warn_missing_year_one() -> bool:
    """Worker step: tell every park's office once that the coming year's rest days are missing."""
    year = _missing(timezone.localdate())
    if year is None or RestDayWarning.objects.filter(year=year).exists():
        return False
    try:
        with transaction.atomic():
            RestDayWarning.objects.create(year=year)  # unique: a second worker loses here
            users = [u for park in Park.objects.all() for u in office_staff(park.pk)]
            notify(users, kind=KIND, url=reverse("complaints:rest_days"),
                   title=_("The rest days of %(year)d are missing from the calendar") % {"year": year},
                   body=_("Legal deadlines in %(year)d count weekends only until the State Council's holiday "
                          "notice is added.") % {"year": year})
    except IntegrityError:
        return False
    return False  # one warning per year: nothing more to do in this pass
