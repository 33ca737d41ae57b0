from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.enterprises.models import Enterprise
from qingyuan.meetings.choices import MeetingKind, ReportKind, Response
from qingyuan.meetings.models import DEFAULT_MARGIN
from qingyuan.org.choices import Role
from qingyuan.org.models import Unit


def _local() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            w.attrs.setdefault("class", "form-select" if isinstance(w, forms.Select) else "form-control")
            # Named for assistive technology even where the page shows the label small or hidden.
            w.attrs.setdefault("aria-label", str(field.label))


def _people(park_id: int) -> Any:
    return get_user_model().objects.filter(memberships__park_id=park_id, memberships__is_active=True,
                                           is_active=True).exclude(memberships__role=Role.ENTERPRISE_USER
                                                                   ).distinct().order_by("person__name", "username")


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = getattr(getattr(obj, "person", None), "name", "") or obj.get_full_name() or obj.username
        return str(name)


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _PersonChoice.label_from_instance(self, obj)  # type: ignore[arg-type]


class MeetingForm(Styled):
    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices, initial=MeetingKind.LEADING_GROUP)
    title = forms.CharField(label=pgettext_lazy("meeting", "title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("starts"), widget=_local())
    ends_at = forms.DateTimeField(label=_("ends"), widget=_local())
    place = forms.CharField(label=_("place"), max_length=200)
    chair = _PersonChoice(label=_("chair"), queryset=get_user_model().objects.none())
    units = forms.ModelMultipleChoiceField(label=_("invited units"), queryset=Unit.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    people = _PeopleChoice(label=_("invited people"), queryset=get_user_model().objects.none(), required=False,
                           widget=forms.CheckboxSelectMultiple)
    notice = forms.CharField(label=_("invitation notice"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sign_in_margin = forms.IntegerField(label=_("sign-in margin (minutes)"), min_value=0, max_value=240,
                                        initial=DEFAULT_MARGIN,
                                        help_text=_("Sign-in opens this long before the start and closes this long "
                                                    "after the end."))

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _people(park_id).filter(memberships__role=Role.LEADER)
        self.fields["units"].queryset = Unit.objects.filter(park_id=park_id, is_active=True).order_by("sort_order")
        self.fields["people"].queryset = _people(park_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if not data.get("units") and not data.get("people"):
            self.add_error("units", _("Invite at least one unit or person."))
        return data


class ResponseForm(Styled):
    response = forms.ChoiceField(label=_("reply"), widget=forms.RadioSelect, choices=[
        c for c in Response.choices if c[0] != Response.PENDING])
    deputy_name = forms.CharField(label=_("deputy"), max_length=100, required=False)
    reason = forms.CharField(label=_("reason for absence"), max_length=300, required=False)


class ItemForm(Styled):
    title = forms.CharField(label=pgettext_lazy("meeting", "title"), max_length=200)
    presenter = forms.CharField(label=_("presenter"), max_length=100, required=False)
    starts_at = forms.TimeField(label=_("time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))


class MaterialForm(Styled):
    file = forms.FileField(label=_("material"))


class ReportForm(Styled):
    kind = forms.ChoiceField(label=_("report"), choices=ReportKind.choices)
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=Enterprise.objects.none(), required=False)

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park_id=park_id).order_by("name")


class MinutesForm(Styled):
    minutes = forms.CharField(label=_("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(Styled):
    """Unit and deadline are checked by the action, which names the decision it refuses."""

    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.ModelChoiceField(label=_("responsible unit"), queryset=Unit.objects.none(),
                                              required=False)
    co_units = forms.ModelMultipleChoiceField(label=_("co-units"), queryset=Unit.objects.none(), required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 4}))
    deadline = forms.DateField(label=_("deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expected_result = forms.CharField(label=_("expected result"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(park_id=park_id, is_active=True).order_by("sort_order")
        self.fields["responsible_unit"].queryset = units.exclude(kind__in=["leading_group", "office"])
        self.fields["co_units"].queryset = units


class ReasonForm(Styled):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False)


class CorrectionForm(Styled):
    target = forms.CharField(widget=forms.HiddenInput)  # "item-<pk>-minutes" or "decision-<pk>-text"
    new = forms.CharField(label=_("corrected text"), widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("reason for the correction"), max_length=500)
