"""Forms of the public intake, the staff intake and the actions on the detail page.

Forms only parse and offer choices; the rules (places, photos, deadlines, who may act)
live in the actions, whose ValidationErrors the views put back on these forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.complaints import ratelimit
from qingyuan.complaints.choices import CaseType, Category, Channel, Rating
from qingyuan.complaints.models import ComplaintPolicy
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Park, Unit

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _local_datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")


class PlaceFields(forms.Form):
    category = forms.ChoiceField(label=_("What kind of pollution?"), choices=Category.choices,
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    description = forms.CharField(label=_("What did you see, smell or hear?"), max_length=2000,
                                  widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    address = forms.CharField(label=_("Where? (address or landmark)"), max_length=200, required=False,
                              widget=forms.TextInput(attrs=TEXT))
    longitude = forms.DecimalField(required=False, max_digits=10, decimal_places=6, widget=forms.HiddenInput)
    latitude = forms.DecimalField(required=False, max_digits=10, decimal_places=6, widget=forms.HiddenInput)
    enterprise = forms.ModelChoiceField(label=_("Which enterprise, if you know"), required=False,
                                        queryset=Enterprise.objects.none(), empty_label=_("I don't know"),
                                        widget=forms.Select(attrs=SELECT))
    observed_at = forms.DateTimeField(label=_("When did you notice it?"), required=False,
                                      widget=_local_datetime_widget(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}))
    phone = forms.CharField(label=_("Your phone (optional, for the reply by text message)"), max_length=30,
                            required=False, widget=forms.TextInput(attrs={**TEXT, "type": "tel", "autocomplete": "tel"}))
    photos = MultipleFileField(label=_("Photos (optional, up to 4)"), required=False)

    def __init__(self, *args: Any, park: Park, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.park = park
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park=park).order_by("name")


class PublicComplaintForm(PlaceFields):
    """The citizen's form, with the honeypot and the signed arithmetic challenge."""

    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    publish_reply = forms.BooleanField(
        label=_("The reply may be published on the public portal without my name, phone or address"),
        required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    challenge = forms.CharField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Anti-spam check: the answer is"), max_length=4,
                             widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args: Any, park: Park, **kwargs: Any) -> None:
        super().__init__(*args, park=park, **kwargs)
        token = self.data.get("challenge") if self.is_bound else ""
        if not token or ratelimit.solve(token) is None:
            self.initial["challenge"] = ratelimit.new_challenge().token
        self.question = ratelimit.question_of(self.data.get("challenge") if token else self.initial["challenge"])

    def new_challenge(self) -> None:
        """Ask a fresh question when the form is shown again (the old one may have been used)."""
        token = ratelimit.new_challenge().token
        data = self.data.copy()
        data["challenge"] = token
        data["answer"] = ""
        self.data = data
        self.question = ratelimit.question_of(token)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(ratelimit.HONEYPOT))


class StaffComplaintForm(PlaceFields):
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices, widget=forms.Select(attrs=SELECT))
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
                                + [(Channel.ONLINE, Channel.ONLINE.label)], widget=forms.Select(attrs=SELECT))
    received_at = forms.DateTimeField(label=_("Received"), widget=_local_datetime_widget(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    township = forms.ModelChoiceField(label=_("Township"), required=False, queryset=Unit.objects.none(),
                                      widget=forms.Select(attrs=SELECT))
    trackable = forms.BooleanField(label=_("The complainant may track it by code"), required=False, initial=True)

    field_order = ["case_type", "channel", "received_at", "category", "description", "address", "enterprise",
                   "township", "observed_at", "name", "phone", "photos", "trackable"]

    def __init__(self, *args: Any, park: Park, **kwargs: Any) -> None:
        super().__init__(*args, park=park, **kwargs)
        self.fields["township"].queryset = Unit.objects.filter(park=park, kind=UnitKind.TOWNSHIP, is_active=True)
        self.fields["category"].widget = forms.Select(attrs=SELECT, choices=Category.choices)
        self.fields["category"].label = _("Category")
        self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))


class ParkChoiceForm(forms.Form):
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, parks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks


def _units(park_id: int) -> Any:
    return Unit.objects.filter(park_id=park_id, is_active=True).exclude(
        kind__in=[UnitKind.OFFICE, UnitKind.LEADING_GROUP]).order_by("sort_order", "name")


class UnitForm(forms.Form):
    """Accept (route to a unit) or re-route."""

    unit = forms.ModelChoiceField(label=_("Handling unit"), queryset=Unit.objects.none(),
                                  widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(park_id)
        for field in self.fields.values():  # the action rows show the box without a <label>
            field.widget.attrs["aria-label"] = field.label


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not ours"), widget=forms.TextInput(attrs=TEXT))
    suggested_unit = forms.ModelChoiceField(label=_("Unit believed responsible"), queryset=Unit.objects.none(),
                                            widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, park_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggested_unit"].queryset = _units(park_id)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Public reply (the complainant reads this)"), max_length=4000,
                            widget=forms.Textarea(attrs={**TEXT, "rows": 5}))
    internal_note = forms.CharField(label=_("Internal note (staff only)"), required=False, max_length=4000,
                                    widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Tracking code of the case to merge into"), max_length=12,
                           widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.TextInput(attrs=TEXT))


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("How satisfied are you with the reply?"), choices=Rating.choices,
                               widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    request_review = forms.BooleanField(label=_("I ask for a review (复查) of this reply"), required=False)
    pin = forms.CharField(label=_("Your PIN (shown when you filed the complaint, and sent by text message)"),
                          max_length=12, required=False, widget=forms.TextInput(
                              attrs={**TEXT, "inputmode": "numeric", "autocomplete": "off"}))


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=12,
                           widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off", "autocapitalize": "characters"}))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ComplaintPolicy
        fields = ["accept_days", "handle_days", "extension_days", "review_request_days", "review_answer_days",
                  "nearest_radius_m", "duplicate_radius_m", "duplicate_hours", "max_distance_km", "auto_accept",
                  "review_unit"]

    def __init__(self, *args: Any, park: Park, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_unit"].queryset = _units(park.pk)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "auto_accept" else ("form-select" if name == "review_unit"
                                                                     else "form-control")
            field.widget.attrs["class"] = css


class RulesForm(forms.Form):
    """One unit per category: where complaints of that category go when no enterprise is named or near."""

    def __init__(self, *args: Any, park: Park, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Category.choices:
            self.fields[value] = forms.ModelChoiceField(
                label=label, required=False, queryset=_units(park.pk), empty_label=_("The office triages"),
                widget=forms.Select(attrs=SELECT))
