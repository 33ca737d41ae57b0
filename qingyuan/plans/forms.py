"""Forms for plan pages. Field errors come out in the user's language; actions re-check the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.core import attachments
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership, Park
from qingyuan.plans.choices import (
    PlanStatus,
    Recommendation,
)
from qingyuan.plans.models import (
    EnterprisePlan,
    LoadTarget,
    Measure,
    Milestone,
    ParkPlan,
    PlanTarget,
    pollutant_name,
)
from qingyuan.plans.workflow import OFFICE
from qingyuan.standards import pollutants

User = get_user_model()
DATE = {"type": "date"}


def date_input() -> forms.DateInput:
    """An HTML date picker: its value must be ISO whatever the locale's date format."""
    return forms.DateInput(DATE, format="%Y-%m-%d")


def styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
        if field.label:
            widget.attrs.setdefault("aria-label", str(field.label))


def not_past(value: dt.date | None) -> dt.date | None:
    if value is not None and value < timezone.localdate():
        raise ValidationError(_("The date is in the past."))
    return value


def user_label(user: Any) -> str:
    person = getattr(user, "person", None)
    return person.name if person else user.get_username()


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)


# ---- park plans -------------------------------------------------------------------------------

class ParkPlanForm(StyledModelForm):
    class Meta:
        model = ParkPlan
        fields = ["park", "title", "compiled_by", "approved_by", "start_date", "deadline", "summary"]
        widgets = {"start_date": date_input(), "deadline": date_input(),
                   "summary": forms.Textarea({"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = actor_for(user)
        parks = Park.objects.all() if actor.is_superuser else Park.objects.filter(pk__in=actor.park_ids_with(OFFICE))
        self.fields["park"].queryset = parks
        if self.instance.pk:
            self.fields["park"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline <= start:
            self.add_error("deadline", _("The deadline must be after the start date."))
        return data


class ApproveParkPlanForm(StyledForm):
    approved_by = forms.CharField(label=_("Approved by"), max_length=100)
    approved_on = forms.DateField(label=_("Approved on"), widget=date_input())


class TargetForm(StyledModelForm):
    class Meta:
        model = PlanTarget
        fields = ["enterprise", "outcome", "note"]

    def __init__(self, *args: Any, park_plan: ParkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.park_plan = park_plan
        self.fields["enterprise"].queryset = Enterprise.objects.filter(park_id=park_plan.park_id).exclude(
            plan_targets__park_plan=park_plan)


class LoadTargetForm(StyledModelForm):
    pollutant_code = forms.ChoiceField(label=_("Pollutant"))

    class Meta:
        model = LoadTarget
        fields = ["pollutant_code", "baseline_t", "target_t"]

    def __init__(self, *args: Any, park_plan: ParkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.park_plan = park_plan
        self.fields["pollutant_code"].choices = [
            (p.code, f"{pollutant_name(p.code)} ({p.code})") for p in pollutants() if p.common_in_park]


class MilestoneForm(StyledModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "rule"]
        widgets = {"due_date": date_input()}


# ---- enterprise plans ---------------------------------------------------------------------------

class PlanForm(StyledModelForm):
    class Meta:
        model = EnterprisePlan
        fields = ["park_plan", "enterprise", "title", "outcome", "start_date", "deadline", "summary"]
        widgets = {"start_date": date_input(), "deadline": date_input(),
                   "summary": forms.Textarea({"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = actor_for(user)
        office_parks = None if actor.is_superuser else list(actor.park_ids_with(OFFICE))
        own = Enterprise.objects.filter(accounts__user=user) if user.is_authenticated else Enterprise.objects.none()
        office = Enterprise.objects.all() if office_parks is None else Enterprise.objects.filter(park_id__in=office_parks)
        enterprises = Enterprise.objects.filter(pk__in=own.values("pk")) | Enterprise.objects.filter(
            pk__in=office.values("pk"))
        self.fields["enterprise"].queryset = enterprises.order_by("name")
        self.fields["park_plan"].queryset = ParkPlan.objects.filter(
            park_id__in=enterprises.values("park_id")).order_by("-start_date")
        if self.instance.pk:
            for name in ("park_plan", "enterprise"):
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        park_plan, enterprise = data.get("park_plan"), data.get("enterprise")
        if park_plan and enterprise and not self.instance.pk:
            target = PlanTarget.objects.filter(park_plan=park_plan, enterprise=enterprise).first()
            if target is not None and data.get("outcome") and data["outcome"] != target.outcome:
                self.add_error("outcome", _("The park plan intends “%(outcome)s” for this enterprise.")
                               % {"outcome": target.get_outcome_display()})
        return data


class MeasureForm(StyledModelForm):
    """A measure, with one reduction field per pollutant the park plan tracks."""

    class Meta:
        model = Measure
        fields = ["kind", "title", "description", "owner_name", "owner_user", "start_date", "deadline", "investment"]
        widgets = {"start_date": date_input(), "deadline": date_input(),
                   "description": forms.Textarea({"rows": 3}),
                   "investment": forms.NumberInput({"step": "0.01", "min": "0"})}

    def __init__(self, *args: Any, plan: EnterprisePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["owner_user"].queryset = User.objects.filter(enterprise_accounts__enterprise=plan.enterprise)
        self.fields["owner_user"].label_from_instance = user_label  # type: ignore[attr-defined]
        self.codes = list(plan.park_plan.load_targets.values_list("pollutant_code", flat=True))
        for code in self.codes:
            self.fields[f"reduction_{code}"] = forms.DecimalField(
                label=_("%(name)s reduction (t/a)") % {"name": pollutant_name(code)}, required=False,
                min_value=Decimal("0"), max_digits=12, decimal_places=3,
                initial=(self.instance.reductions or {}).get(code),
                widget=forms.NumberInput({"step": "0.001", "min": "0", "class": "form-control"}))

    def reduction_fields(self) -> list[Any]:
        return [self[f"reduction_{code}"] for code in self.codes]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.Meta.fields]

    def _post_clean(self) -> None:
        self.instance.reductions = {code: str(self.cleaned_data[f"reduction_{code}"]) for code in self.codes
                                    if self.cleaned_data.get(f"reduction_{code}")}
        super()._post_clean()

    def changes(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["reductions"] = self.instance.reductions
        return data


class EvidenceForm(StyledForm):
    file = forms.FileField(label=_("Evidence (PDF, image, Word or Excel)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.kind = attachments.validate_upload(upload)
        return upload


class MeasureTransitionForm(StyledForm):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2}))
    effective_date = forms.DateField(label=_("Date"), required=False, widget=date_input())

    def clean_effective_date(self) -> dt.date | None:
        value = self.cleaned_data.get("effective_date")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("The date is in the future."))
        return value


class SubmitForm(StyledForm):
    note = forms.CharField(label=_("What changed in this version"), required=False, max_length=4000,
                           widget=forms.Textarea({"rows": 3}))


class ReturnForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 3}))


# ---- expert review ------------------------------------------------------------------------------

class AssignReviewersForm(StyledForm):
    reviewers = forms.ModelMultipleChoiceField(label=_("Reviewers"), queryset=User.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    lead = forms.ModelChoiceField(label=_("Review lead"), queryset=User.objects.none(), required=False)
    due_date = forms.DateField(label=_("Opinions due"), widget=date_input(), validators=[not_past])

    def __init__(self, *args: Any, plan: EnterprisePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        experts = User.objects.filter(memberships__park_id=plan.enterprise.park_id, memberships__role=Role.EXPERT,
                                      memberships__is_active=True, is_active=True).select_related("person").distinct()
        for name in ("reviewers", "lead"):
            self.fields[name].queryset = experts
            self.fields[name].label_from_instance = user_label  # type: ignore[attr-defined]
        self.fields["due_date"].initial = timezone.localdate() + dt.timedelta(days=10)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lead, reviewers = data.get("lead"), data.get("reviewers")
        if lead is not None and reviewers is not None and lead not in reviewers:
            self.add_error("lead", _("The review lead must be one of the reviewers."))
        return data


class OpinionForm(StyledForm):
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices,
                                       widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), max_length=8000, widget=forms.Textarea({"rows": 6}))


class ConclusionForm(StyledForm):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Recommendation.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Conclusion of the review"), max_length=8000, widget=forms.Textarea({"rows": 5}))
    revision_due = forms.DateField(label=_("Revision due"), required=False, widget=date_input(),
                                   validators=[not_past])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("conclusion") in (Recommendation.REVISE, Recommendation.REJECT) and not data.get("revision_due"):
            if "revision_due" not in self.errors:
                self.add_error("revision_due", _("Set the date by which the revised plan is due."))
        return data


# ---- acceptance ---------------------------------------------------------------------------------

class AcceptanceRequestForm(StyledForm):
    note = forms.CharField(label=_("Note to the office"), required=False, max_length=4000,
                           widget=forms.Textarea({"rows": 3}))


class ScheduleForm(StyledForm):
    inspection_date = forms.DateField(label=_("Inspection date"), widget=date_input(), validators=[not_past])
    organiser = forms.CharField(label=_("Organised by"), max_length=100,
                                help_text=_("e.g. the provincial ecology office"))
    members = forms.ModelMultipleChoiceField(label=_("Panel members from the system"), required=False,
                                             queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)
    lead = forms.ModelChoiceField(label=_("Panel lead"), required=False, queryset=User.objects.none())
    external = forms.CharField(
        label=_("External panel members"), required=False, widget=forms.Textarea({"rows": 3}),
        help_text=_("One per line: name, organisation, position. Without a lead from the system, the first line leads."))

    def __init__(self, *args: Any, plan: EnterprisePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.park_id = plan.enterprise.park_id
        people = User.objects.filter(
            memberships__park_id=plan.enterprise.park_id, memberships__is_active=True,
            memberships__role__in=[Role.EXPERT, Role.OFFICE_STAFF, Role.UNIT_OFFICER, Role.LEADER],
        ).select_related("person").distinct().order_by("username")
        for name in ("members", "lead"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = user_label  # type: ignore[attr-defined]

    def clean_external(self) -> list[dict[str, str]]:
        rows = []
        for n, line in enumerate(self.cleaned_data["external"].splitlines(), start=1):
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not any(parts):
                continue
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise ValidationError(_("Line %(n)d: write at least a name and an organisation.") % {"n": n})
            rows.append({"name": parts[0][:60], "organisation": parts[1][:100],
                         "position": (parts[2] if len(parts) > 2 else "")[:60]})
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        members, lead = list(data.get("members") or []), data.get("lead")
        if lead is not None and lead not in members:
            members.insert(0, lead)
        if not members and not data.get("external") and "external" not in self.errors:
            self.add_error("members", _("Name at least one panel member."))
        data["members"] = members
        return data

    def panel(self) -> list[dict[str, Any]]:
        lead = self.cleaned_data.get("lead")
        rows: list[dict[str, Any]] = []
        units = dict(Membership.objects.filter(user__in=self.cleaned_data["members"], park_id=self.park_id,
                                               unit__isnull=False).values_list("user_id", "unit__name"))
        for user in self.cleaned_data["members"]:
            person = getattr(user, "person", None)
            rows.append({"user": user, "name": user_label(user), "organisation": units.get(user.pk, ""),
                         "position": person.position if person else "", "is_lead": user == lead})
        external = [{**row, "user": None, "is_lead": False} for row in self.cleaned_data["external"]]
        rows += external
        if lead is None and rows:
            rows[0]["is_lead"] = True
        return rows


class FindingsForm(forms.Form):
    """One result and note per checklist item."""

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        from qingyuan.plans.choices import Finding

        for item in items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=Finding.choices, initial=item.result, widget=forms.RadioSelect)
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=500, initial=item.note,
                widget=forms.TextInput({"class": "form-control form-control-sm",
                                        "aria-label": f"{_('Note')}: {item.text}"}))

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def findings(self) -> dict[int, tuple[str, str]]:
        return {item.pk: (self.cleaned_data[f"result_{item.pk}"], self.cleaned_data[f"note_{item.pk}"])
                for item in self.items}


class VerdictForm(StyledForm):
    verdict = forms.ChoiceField(label=_("Acceptance verdict"), choices=[("pass", pgettext_lazy("verdict", "Pass")), ("fail", pgettext_lazy("verdict", "Fail"))],
                                widget=forms.RadioSelect)
    conclusion = forms.CharField(label=_("Acceptance opinion"), max_length=8000, widget=forms.Textarea({"rows": 5}))


# ---- list filter --------------------------------------------------------------------------------

class PlanFilter(StyledForm):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput({"placeholder": _("Plan title or enterprise")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *PlanStatus.choices])
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False, queryset=Enterprise.objects.none(),
                                        empty_label=_("All enterprises"))
    park_plan = forms.ModelChoiceField(label=_("Park plan"), required=False, queryset=ParkPlan.objects.none(),
                                       empty_label=_("All park plans"))

    def __init__(self, data: Any, *, plans: Any) -> None:
        super().__init__(data)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            pk__in=plans.values("enterprise_id")).order_by("name")
        self.fields["park_plan"].queryset = ParkPlan.objects.filter(pk__in=plans.values("park_plan_id"))

    def apply(self, qs: Any) -> Any:
        if not self.is_valid():
            return qs.none()
        return apply_filters(qs, **self.cleaned_data)


def apply_filters(qs: Any, *, q: str = "", status: str = "", enterprise: Any = None, park_plan: Any = None) -> Any:
    from django.db.models import Q

    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if enterprise:
        qs = qs.filter(enterprise=enterprise)
    if park_plan:
        qs = qs.filter(park_plan=park_plan)
    return qs

