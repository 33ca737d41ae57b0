"""Input of the public side (download filters, subscriptions) and of the office (notices)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import Enterprise
from qingyuan.portal import rules
from qingyuan.portal.choices import NoticeKind
from qingyuan.portal.models import Notice

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
MAX_DAYS = 366


class DownloadForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(),
                                        widget=forms.Select(attrs=SELECT))
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={**TEXT, "type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={**TEXT, "type": "date"}))

    def __init__(self, *args: Any, park: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park=park).order_by("name")
        self.fields["enterprise"].error_messages["invalid_choice"] = _("Choose one of the park's enterprises.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        last = rules.last_public_day()
        end = min(data.get("end") or last, last)  # nothing newer is published
        start = data.get("start") or end - dt.timedelta(days=29)
        if start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("Ask for at most %(days)d days at a time.") % {"days": MAX_DAYS})
        data["start"], data["end"] = start, end
        return data


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}))
    enterprise = forms.ModelChoiceField(label=_("About"), required=False, queryset=Enterprise.objects.none(),
                                        empty_label=_("The whole park"), widget=forms.Select(attrs=SELECT))
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args: Any, park: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park=park).order_by("name")
        self.fields["enterprise"].error_messages["invalid_choice"] = _("Choose one of the park's enterprises.")


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["kind", "title", "body", "enterprise", "issuer"]
        widgets = {"kind": forms.Select(attrs=SELECT), "title": forms.TextInput(attrs=TEXT),
                   "body": forms.Textarea(attrs={**TEXT, "rows": 10}), "enterprise": forms.Select(attrs=SELECT),
                   "issuer": forms.TextInput(attrs=TEXT)}

    def __init__(self, *args: Any, park: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park=park).order_by("name")
        self.fields["kind"].choices = NoticeKind.choices


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=20)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
