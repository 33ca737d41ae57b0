from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.choices import ProtocolVersion
from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.hj212.commands import MIN_INTERVALS, RTD_INTERVAL_RANGE
from qingyuan.monitoring.choices import CommandKind
from qingyuan.monitoring.models import DeviceSetup
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park

QUEUEABLE = [
    (CommandKind.SET_TIME.value, CommandKind.SET_TIME.label),
    (CommandKind.SET_RTD_INTERVAL.value, CommandKind.SET_RTD_INTERVAL.label),
    (CommandKind.SET_MIN_INTERVAL.value, CommandKind.SET_MIN_INTERVAL.label),
    (CommandKind.START_REALTIME.value, CommandKind.START_REALTIME.label),
    (CommandKind.STOP_REALTIME.value, CommandKind.STOP_REALTIME.label),
]


class CommandForm(forms.Form):
    kind = forms.ChoiceField(label=_("Command"), choices=QUEUEABLE)
    seconds = forms.IntegerField(
        label=_("Real-time interval (s)"), required=False,
        min_value=RTD_INTERVAL_RANGE.start, max_value=RTD_INTERVAL_RANGE.stop - 1,
    )
    minutes = forms.TypedChoiceField(
        label=_("Minute-data interval (min)"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(m, m) for m in sorted(MIN_INTERVALS)],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == CommandKind.SET_RTD_INTERVAL and data.get("seconds") is None:
            self.add_error("seconds", _("Give the real-time interval in seconds (30 to 3600)."))
        if kind == CommandKind.SET_MIN_INTERVAL and data.get("minutes") is None:
            self.add_error("minutes", _("Choose the minute-data interval."))
        return data

    def params(self) -> dict[str, int]:
        kind = self.cleaned_data["kind"]
        if kind == CommandKind.SET_RTD_INTERVAL:
            return {"seconds": self.cleaned_data["seconds"]}
        if kind == CommandKind.SET_MIN_INTERVAL:
            return {"minutes": self.cleaned_data["minutes"]}
        return {}


class DeviceSetupForm(forms.ModelForm):
    """The first-connection setup of a point: on or off, and the OverTime/ReCount it sends."""

    class Meta:
        model = DeviceSetup
        fields = ["enabled", "over_time_s", "re_count"]
        widgets = {"over_time_s": forms.NumberInput(attrs={"min": 1, "max": 99}),
                   "re_count": forms.NumberInput(attrs={"min": 1, "max": 99})}


class RegisterPointForm(forms.Form):
    """Register a quarantined MN: in which park, at which outlet, under what name and password."""

    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none())
    outlet = forms.ModelChoiceField(
        label=_("Outlet"), queryset=Outlet.objects.none(), required=False,
        help_text=_("Leave empty for a point that is not at an outlet (e.g. a water-quality station)."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    password = forms.CharField(
        label=_("Access password"), max_length=32, required=False,
        help_text=_("Leave empty to take the password the device sends (it is not shown here)."),
    )
    protocol_version = forms.ChoiceField(label=_("Protocol version"), choices=ProtocolVersion.choices)
    st = forms.CharField(label=_("System code (ST)"), max_length=2)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = actor_for(user)
        parks = Park.objects.all() if actor.is_superuser else Park.objects.filter(
            pk__in=[p for p in actor.roles_by_park if actor.manages_park(p)])
        self.fields["park"].queryset = parks  # type: ignore[attr-defined]
        self.fields["outlet"].queryset = (  # type: ignore[attr-defined]
            Outlet.objects.filter(enterprise__park__in=parks, is_active=True)
            .select_related("enterprise").order_by("enterprise__name", "code"))
        self.fields["outlet"].label_from_instance = lambda o: f"{o.enterprise.name} · {o.code} {o.name}"  # type: ignore[attr-defined]
        if parks.count() == 1:
            self.fields["park"].initial = parks.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        outlet, park = data.get("outlet"), data.get("park")
        if outlet is not None and park is not None and outlet.enterprise.park_id != park.pk:
            self.add_error("outlet", _("This outlet belongs to another park."))
        return data


class QuarantineActionForm(forms.Form):
    """Confirm a quarantine action with a reason (kept on the entry and in the audit entry)."""

    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    # A token of the device password on the page the official confirmed (actions.password_seen): the
    # change applies only if the device has not sent another meanwhile. The password never reaches the page.
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


def initial_for_quarantine(entry: Any) -> dict[str, Any]:
    version = {0: ProtocolVersion.HJ212_2005, 2: ProtocolVersion.HJ212_2025}.get(entry.version,
                                                                                ProtocolVersion.HJ212_2017)
    return {"st": entry.st or "32", "protocol_version": version,
            "name": f"MN {entry.mn}"[:100]}


def point_exists(mn: str) -> bool:
    return MonitoringPoint.objects.filter(mn=mn).exists()
