from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.briefings import periods
from qingyuan.briefings.choices import Kind, Status
from qingyuan.org.models import Unit


class NewBriefingForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices, initial=Kind.MONTHLY)
    start = forms.DateField(label=_("period from"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Ad hoc briefings only; periodic ones cover the latest complete period."))
    end = forms.DateField(label=_("period to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("title"), max_length=200, required=False)

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Kind.AD_HOC:
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("An ad hoc briefing needs its period."))
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The period ends before it starts."))
        elif kind:
            data["start"], data["end"] = periods.latest(kind, timezone.localdate())
        if kind and not data.get("title"):
            data["title"] = periods.default_title(kind, data["start"], data["end"])
        return data


class SectionForm(forms.Form):
    text = forms.CharField(label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("A blank line starts a paragraph; lines starting with “- ” make a list; "
                                       "**text** is bold."))


class RecipientsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(label=_("recipient units"), queryset=Unit.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, park_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(park_id=park_id).order_by("kind", "name")


ARCHIVE_STATUSES = [("", _("All"))] + list(Status.choices)
