from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.loads.choices import KEY_POLLUTANTS
from qingyuan.plans.models import pollutant_name

TEXT = {"class": "form-control"}


class LoadsFields(forms.Form):
    """One tonnes-per-year field per load-controlled pollutant: ``load_w01018`` …"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in KEY_POLLUTANTS:
            self.fields[f"load_{code}"] = forms.DecimalField(
                label=pollutant_name(code), required=False, min_value=0, max_digits=14, decimal_places=4,
                widget=forms.NumberInput(attrs={**TEXT, "step": "0.0001", "min": "0"}),
                help_text=_("t/a"))

    def load_fields(self) -> list[Any]:
        return [self[f"load_{code}"] for code in KEY_POLLUTANTS]

    def loads(self) -> dict[str, Any]:
        return {code: self.cleaned_data.get(f"load_{code}") for code in KEY_POLLUTANTS
                if self.cleaned_data.get(f"load_{code}") is not None}


class FitCheckForm(LoadsFields):
    pass


class ProjectForm(LoadsFields):
    name = forms.CharField(label=_("Project name"), max_length=150, widget=forms.TextInput(attrs=TEXT))
    applicant = forms.CharField(label=_("Applicant"), max_length=150, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    field_order = ["name", "applicant", "description"]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class BaselineForm(forms.Form):
    pollutant_code = forms.ChoiceField(label=_("Pollutant"), widget=forms.Select(attrs={"class": "form-select"}))
    load_t = forms.DecimalField(label=_("Baseline load (t/a)"), min_value=0, max_digits=14, decimal_places=4,
                                widget=forms.NumberInput(attrs={**TEXT, "step": "0.0001", "min": "0"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pollutant_code"].choices = [(c, f"{pollutant_name(c)} ({c})") for c in KEY_POLLUTANTS]
