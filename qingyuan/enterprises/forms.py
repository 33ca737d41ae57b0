from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import Enterprise
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park, Unit


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "park", "name", "credit_code", "legal_representative", "industry", "address",
            "longitude", "latitude", "risk_class", "linked_unit", "linked_officer", "contact_phone",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = actor_for(user)
        parks = Park.objects.all() if actor.is_superuser else Park.objects.filter(
            pk__in=[p for p in actor.roles_by_park if actor.manages_park(p)])
        self.fields["park"].queryset = parks
        if self.instance.pk:
            self.fields["park"].queryset = Park.objects.filter(pk=self.instance.park_id)
            self.fields["park"].disabled = True
        park_ids = [self.instance.park_id] if self.instance.pk else list(parks.values_list("pk", flat=True))
        self.fields["linked_unit"].queryset = Unit.objects.filter(park_id__in=park_ids, is_active=True)
        self.fields["linked_officer"].queryset = get_user_model().objects.filter(
            memberships__park_id__in=park_ids, memberships__role="unit_officer").distinct().order_by("username")
        self.fields["linked_officer"].label_from_instance = lambda u: getattr(  # type: ignore[attr-defined]
            getattr(u, "person", None), "name", u.username)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        park = self.instance.park if self.instance.pk else data.get("park")
        unit = data.get("linked_unit")
        if unit is not None and park is not None and unit.park_id != park.pk:
            self.add_error("linked_unit", _("The linked unit must belong to the enterprise's park."))
        return data


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             max_length=2000)
    effective_date = forms.DateField(label=_("Effective date"),
                                     widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def clean_effective_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["effective_date"]
        if value > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("The effective date is more than a year ahead."))
        if value < dt.date(1990, 1, 1):
            raise forms.ValidationError(_("The effective date is implausibly early."))
        return value


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = actor_for(user)
        self.fields["park"].queryset = Park.objects.all() if actor.is_superuser else Park.objects.filter(
            pk__in=[p for p in actor.roles_by_park if actor.manages_park(p)])
