"""The enterprise list's search and filters, shared by the page, the Excel export and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.choices import EnterpriseStatus, Industry, RiskClass
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Unit


def _with_blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class EnterpriseFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, credit code or address"), "class": "form-control"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_blank(EnterpriseStatus.choices),
                               widget=forms.Select(attrs={"class": "form-select"}))
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=_with_blank(Industry.choices),
                                 widget=forms.Select(attrs={"class": "form-select"}))
    risk_class = forms.ChoiceField(label=_("Risk class"), required=False, choices=_with_blank(RiskClass.choices),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    linked_unit = forms.ModelChoiceField(label=_("Linked unit"), required=False, queryset=Unit.objects.none(),
                                         empty_label=_("All"), widget=forms.Select(attrs={"class": "form-select"}))
    exceeding = forms.BooleanField(label=_("Exceeding now"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["linked_unit"].queryset = Unit.objects.visible_to(user).filter(linked_enterprises__isnull=False).distinct()

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs.none()
        return apply_filters(qs, **self.cleaned_data)


def apply_filters(qs: QuerySet, *, q: str = "", status: str = "", industry: str = "", risk_class: str = "",
                  linked_unit: Any = None, exceeding: bool = False) -> QuerySet:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(address__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if industry:
        qs = qs.filter(industry=industry)
    if risk_class:
        qs = qs.filter(risk_class=risk_class)
    if linked_unit:
        qs = qs.filter(linked_unit=linked_unit)
    if exceeding:
        qs = qs.filter(pk__in=exceeding_ids())
    return qs


# An alarm still being dealt with (alarms.choices.ACTIVE_STATUSES, spelled out: this app sits below alarms).
_ACTIVE_ALARM = ("open", "acknowledged", "explained", "verified")


def exceeding_ids() -> QuerySet:
    """Ids of the enterprises exceeding now: with an exceedance alarm that is not closed."""
    return Enterprise.objects.filter(alarms__kind="exceedance", alarms__status__in=_ACTIVE_ALARM).values("pk")
