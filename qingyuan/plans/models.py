"""Park implementation plans (实施方案), enterprise plans (一厂一策), expert review and acceptance (验收).

Statuses are moved only by the workflows in ``workflow.py`` through the actions in
``actions.py``; progress of a park plan is computed in ``progress.py``, never stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.core.pollutants import pollutant_name as core_pollutant_name
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount
from qingyuan.org.choices import Role
from qingyuan.org.models import Park
from qingyuan.org.scoping import ParkScopedQuerySet, officer_units
from qingyuan.plans.choices import (
    AcceptanceStatus,
    Finding,
    MeasureKind,
    MeasureStatus,
    MilestoneRule,
    Outcome,
    ParkPlanStatus,
    PlanStatus,
    Recommendation,
)
from qingyuan.standards import pollutant

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
# Roles that read every enterprise plan of their park (supervisors only read).
READ_ALL_ROLES = frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN, Role.SUPERVISOR})
USER = settings.AUTH_USER_MODEL


def pollutant_name(code: str) -> str:
    """The pollutant's name in the user's language (Chinese by default), else its code (core.pollutants)."""
    return core_pollutant_name(code)


class ParkPlanQuerySet(ParkScopedQuerySet):
    """The park's implementation plan is read by everyone with a park-wide role."""


class ParkPlan(models.Model):
    """The park's implementation plan (整治实施方案): targets, load reductions, milestones."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="park_plans", verbose_name=_("park"))
    title = models.CharField(_("title"), max_length=150)
    compiled_by = models.CharField(_("compiled by"), max_length=100, help_text=_("e.g. the provincial academy of environmental sciences"))
    approved_by = models.CharField(_("approved by"), max_length=100, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ParkPlanStatus.choices, default=ParkPlanStatus.DRAFT)
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ParkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("park implementation plan")
        verbose_name_plural = _("park implementation plans")
        ordering = ["-start_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(deadline__gt=models.F("start_date")),
                                              name="parkplan_deadline_after_start")]

    def __str__(self) -> str:
        return self.title


class PlanTarget(models.Model):
    """An enterprise the park plan intends to close, rectify or relocate."""

    park_plan = models.ForeignKey(ParkPlan, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="plan_targets",
                                   verbose_name=_("enterprise"))
    outcome = models.CharField(_("intended outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")
        ordering = ["park_plan", "outcome", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["park_plan", "enterprise"], name="plans_target_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_outcome_display()}"


class LoadTarget(models.Model):
    """A load reduction the park plan commits to: baseline and target annual load of one pollutant."""

    park_plan = models.ForeignKey(ParkPlan, on_delete=models.CASCADE, related_name="load_targets")
    pollutant_code = models.CharField(_("pollutant code"), max_length=10)
    baseline_t = models.DecimalField(_("baseline (t/a)"), max_digits=12, decimal_places=3, validators=NON_NEGATIVE)
    target_t = models.DecimalField(_("target (t/a)"), max_digits=12, decimal_places=3, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("load-reduction target")
        verbose_name_plural = _("load-reduction targets")
        ordering = ["park_plan", "pollutant_code"]
        constraints = [
            models.UniqueConstraint(fields=["park_plan", "pollutant_code"], name="plans_load_unique"),
            models.CheckConstraint(condition=models.Q(target_t__lte=models.F("baseline_t")),
                                   name="plans_load_target_below_baseline"),
        ]

    def __str__(self) -> str:
        return f"{self.pollutant_code} {self.baseline_t} → {self.target_t} t/a"

    @property
    def required_t(self) -> Decimal:
        return self.baseline_t - self.target_t

    @property
    def pollutant_name(self) -> str:
        return pollutant_name(self.pollutant_code)

    def clean(self) -> None:
        if self.pollutant_code and pollutant(self.pollutant_code) is None:
            raise ValidationError({"pollutant_code": _("Unknown HJ 212 pollutant code.")})
        if self.baseline_t is not None and self.target_t is not None and self.target_t > self.baseline_t:
            raise ValidationError({"target_t": _("The target must not exceed the baseline.")})


class Milestone(models.Model):
    park_plan = models.ForeignKey(ParkPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=150)
    due_date = models.DateField(_("due date"))
    rule = models.CharField(_("completed when"), max_length=30, choices=MilestoneRule.choices)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["park_plan", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class EnterprisePlanQuerySet(ParkScopedQuerySet):
    park_field = "park_plan__park"
    reader_roles = READ_ALL_ROLES

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; subqueries, so no row is repeated and no DISTINCT is needed."""
        uid = actor.user_id
        return (
            self.park_rule(actor)
            | models.Q(enterprise_id__in=EnterpriseAccount.objects.filter(user_id=uid).values("enterprise_id"))
            | models.Q(enterprise__linked_unit_id__in=officer_units(actor))
            | models.Q(enterprise__linked_officer_id=uid)
            | models.Q(pk__in=ReviewAssignment.objects.filter(reviewer_id=uid).values("version__plan_id"))
        )

    def with_totals(self):  # type: ignore[no-untyped-def]
        """Measure counts and investment per plan, in the same query (lists and the API)."""
        live = ~models.Q(measures__status=MeasureStatus.CANCELLED)
        return self.select_related("enterprise", "park_plan").annotate(
            n_measures=models.Count("measures", filter=live),
            n_done=models.Count("measures", filter=models.Q(measures__status=MeasureStatus.DONE)),
            investment=models.Sum("measures__investment", filter=live),
        )


class EnterprisePlan(models.Model):
    """One enterprise's rectification plan (一厂一策方案) under a park plan."""

    park_plan = models.ForeignKey(ParkPlan, on_delete=models.PROTECT, related_name="enterprise_plans",
                                  verbose_name=_("park plan"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="plans",
                                   verbose_name=_("enterprise"))
    title = models.CharField(_("title"), max_length=150)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.RECTIFY)
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(_("current version"), default=0)
    revision_due = models.DateField(_("revision due"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterprisePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise plan")
        verbose_name_plural = _("enterprise plans")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["park_plan", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["park_plan", "enterprise"], name="plans_one_per_enterprise"),
            models.CheckConstraint(condition=models.Q(deadline__gt=models.F("start_date")),
                                   name="plans_deadline_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.deadline and self.deadline <= self.start_date:
            errors["deadline"] = _("The deadline must be after the start date.")
        park_plan = self.park_plan if self.park_plan_id else None
        if park_plan is not None and self.deadline and self.deadline > park_plan.deadline:
            errors["deadline"] = _("The deadline is after the park plan's deadline (%(date)s).") % {
                "date": park_plan.deadline.isoformat()}
        if park_plan is not None and self.enterprise_id and self.enterprise.park_id != park_plan.park_id:
            errors["enterprise"] = _("The enterprise is not in the park plan's park.")
        if errors:
            raise ValidationError(errors)


class Measure(models.Model):
    """A rectification measure (整治措施) of an enterprise plan."""

    plan = models.ForeignKey(EnterprisePlan, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=20, choices=MeasureKind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    owner_name = models.CharField(_("responsible person"), max_length=60, blank=True)
    owner_user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("responsible user"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    investment = models.DecimalField(_("investment (10,000 yuan)"), max_digits=12, decimal_places=2,
                                     default=Decimal("0"), validators=NON_NEGATIVE)
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices,
                              default=MeasureStatus.NOT_STARTED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    reductions = models.JSONField(_("load reductions (t/a)"), default=dict, blank=True, encoder=DjangoJSONEncoder,
                                  help_text=_("Pollutant code → annual reduction in tonnes, as text."))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "order", "deadline", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(investment__gte=0), name="plans_investment_gte_0")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        plan = self.plan if self.plan_id else None
        if plan is not None and self.deadline and self.deadline < plan.start_date:
            errors["deadline"] = _("The deadline is before the plan starts (%(date)s).") % {
                "date": plan.start_date.isoformat()}
        elif plan is not None and self.deadline and self.deadline > plan.deadline:
            errors["deadline"] = _("The deadline is after the plan's deadline (%(date)s).") % {
                "date": plan.deadline.isoformat()}
        if plan is not None and self.start_date and self.start_date < plan.start_date:
            errors["start_date"] = _("The start is before the plan starts (%(date)s).") % {
                "date": plan.start_date.isoformat()}
        if self.start_date and self.deadline and self.start_date > self.deadline and "deadline" not in errors:
            errors["deadline"] = _("The deadline is before the measure's start.")
        if errors:
            raise ValidationError(errors)

    @property
    def responsible(self) -> str:
        if self.owner_user_id and not self.owner_name:
            person = getattr(self.owner_user, "person", None)
            return person.name if person else self.owner_user.get_username()  # type: ignore[union-attr]
        return self.owner_name


class PlanVersion(models.Model):
    """A submitted version of a plan: a frozen snapshot, what changed since the last one, and its review."""

    plan = models.ForeignKey(EnterprisePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    note = models.TextField(_("what the author changed"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    snapshot = models.JSONField(_("snapshot"), default=dict, encoder=DjangoJSONEncoder)
    conclusion = models.CharField(_("review conclusion"), max_length=30, choices=Recommendation.choices, blank=True)
    conclusion_text = models.TextField(_("conclusion"), blank=True)
    concluded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    concluded_by_name = models.CharField(_("concluded by"), max_length=150, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class ReviewAssignment(models.Model):
    """An expert assigned to review a plan version, and their individual opinion."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="plan_reviews",
                                 verbose_name=_("reviewer"))
    is_lead = models.BooleanField(_("review lead"), default=False)
    due_date = models.DateField(_("opinion due"))
    assigned_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["version", "-is_lead", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "reviewer"], name="plans_review_unique")]

    def __str__(self) -> str:
        return f"{self.version} · {self.reviewer}"


class Acceptance(models.Model):
    """An acceptance (验收) of a plan: request, inspection date and panel, per-item findings, verdict."""

    plan = models.ForeignKey(EnterprisePlan, on_delete=models.CASCADE, related_name="acceptances")
    number = models.PositiveIntegerField(_("number"))
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version"))
    status = models.CharField(_("status"), max_length=20, choices=AcceptanceStatus.choices,
                              default=AcceptanceStatus.REQUESTED)
    requested_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requested_by_name = models.CharField(_("requested by"), max_length=150, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    request_note = models.TextField(_("request note"), blank=True)
    inspection_date = models.DateField(_("inspection date"), null=True, blank=True)
    organiser = models.CharField(_("organised by"), max_length=100, blank=True)
    verdict_text = models.TextField(_("conclusion"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_acceptance_unique")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.number}"


class AcceptanceItem(models.Model):
    """One checklist line: a measure of the plan, or a general item."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"))
    measure = models.ForeignKey(Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.CharField(_("item"), max_length=300)
    result = models.CharField(_("finding"), max_length=10, choices=Finding.choices, default=Finding.PENDING)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["acceptance", "order"]

    def __str__(self) -> str:
        return self.text


class PanelMember(models.Model):
    """A member of the acceptance panel: a user of the system or an external name and organisation."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=60, blank=True)
    is_lead = models.BooleanField(_("panel lead"), default=False)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["acceptance", "-is_lead", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
