"""Input for opening a case, recording a step and verifying it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.closures.choices import Basis, CaseKind, CaseStatus, SoilConclusion, StepKind
from qingyuan.org.models import Unit

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}


class OpenCaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=CaseKind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    decision_number = forms.CharField(label=_("decision number"), max_length=60, widget=forms.TextInput(attrs=TEXT))
    decision_date = forms.DateField(label=_("decision date"), widget=DATE)
    basis = forms.ChoiceField(label=_("basis"), choices=Basis.choices, widget=forms.Select(attrs={"class": "form-select"}))
    basis_note = forms.CharField(label=_("basis details"), required=False,
                                 widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    responsible_unit = forms.ModelChoiceField(label=_("responsible unit"), queryset=Unit.objects.none(),
                                              widget=forms.Select(attrs={"class": "form-select"}))
    new_site = forms.CharField(label=_("new site"), required=False, max_length=200,
                               help_text=_("Relocation: where the plant goes."), widget=forms.TextInput(attrs=TEXT))
    new_product_line = forms.CharField(label=_("new product line"), required=False, max_length=200,
                                       help_text=_("Conversion: what it makes instead."),
                                       widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.filter(park_id=park_id).order_by("sort_order", "name")


# The fields each step asks for besides its date and evidence.
STEP_EXTRA: dict[str, tuple[str, ...]] = {
    StepKind.UTILITIES_CUT: ("utility_records",),
    StepKind.WASTE_DISPOSED: ("manifest_numbers",),
    StepKind.SOIL_INVESTIGATED: ("report_number", "report_org", "report_conclusion"),
    StepKind.PERMITS_CANCELLED: ("permit_numbers",),
}


class StepForm(forms.Form):
    done_on = forms.DateField(label=_("done on"), widget=DATE)
    evidence = forms.CharField(label=_("evidence"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
                               help_text=_("What was done and the records that show it."))
    utility_records = forms.CharField(label=_("power and water records"), required=False,
                                      widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    manifest_numbers = forms.CharField(label=_("transfer manifest numbers"), required=False,
                                       help_text=_("One manifest (联单) number per line."),
                                       widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    report_number = forms.CharField(label=_("report number"), required=False, max_length=60,
                                    widget=forms.TextInput(attrs=TEXT))
    report_org = forms.CharField(label=_("investigated by"), required=False, max_length=120,
                                 widget=forms.TextInput(attrs=TEXT))
    report_conclusion = forms.ChoiceField(label=_("conclusion"), required=False,
                                          choices=[("", "—"), *SoilConclusion.choices],
                                          widget=forms.Select(attrs={"class": "form-select"}))
    permit_numbers = forms.CharField(label=_("cancelled permits"), required=False,
                                     widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        extra = STEP_EXTRA.get(kind, ())
        for name in [n for n in self.fields if n not in ("done_on", "evidence") and n not in extra]:
            del self.fields[name]

    def extra(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("done_on", "evidence")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files]


class VerifyForm(forms.Form):
    patrol = forms.ModelChoiceField(label=_("patrol"), queryset=None, required=False,  # type: ignore[arg-type]
                                    widget=forms.Select(attrs={"class": "form-select"}))
    photos = PhotosField(label=_("photos"), required=False,
                         widget=MultipleFileInput(attrs={"class": "form-control", "accept": "image/*",
                                                         "capture": "environment"}))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, patrols: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == StepKind.PRODUCTION_STOPPED:
            self.fields["patrol"].queryset = patrols
        else:
            del self.fields["patrol"]
            del self.fields["photos"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class CaseFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("All")), *CaseKind.choices],
                             widget=forms.Select(attrs={"class": "form-select"}))
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", _("All")), *CaseStatus.choices],
                               widget=forms.Select(attrs={"class": "form-select"}))
