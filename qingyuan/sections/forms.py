"""The manual sample form: a date, a note, and a value with its unit for each GB 3838 item."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.standards import surface_water_items

# The items a monthly river sample usually has; the others are optional further down the form.
COMMON = ("water_temp", "ph", "do", "codmn", "codcr", "bod5", "nh3n", "tp", "tn", "petroleum", "vphenol",
          "fecal_coliform")


class SampleForm(forms.Form):
    date = forms.DateField(label=_("Sampling date"), widget=forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.items = sorted(surface_water_items(), key=lambda i: (i.key not in COMMON, i.no))
        for item in self.items:
            self.fields[f"value_{item.key}"] = forms.CharField(
                label=item.name_zh, required=False, widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}))
            self.fields[f"unit_{item.key}"] = forms.CharField(
                label=_("unit"), required=False, initial=item.unit, max_length=16,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "list": "units"}))

    def rows(self) -> list[tuple[Any, Any, Any, bool]]:
        return [(item, self[f"value_{item.key}"], self[f"unit_{item.key}"], item.key in COMMON)
                for item in self.items]

    def values(self) -> list[tuple[str, str, str]]:
        return [(item.key, (self.cleaned_data.get(f"value_{item.key}") or "").strip(),
                 (self.cleaned_data.get(f"unit_{item.key}") or "").strip()) for item in self.items]
