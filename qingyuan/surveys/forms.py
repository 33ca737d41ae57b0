"""Input forms: the frame, rounds, questions, batches, and the questionnaire itself."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.surveys.choices import LIKERT_LABELS, QuestionKind
from qingyuan.surveys.models import Question, Round, Village

PHONE = re.compile(r"^1[3-9]\d{9}$")


def styled(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget (choices as check boxes, the rest as controls)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
    return form


class Styled:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        styled(self)  # type: ignore[arg-type]


class VillageForm(Styled, forms.ModelForm):
    class Meta:
        model = Village
        fields = ["name", "township", "households", "population", "distance_km", "sort_order", "is_active"]

    def __init__(self, *args: Any, park: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.park = park
        self.fields["township"].queryset = Unit.objects.filter(park=park, kind=UnitKind.TOWNSHIP, is_active=True)

    def clean_distance_km(self) -> Any:
        value = self.cleaned_data["distance_km"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("The distance cannot be negative."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("households") and data.get("population") is not None and data["population"] < data["households"]:
            self.add_error("population", _("The population cannot be smaller than the number of households."))
        return data


class RoundForm(Styled, forms.ModelForm):
    copy_from = forms.ModelChoiceField(queryset=Round.objects.none(), required=False,
                                       label=gettext_lazy("Copy the questions of"))

    class Meta:
        model = Round
        fields = ["title", "kind", "year", "opens_on", "closes_on", "intro"]
        widgets = {"opens_on": forms.DateInput(attrs={"type": "date"}),
                   "closes_on": forms.DateInput(attrs={"type": "date"}),
                   "intro": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, park: Any, rounds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.park = park
        if rounds is not None:
            self.fields["copy_from"].queryset = rounds
        else:
            del self.fields["copy_from"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes, year = data.get("opens_on"), data.get("closes_on"), data.get("year")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The round cannot close before it opens."))
        if year and opens and not (year - 1 <= opens.year <= year + 1):
            self.add_error("year", _("The year should be the year the round opens in (or next to it)."))
        return data


class QuestionForm(Styled, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    options = forms.CharField(label=gettext_lazy("Options, one a line"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=gettext_lazy("For a Likert scale leave empty to use 满意/基本满意/一般/不满意/很不满意, "
                                                     "or give five labels, the most favourable first."))
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False, initial=True)
    is_satisfaction = forms.BooleanField(label=gettext_lazy("This is the satisfaction question (its first two "
                                                            "points count as satisfied)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        options = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        if len(set(options)) != len(options):
            self.add_error("options", _("Two options have the same label."))
        if kind == QuestionKind.LIKERT:
            options = options or list(LIKERT_LABELS)
            if len(options) != 5:
                self.add_error("options", _("A Likert scale has exactly five points; %(n)d were given.")
                               % {"n": len(options)})
        elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if len(options) < 2:
                self.add_error("options", _("A choice question needs at least two options."))
        elif options:
            self.add_error("options", _("A free-text question has no options."))
        if data.get("is_satisfaction") and kind != QuestionKind.LIKERT:
            self.add_error("is_satisfaction", _("Only a Likert-scale question can be the satisfaction question."))
        data["options"] = options
        return data


class BatchForm(Styled, forms.Form):
    village = forms.ModelChoiceField(queryset=Village.objects.none(), label=gettext_lazy("Village"))
    number = forms.RegexField(label=gettext_lazy("Batch number"), max_length=30, regex=r"^[\w\-]+$",
                              help_text=gettext_lazy("As written on the bundle, e.g. P2026-03 (letters, digits, -)."))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, park: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(park=park, is_active=True)


class UploadForm(Styled, forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


class PhoneForm(Styled, forms.Form):
    phone = forms.CharField(label=gettext_lazy("Mobile phone number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not PHONE.match(digits):
        raise forms.ValidationError(_("Enter a mainland mobile number of 11 digits, starting with 1."))
    return digits


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    """The questionnaire: one field per question; ``answers()`` gives what a Response stores."""

    def __init__(self, *args: Any, questions: list[Question], with_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            choices = [(str(i), label) for i, label in enumerate(q.options, start=1)]
            if q.kind in (QuestionKind.SINGLE, QuestionKind.LIKERT):
                field: forms.Field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=q.required)
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple,
                                                  required=q.required)
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=q.required)
            field.label = q.text
            self.fields[field_name(q)] = field
        if with_code:
            self.fields["code"] = forms.RegexField(
                label=gettext_lazy("The 6-digit code sent to your phone"), regex=r"^\d{6}$",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
                error_messages={"invalid": gettext_lazy("The code has 6 digits.")})
        styled(self)

    def answers(self) -> tuple[dict[str, Any], int | None]:
        out: dict[str, Any] = {}
        point = None
        for q in self.questions:
            value = self.cleaned_data.get(field_name(q))
            if value in (None, "", []):
                continue
            if q.kind == QuestionKind.TEXT:
                out[str(q.pk)] = value.strip()
            else:
                out[str(q.pk)] = sorted(int(v) for v in (value if isinstance(value, list) else [value]))
                if q.is_satisfaction:
                    point = out[str(q.pk)][0]
        return out, point
