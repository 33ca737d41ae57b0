"""The assignment list's search and filters, shared by the page, the Excel export and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Unit
from qingyuan.tasks.choices import AssignmentStatus, EscalationLevel, Priority


def _with_blank(choices: list[tuple[Any, Any]], label: Any) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


SELECT = {"class": "form-select"}


class AssignmentFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Number, subject or requirements"), "class": "form-control"}))
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.Select(attrs=SELECT),
                               choices=_with_blank([*AssignmentStatus.choices, ("open", _("All open"))], _("All statuses")))
    assignee_unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.none(),
                                           empty_label=_("All units"), widget=forms.Select(attrs=SELECT))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False, queryset=Enterprise.objects.none(),
                                        empty_label=_("All enterprises"), widget=forms.Select(attrs=SELECT))
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=_with_blank(Priority.choices, _("All priorities")),
                                 widget=forms.Select(attrs=SELECT))
    level = forms.TypedChoiceField(label=_("Escalation"), required=False, coerce=int, empty_value=None,
                                   choices=_with_blank(EscalationLevel.choices, _("All escalation levels")), widget=forms.Select(attrs=SELECT))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, data: Any, *, visible: QuerySet) -> None:
        super().__init__(data)
        self.fields["assignee_unit"].queryset = Unit.objects.filter(
            pk__in=visible.values("assignee_unit_id")).order_by("sort_order", "name")
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            pk__in=visible.filter(enterprise__isnull=False).values("enterprise_id")).order_by("name")

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs.none()
        return apply_filters(qs, **self.cleaned_data)


def apply_filters(qs: QuerySet, *, q: str = "", status: str = "", assignee_unit: Any = None, enterprise: Any = None,
                  priority: str = "", level: int | None = None, overdue: bool = False,
                  today: dt.date | None = None) -> QuerySet:
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(subject__icontains=q) | Q(requirements__icontains=q))
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if assignee_unit:
        qs = qs.filter(assignee_unit=assignee_unit)
    if enterprise:
        qs = qs.filter(enterprise=enterprise)
    if priority:
        qs = qs.filter(priority=priority)
    if level is not None:
        qs = qs.filter(escalation_level=level)
    if overdue:
        qs = qs.open().filter(deadline__lt=today or timezone.localdate())
    return qs
