"""Forms of the patrol pages. The patrol form's checklist, findings and photos are read from the
request by ``patrol_payload`` and checked by the action, so the web form and the API share one set
of rules and messages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.choices import EnterpriseStatus, Industry, RiskClass
from qingyuan.inspections.choices import PatrolKind
from qingyuan.org.models import Unit

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
FINDING_FIELD = re.compile(r"^findings-(\d{1,2})-(text|severity|checklist_item)$")
DEFAULT_DRAW_STATUSES = [EnterpriseStatus.OPERATING, EnterpriseStatus.RECTIFYING, EnterpriseStatus.RECTIFIED]


class PatrolForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in PatrolKind.choices if c[0] != PatrolKind.RANDOM],
                             initial=PatrolKind.PLANNED, required=False, widget=forms.Select(attrs=SELECT))
    started_at = forms.DateTimeField(label=_("Started"), widget=forms.HiddenInput)
    finished_at = forms.DateTimeField(label=_("Finished"), required=False, widget=forms.HiddenInput)
    latitude = forms.CharField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    gps_accuracy_m = forms.CharField(label=_("Accuracy (m)"), required=False, widget=forms.HiddenInput)
    gps_at = forms.DateTimeField(label=_("Position taken"), required=False, widget=forms.HiddenInput)
    checklist_key = forms.CharField(widget=forms.HiddenInput)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    co_inspectors = forms.ModelMultipleChoiceField(
        label=_("Other inspectors present"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Summary (the enterprise sees it)"), required=False,
                            widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    internal_notes = forms.CharField(label=_("Internal notes (not shown to the enterprise)"), required=False,
                                     widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, inspectors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["co_inspectors"].queryset = inspectors
        self.fields["co_inspectors"].label_from_instance = _person


def _person(user: Any) -> str:
    person = getattr(user, "person", None)
    return person.name if person else user.get_username()


def patrol_payload(post: QueryDict, files: Any) -> dict[str, Any]:
    """Checklist answers, findings and photos as the action takes them."""
    answers = {key[5:]: {"answer": value, "note": post.get(f"note-{key[5:]}", "")}
               for key, value in post.items() if key.startswith("item-")}
    rows: dict[int, dict[str, str]] = {}
    for key, value in post.items():
        match = FINDING_FIELD.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    findings = [rows[i] for i in sorted(rows) if (rows[i].get("text") or "").strip()]
    return {"checklist": answers, "findings": findings, "photos": files.getlist("photos")}


class AssignFindingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Assign to unit"), queryset=Unit.objects.none(),
                                  widget=forms.Select(attrs=SELECT))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"))
    requirements = forms.CharField(label=_("Requirements"), required=False,
                                   widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(park_id=park_id, is_active=True).exclude(
            kind__in=["leading_group", "office"]).order_by("sort_order", "name")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class OverrideForm(forms.Form):
    days = forms.IntegerField(label=_("Interval (days)"), min_value=1, max_value=365, required=False,
                              widget=forms.NumberInput(attrs={**TEXT, "placeholder": _("computed")}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))


class DrawForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT))
    risk_classes = forms.MultipleChoiceField(label=_("Risk class"), choices=RiskClass.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    industries = forms.MultipleChoiceField(label=_("Industry"), choices=Industry.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    statuses = forms.MultipleChoiceField(label=_("Status"), choices=EnterpriseStatus.choices, required=False,
                                         initial=DEFAULT_DRAW_STATUSES, widget=forms.CheckboxSelectMultiple)
    inspectors = forms.ModelMultipleChoiceField(label=_("Inspector pool"), queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple,
                                                help_text=_("None ticked: every inspector of the park."))
    sample_size = forms.IntegerField(label=_("Enterprises to draw"), min_value=1, max_value=500, initial=3,
                                     widget=forms.NumberInput(attrs=TEXT))
    deadline = forms.DateField(label=_("Complete patrols by"),
                               widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, inspectors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspectors
        self.fields["inspectors"].label_from_instance = _person
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=30)


class PatrolFilter(forms.Form):
    q = forms.CharField(label=_("Enterprise"), required=False,
                        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("Enterprise name")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *PatrolKind.choices],
                             widget=forms.Select(attrs=SELECT))
    month = forms.CharField(label=_("Month"), required=False,
                            widget=forms.DateInput(attrs={**TEXT, "type": "month"}))

    def apply(self, qs: Any) -> Any:
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(enterprise__name__icontains=data["q"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["month"]:
            try:
                year, month = (int(x) for x in data["month"].split("-"))
                qs = qs.filter(started_at__year=year, started_at__month=month)
            except ValueError:
                return qs.none()
        return qs
