from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.quality.choices import CalibrationKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class DeclarationForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"),
                                        widget=forms.Select(attrs={"class": "form-select"}))
    start = forms.DateTimeField(label=_("Stopped from"),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}))
    end = forms.DateTimeField(label=_("Stopped until"),
                              widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}))
    points = forms.ModelMultipleChoiceField(
        queryset=MonitoringPoint.objects.none(), required=False, label=_("Monitoring points"),
        help_text=_("Leave empty for every point of the enterprise."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             required=False)
    files = MultipleFileField(label=_("Evidence"), required=False,
                              help_text=_("Required: the stop-production notice, power or production records, photos."),
                              widget=MultipleFileInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["points"].queryset = MonitoringPoint.objects.filter(outlet__enterprise__in=enterprises)
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()


class ReviewForm(forms.Form):
    reason = forms.CharField(label=_("Note"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class CalibrationForm(forms.Form):
    """A calibration or comparison entered by hand (``actions.do_record_calibration``)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CalibrationKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    parameter = forms.ChoiceField(label=_("Parameter"), required=False,
                                  help_text=_("Leave empty when the check covers every parameter of the point."),
                                  widget=forms.Select(attrs={"class": "form-select"}))
    at = forms.DateTimeField(label=_("Time of the check"),
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}))
    passed = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Passed")), ("0", _("Failed"))],
                                    widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def __init__(self, *args: Any, parameters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parameter"].choices = [("", _("All parameters")), *parameters]
