"""Forms for an enterprise's outlets, monitoring points and permit (with its pollutant limits)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.choices import DischargeRoute, Medium
from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet, Permit, PermitLimit
from qingyuan.standards import pollutant, unit_matches


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")


class OutletForm(forms.ModelForm):
    """A new or changed outlet. The route rules (``Outlet.clean``) put their message on the field."""

    class Meta:
        model = Outlet
        fields = ["medium", "code", "name", "longitude", "latitude", "route", "receiving_plant", "receiving",
                  "standard", "special_limits"]
        labels = {"receiving": _("Receiving water body or place")}

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        kwargs.setdefault("instance", Outlet(enterprise=enterprise))
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        # Any enterprise is accepted (so a plant of another park gets its own message from the model);
        # the list offers the park's enterprises that have a direct wastewater outlet.
        plant = self.fields["receiving_plant"]
        plant.queryset = Enterprise.objects.all()  # type: ignore[attr-defined]
        offered = Enterprise.objects.filter(
            park_id=enterprise.park_id, outlets__medium=Medium.WATER, outlets__route=DischargeRoute.DIRECT,
            outlets__is_active=True).exclude(pk=enterprise.pk).distinct().order_by("name")
        plant.widget.choices = [("", "---------"), *((e.pk, e.name) for e in offered)]
        self.fields["route"].required = False  # left out: unchanged (direct for a new outlet)
        _style(self)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        same = Outlet.objects.filter(enterprise=self.enterprise, code=code).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(_("This enterprise already has an outlet with this code."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("route"):
            data["route"] = self.instance.route or DischargeRoute.DIRECT
        if data["route"] == DischargeRoute.DIRECT:
            data["receiving_plant"] = None  # a plant picked before switching back to direct
            self.instance.receiving_plant = None
        return data


class PointForm(forms.ModelForm):
    class Meta:
        model = MonitoringPoint
        fields = ["outlet", "name", "mn", "password", "protocol_version", "st", "crc_mode",
                  "rtd_interval_s", "min_interval_min", "measuring_cycle_min", "sends_hourly", "sends_daily"]

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = Outlet.objects.filter(enterprise=enterprise)  # type: ignore[attr-defined]
        self.fields["outlet"].required = True
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outlet = data.get("outlet")
        if data.get("measuring_cycle_min") and outlet is not None and outlet.medium == "gas":
            self.add_error("measuring_cycle_min", _("Gas analysers (CEMS) measure continuously: leave the "
                                                    "measuring cycle blank for a gas outlet."))
        return data

    def clean_min_interval_min(self) -> int:
        value: int = self.cleaned_data["min_interval_min"]
        if value not in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30):
            raise forms.ValidationError(_("HJ 212 allows a minute-data interval of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes."))
        return value


class PermitForm(forms.ModelForm):
    class Meta:
        model = Permit
        fields = ["number", "management_class", "issuer", "valid_from", "valid_to"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}),
                   "valid_to": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", _("The permit must end after it starts."))
        return data


class PermitLimitForm(forms.ModelForm):
    class Meta:
        model = PermitLimit
        fields = ["outlet", "pollutant_code", "concentration_limit", "unit", "standard_ref", "variant", "cold_limit",
                  "annual_load_t"]

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = Outlet.objects.filter(enterprise=enterprise)  # type: ignore[attr-defined]
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, unit = data.get("pollutant_code", ""), data.get("unit", "")
        if code and pollutant(code) is None:
            self.add_error("pollutant_code", _("“%(code)s” is not an HJ 212-2017 pollutant code.") % {"code": code})
        elif code and data.get("concentration_limit") is not None and not unit:
            self.add_error("unit", _("A concentration limit needs its unit."))
        elif code and unit and not unit_matches(code, unit):
            self.add_error("unit", _("“%(unit)s” is not a unit for %(name)s (expected like %(expected)s).") % {
                "unit": unit, "name": pollutant(code).name_zh, "expected": pollutant(code).default_unit})  # type: ignore[union-attr]
        for field in ("concentration_limit", "annual_load_t"):
            value = data.get(field)
            if value is not None and value < 0:
                self.add_error(field, _("A limit cannot be negative."))
        return data


PermitLimitFormSet = forms.formset_factory(PermitLimitForm, extra=4, can_delete=False)
