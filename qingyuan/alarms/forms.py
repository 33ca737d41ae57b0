from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.alarms.choices import AlarmKind, AlarmStatus, ExplanationKind, Severity
from qingyuan.quality.forms import MultipleFileField, MultipleFileInput


class BoardFilter(forms.Form):
    q = forms.CharField(required=False, label=_("Search"),
                        widget=forms.TextInput(attrs={"placeholder": _("Point, MN or enterprise"),
                                                      "class": "form-control form-control-sm"}))
    status = forms.ChoiceField(required=False, label=_("Status"), choices=[
        ("", _("Any status")), ("active", _("Not closed")), *AlarmStatus.choices])
    kind = forms.ChoiceField(required=False, label=_("Kind"), choices=[("", _("Any kind")), *AlarmKind.choices])
    severity = forms.ChoiceField(required=False, label=_("Severity"),
                                 choices=[("", _("Any severity")), *Severity.choices])
    enterprise = forms.ChoiceField(required=False, label=_("Enterprise"))
    since = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, enterprises: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", _("Any enterprise")), *enterprises]
        for name, field in self.fields.items():
            css = "form-control form-control-sm" if name in ("q", "since", "until") else "form-select form-select-sm"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("aria-label", str(field.label))


class ExplainForm(forms.Form):
    kind = forms.ChoiceField(label=_("Cause"), choices=ExplanationKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    text = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                           required=False)
    files = MultipleFileField(label=_("Evidence"), required=False,
                              help_text=_("Maintenance record, stop-production proof, repair report (PDF, image, "
                                          "Word or Excel)."),
                              widget=MultipleFileInput(attrs={"class": "form-control"}))


class NoteForm(forms.Form):
    reason = forms.CharField(label=_("Note"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
