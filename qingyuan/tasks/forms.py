"""Forms of the assignment pages: the issue form, one small form per workflow action, checks, policy.

Forms check types and required fields; the actions check the rules that need the
database (deadline later than the current one, progress not going down, roles) and
their ValidationErrors are put back on these forms' fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.core import attachments
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.tasks.access import issuing_parks
from qingyuan.tasks.choices import Priority, Rating
from qingyuan.tasks.models import Assignment, EscalationPolicy

DATE = {"type": "date", "class": "form-control"}
TEXT = {"rows": 3, "class": "form-control"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; each is checked by content and size like every attachment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PDF, images (JPG, PNG, WebP), Word or Excel; at most 20 MB each."))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(item, initial) for item in items if item]
        errors = []
        for upload in files:
            try:
                attachments.validate_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return files


def member_units(park_ids: Any) -> Any:
    """Units an assignment can go to: active member units, not the leading group or its office."""
    return Unit.objects.filter(park_id__in=park_ids, is_active=True).exclude(
        kind__in=[UnitKind.LEADING_GROUP, UnitKind.OFFICE]).order_by("park", "sort_order", "name")


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        field.widget.attrs.setdefault("class", css)


def not_past(value: dt.date | None) -> dt.date | None:
    if value is not None and value < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."), code="past")
    return value


class IssueForm(forms.Form):
    park = forms.ModelChoiceField(label=_("Park"), queryset=Unit.objects.none())
    assignee_unit = forms.ModelChoiceField(label=_("Assigned to"), queryset=Unit.objects.none())
    enterprise = forms.ModelChoiceField(label=_("Enterprise concerned"), queryset=Enterprise.objects.none(),
                                        required=False, empty_label=_("None"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs=DATE), validators=[not_past])
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    files = MultipleFileField(label=_("Attachments"))
    confirm = forms.BooleanField(label=_("Issue anyway"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: list[tuple[str, list[Assignment]]] = []
        parks = issuing_parks(user)
        park_ids = list(parks.values_list("pk", flat=True))
        self.fields["park"].queryset = parks
        if len(park_ids) == 1:
            self.fields["park"].initial = park_ids[0]
            self.fields["park"].widget = forms.HiddenInput()
        self.fields["assignee_unit"].queryset = member_units(park_ids)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park_id__in=park_ids).order_by("name")
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        park = data.get("park")
        for name in ("assignee_unit", "enterprise"):
            value = data.get(name)
            if park is not None and value is not None and value.park_id != park.pk:
                self.add_error(name, _("This does not belong to the chosen park."))
        if not self.errors:
            self.warnings = issue_warnings(data.get("enterprise"), data.get("assignee_unit"))
        if self.warnings and not data.get("confirm"):
            self.fields["confirm"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
            raise ValidationError(_("Check the warnings, then tick “Issue anyway” to issue it all the same."),
                                  code="confirm")
        return data

    def linked_units(self) -> dict[str, int]:
        """Enterprise → its linked unit, for the form's script (choosing an enterprise fills in the unit)."""
        rows = self.fields["enterprise"].queryset.filter(linked_unit__isnull=False).values_list("pk", "linked_unit_id")
        return {str(pk): unit for pk, unit in rows}


def issue_warnings(enterprise: Enterprise | None, unit: Unit | None) -> list[tuple[str, list[Assignment]]]:
    """What an issuer should know before issuing: the unit is not the enterprise's linked unit; open
    assignments already concern the enterprise (listed, most recent first)."""
    if enterprise is None:
        return []
    found: list[tuple[str, list[Assignment]]] = []
    if unit is not None and enterprise.linked_unit_id is not None and unit.pk != enterprise.linked_unit_id:
        found.append((_("%(unit)s is not the linked unit of %(enterprise)s; its linked unit is %(linked)s.") % {
            "unit": unit, "enterprise": enterprise.name, "linked": enterprise.linked_unit}, []))
    open_ones = list(Assignment.objects.open().filter(enterprise=enterprise).select_related("assignee_unit")
                     .order_by("-issued_on", "-id")[:5])
    if open_ones:
        found.append((_("Open assignments already concern %(enterprise)s:") % {"enterprise": enterprise.name},
                      open_ones))
    return found


# ---- one form per workflow action ---------------------------------------------------------------

REASON = _("Reason")


def _reason(required: bool, label: Any = REASON) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea(attrs=TEXT))


class ActionForm(forms.Form):
    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        _style(self)


class SignForm(ActionForm):
    reason = _reason(False, _("Note"))


class ProgressForm(ActionForm):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("What has been done"), widget=forms.Textarea(attrs=TEXT), max_length=5000)
    files = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, assignment=assignment, **kwargs)
        self.fields["percent"].initial = assignment.progress
        self.fields["percent"].widget.attrs["min"] = assignment.progress


class ExtensionRequestForm(ActionForm):
    new_deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs=DATE))
    reason = _reason(True)


class ApproveExtensionForm(ActionForm):
    reason = _reason(False, _("Comment"))


class ReasonForm(ActionForm):
    reason = _reason(True)


class ReturnForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("Unit believed responsible"), queryset=Unit.objects.none())
    reason = _reason(True)

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, assignment=assignment, **kwargs)
        self.fields["unit"].queryset = member_units([assignment.park_id]).exclude(pk=assignment.assignee_unit_id)


class ReassignForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("New unit"), queryset=Unit.objects.none())
    new_deadline = forms.DateField(label=_("New deadline (optional)"), required=False,
                                   widget=forms.DateInput(attrs=DATE), validators=[not_past])
    reason = _reason(True)

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, assignment=assignment, **kwargs)
        self.fields["unit"].queryset = member_units([assignment.park_id]).exclude(pk=assignment.assignee_unit_id)
        self.fields["unit"].initial = assignment.suggested_unit_id


class SubmitForm(ActionForm):
    text = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs=TEXT),
                           max_length=5000)
    files = MultipleFileField(label=_("Evidence"))


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "sign": SignForm,
    "report_progress": ProgressForm,
    "request_extension": ExtensionRequestForm,
    "approve_extension": ApproveExtensionForm,
    "refuse_extension": ReasonForm,
    "return": ReturnForm,
    "reassign": ReassignForm,
    "submit": SubmitForm,
    "accept": ApproveExtensionForm,
    "send_back": ReasonForm,
    "withdraw": ReasonForm,
}


# ---- escalation policy and supervision checks -----------------------------------------------------

class PolicyForm(forms.ModelForm):
    class Meta:
        model = EscalationPolicy
        fields = ["reminder_days", "supervise_after_days", "list_after_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class CheckForm(forms.Form):
    park = forms.ModelChoiceField(label=_("Park"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    planned_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE))
    units = forms.ModelMultipleChoiceField(label=_("Units checked"), queryset=Unit.objects.none(),
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    assignments = forms.ModelMultipleChoiceField(label=_("Assignments in scope"), required=False,
                                                 queryset=Assignment.objects.none(),
                                                 widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parks = issuing_parks(user)
        park_ids = list(parks.values_list("pk", flat=True))
        self.fields["park"].queryset = parks
        if len(park_ids) == 1:
            self.fields["park"].initial = park_ids[0]
            self.fields["park"].widget = forms.HiddenInput()
        self.fields["units"].queryset = member_units(park_ids)
        self.fields["assignments"].queryset = Assignment.objects.filter(park_id__in=park_ids).open().select_related(
            "assignee_unit").order_by("assignee_unit__sort_order", "deadline")
        self.fields["assignments"].label_from_instance = lambda a: (  # type: ignore[attr-defined]
            f"{a.number} {a.subject} · {a.assignee_unit}")
        self.fields["planned_on"].initial = timezone.localdate()
        _style(self)


class FindingForm(forms.Form):
    assignment = forms.ModelChoiceField(label=_("Assignment"), queryset=Assignment.objects.none(), required=False,
                                        empty_label=_("None (a finding about the unit)"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("The assignment's unit"))
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs=TEXT), max_length=5000)
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)

    def __init__(self, *args: Any, check: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = check.assignments.select_related("assignee_unit")
        self.fields["assignment"].label_from_instance = lambda a: f"{a.number} {a.subject}"  # type: ignore[attr-defined]
        self.fields["unit"].queryset = check.units.all()
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("assignment") and not data.get("unit"):
            self.add_error("unit", _("Name the unit or the assignment the finding is about."))
        return data


class CompleteCheckForm(forms.Form):
    overall_rating = forms.ChoiceField(label=_("Overall rating"), choices=Rating.choices)
    summary = forms.CharField(label=pgettext_lazy("supervision check", "Summary"), required=False, widget=forms.Textarea(attrs=TEXT),
                              max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
