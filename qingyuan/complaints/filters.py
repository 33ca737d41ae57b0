"""The complaint board's filters, shared by the page, the Excel export and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.complaints.choices import OFFICE_STATUSES, UNIT_STATUSES, CaseType, Category, Channel, Status
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Unit

SELECT = {"class": "form-select"}
DUE_CHOICES = [("", _("Any deadline")), ("overdue", _("Overdue")), ("soon", _("Due within 3 days")),
               ("open", _("Open"))]


def _with_blank(choices: list[tuple[Any, Any]], label: Any) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class ComplaintFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Code, description or place"), "class": "form-control"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_blank(Status.choices, _("All statuses")),
                               widget=forms.Select(attrs=SELECT))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_with_blank(Category.choices, _("All categories")),
                                 widget=forms.Select(attrs=SELECT))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_with_blank(Channel.choices, _("All channels")),
                                widget=forms.Select(attrs=SELECT))
    case_type = forms.ChoiceField(label=_("Case type"), required=False, choices=_with_blank(CaseType.choices, _("All case types")),
                                  widget=forms.Select(attrs=SELECT))
    unit = forms.ModelChoiceField(label=_("Handling unit"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("All units"), widget=forms.Select(attrs=SELECT))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False, queryset=Enterprise.objects.none(),
                                        empty_label=_("All enterprises"), widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": _("Year")}))
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=DUE_CHOICES, widget=forms.Select(attrs=SELECT))

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        self.fields["unit"].queryset = Unit.objects.visible_to(user).filter(complaints__isnull=False).distinct()
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).filter(
            complaints__isnull=False).distinct().order_by("name")

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs.none()
        return apply_filters(qs, **self.cleaned_data, user=self.user)


def apply_filters(qs: QuerySet, *, q: str = "", status: str = "", category: str = "", channel: str = "",
                  case_type: str = "", unit: Any = None, enterprise: Any = None, year: int | None = None,
                  due: str = "", today: dt.date | None = None, user: Any = None) -> QuerySet:
    if q:
        qs = qs.filter(_search(qs, q.strip(), user))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if channel:
        qs = qs.filter(channel=channel)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if unit:
        qs = qs.filter(handling_unit=unit)
    if enterprise:
        qs = qs.filter(enterprise=enterprise)
    if year:
        qs = qs.filter(year=year)
    if due:
        qs = _due(qs, due, today or timezone.localdate())
    return qs


def _search(qs: QuerySet, q: str, user: Any) -> Q:
    """Text, the reference (#42), and the tracking code only among complaints whose code the user sees
    (a reader must not learn which complaint a code belongs to)."""
    found = _text_match(q, user)
    if q.lstrip("#").isdigit() and len(q) < 12:
        found |= Q(pk=int(q.lstrip("#")))
    if user is not None:
        found |= Q(pk__in=qs.model.objects.with_code_visible_to(user).filter(code__iexact=q).values("pk"))
    return found


def _text_match(q: str, user: Any) -> Q:
    """Description and place; a supervision-group member reads them masked (``access.masks_place``), so a
    search that names a house number or a long digit run must not find them there either (it would tell
    which complaint carries the number the page hides)."""
    from qingyuan.complaints.access import masked_parks, names_a_masked_number

    found = Q(description__icontains=q) | Q(address__icontains=q)
    parks = masked_parks(user) if user is not None and names_a_masked_number(q) else frozenset()
    return found & ~Q(park_id__in=parks) if parks else found


def _due(qs: QuerySet, due: str, today: dt.date) -> QuerySet:
    if due == "open":
        return qs.filter(status__in=OFFICE_STATUSES | UNIT_STATUSES)
    limit = today - dt.timedelta(days=1) if due == "overdue" else today + dt.timedelta(days=3)
    return qs.filter(Q(status__in=OFFICE_STATUSES, accept_deadline__lte=limit)
                     | Q(status__in=UNIT_STATUSES, handle_deadline__lte=limit))
