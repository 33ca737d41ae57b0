"""Input forms. Amounts are text here: the action checks them (sign, fen precision) and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.compensation.choices import AssetKind, BudgetLine, Status


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


def amount(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=24, required=required,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


class OpenCaseForm(Styled):
    closure = forms.ModelChoiceField(label=_("closure case"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, closures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closure"].queryset = closures


class InventoryForm(Styled):
    kind = forms.ChoiceField(label=_("kind"), choices=AssetKind.choices)
    description = forms.CharField(label=pgettext_lazy("asset", "description"), max_length=200)
    quantity = amount(_("quantity (mu, m² or units)"))


class AppraisalForm(Styled):
    appraiser = forms.CharField(label=_("appraiser"), max_length=120)
    report_number = forms.CharField(label=_("report number"), max_length=60)
    appraised_on = forms.DateField(label=_("report date"))
    land = amount(_("land (yuan)"), required=False)
    building = amount(_("buildings (yuan)"), required=False)
    equipment = amount(_("equipment (yuan)"), required=False)
    other = amount(_("other (yuan)"), required=False)


class NegotiationForm(Styled):
    held_on = forms.DateField(label=_("held on"))
    participants = forms.CharField(label=_("participants"), max_length=300)
    offered = amount(_("county's offer (yuan)"), required=False)
    requested = amount(_("enterprise's request (yuan)"), required=False)
    summary = forms.CharField(label=pgettext_lazy("negotiation", "summary"), widget=forms.Textarea(attrs={"rows": 3}))


class AgreementForm(Styled):
    number = forms.CharField(label=_("agreement number"), max_length=60)
    signed_on = forms.DateField(label=_("signed on"))
    amount = amount(_("agreed amount (yuan)"))


class InstalmentForm(Styled):
    amount = amount(_("amount (yuan)"), required=False)
    due_on = forms.DateField(label=_("due on"), required=False)
    condition = forms.ChoiceField(label=pgettext_lazy("instalment", "condition"), required=False)

    def __init__(self, *args: Any, steps: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [("", _("none (on signing)")), *steps]


InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=4, max_num=12)


class PaymentForm(Styled):
    voucher_number = forms.CharField(label=_("voucher number"), max_length=40)
    budget_line = forms.ChoiceField(label=_("budget line"), choices=BudgetLine.choices)
    paid_on = forms.DateField(label=_("paid on"))
    amount = amount(_("amount (yuan)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class DisputeForm(Styled):
    raised_on = forms.DateField(label=_("raised on"))
    raised_by = forms.CharField(label=_("raised by"), max_length=120)
    subject = forms.CharField(label=pgettext_lazy("dispute", "subject"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(Styled):
    resolved_on = forms.DateField(label=_("resolved on"))
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 2}))


STATUS_FILTER = [("", _("All statuses")), *Status.choices]
LINE_FILTER = [("", _("All budget lines")), *BudgetLine.choices]


class FilterForm(Styled):
    status = forms.ChoiceField(label=_("status"), choices=STATUS_FILTER, required=False)
    line = forms.ChoiceField(label=_("budget line"), choices=LINE_FILTER, required=False)
