"""Forms of the assessment pages; the actions validate again what matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.assessment.choices import Method, VetoCondition
from qingyuan.assessment.indicators import KEY_CHOICES
from qingyuan.assessment.models import Scheme

POINTS = {"max_digits": 7, "decimal_places": 2}


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["year", "title", "excellent_from", "good_from", "pass_from", "objection_days"]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["title", "excellent_from", "good_from", "pass_from", "objection_days"]


class IndicatorForm(forms.Form):
    group = forms.CharField(label=_("Group"), max_length=100)
    name = forms.CharField(label=_("Name"), max_length=100)
    weight = forms.DecimalField(label=_("Weight (points)"), min_value=0, **POINTS)
    method = forms.ChoiceField(label=_("Method"), choices=[("", "—"), *Method.choices], required=False)
    key = forms.ChoiceField(label=_("Computed from"), choices=[("", "—"), *KEY_CHOICES], required=False)


class VetoForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    condition = forms.ChoiceField(label=_("Condition"), choices=VetoCondition.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(label=_("Evidence"), required=False)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, str(u)) for u in units]


class AdjustmentForm(VetoForm):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    points = forms.DecimalField(label=_("Points"), min_value=0, **POINTS)

    def __init__(self, *args: Any, units: list[Any], indicators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, units=units, **kwargs)
        del self.fields["condition"], self.fields["evidence"]
        self.fields["indicator"].choices = [(i.pk, f"{i.name}（{i.get_method_display()}）") for i in indicators]


class ValueForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(label=_("Value (0-100)"), min_value=0, max_value=100, **POINTS)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidence"), required=False)


class AppealForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Score appealed"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, scores: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [("", "—"), *[(s.pk, s.indicator.name) for s in scores]]


class AnswerForm(forms.Form):
    upheld = forms.BooleanField(label=_("Uphold the appeal"), required=False)
    new_points = forms.DecimalField(label=_("New points"), required=False, min_value=0, **POINTS)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
