"""Target-responsibility assessment (目标责任考核): schemes, indicators, scores, vetoes, appeals, snapshots.

Statuses move only through ``qingyuan.assessment.workflow``; every change is a ``do_*`` action in
``qingyuan.assessment.actions``. See docs/assessment.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.assessment.choices import AppealStatus, Grade, Method, SchemeStatus, UnitCategory, VetoCondition
from qingyuan.org.choices import Role
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet, officer_units

READER_ROLES = frozenset({Role.LEADER, Role.OFFICE_STAFF, Role.ADMIN, Role.SUPERVISOR})
POINTS = {"max_digits": 7, "decimal_places": 2}


class SchemeQuerySet(ParkScopedQuerySet):
    reader_roles = READER_ROLES
    distinct_rows = True

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/assessment.md."""
        return (
            self.park_rule(actor)                                                # office, leaders, supervisors
            | models.Q(assessed__unit_id__in=officer_units(actor))               # an assessed unit's officers
        )


class Scheme(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="assessment_schemes",
                             verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=SchemeStatus.choices,
                              default=SchemeStatus.DRAFTED)
    excellent_from = models.DecimalField(_("excellent from (points)"), default=Decimal(90), **POINTS)
    good_from = models.DecimalField(_("good from (points)"), default=Decimal(80), **POINTS)
    pass_from = models.DecimalField(_("pass from (points)"), default=Decimal(60), **POINTS)
    objection_days = models.PositiveSmallIntegerField(_("objection window (days)"), default=7,
                                                      validators=[MinValueValidator(1), MaxValueValidator(60)])
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "park"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="assessment_one_scheme_per_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:scheme", args=[self.pk])


class AssessedUnit(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="assessed")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    category = models.CharField(_("category"), max_length=12, choices=UnitCategory.choices)

    class Meta:
        verbose_name = _("assessed unit")
        verbose_name_plural = _("assessed units")
        ordering = ["category", "unit__sort_order", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_unit_once")]

    def __str__(self) -> str:
        return str(self.unit)


class IndicatorGroup(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    group = models.ForeignKey(IndicatorGroup, on_delete=models.CASCADE, related_name="indicators",
                              verbose_name=_("group"))
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight (points)"), **POINTS)  # a cap for deductions and bonuses
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, blank=True)
    key = models.CharField(_("computed from"), max_length=40, blank=True)  # qingyuan.assessment.indicators.KEYS
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["group__order", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """One unit's score on one indicator for the year (quarter 0) or a quarter (1-4, interim)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores",
                                  verbose_name=_("indicator"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, validators=[MaxValueValidator(4)])
    value = models.DecimalField(_("value"), null=True, blank=True, max_digits=9, decimal_places=2)
    points = models.DecimalField(_("points"), default=Decimal(0), **POINTS)
    # {"model": "tasks.assignment", "counted": [ids], "met": [ids]}: the exact records behind a computed value.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    self_value = models.DecimalField(_("self-assessed value"), null=True, blank=True, max_digits=9,
                                     decimal_places=2)
    self_note = models.TextField(_("self-assessment note"), blank=True)
    note = models.TextField(_("office note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["unit", "indicator__group__order", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "quarter"], name="assessment_one_score"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator}: {self.points}"


class Result(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0)
    total = models.DecimalField(_("total"), **POINTS)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    veto_reason = models.TextField(_("veto reason"), blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["quarter", "rank"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit", "quarter"], name="assessment_one_result")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.total} {self.get_grade_display()}"


class Adjustment(models.Model):
    """A deduction or a bonus, with its reason, under an indicator of that method."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="adjustments",
                                  verbose_name=_("indicator"))
    points = models.DecimalField(_("points"), validators=[MinValueValidator(Decimal("0.01"))], **POINTS)
    reason = models.TextField(_("reason"))
    occurred_on = models.DateField(_("date"))
    created_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("deduction or bonus")
        verbose_name_plural = _("deductions and bonuses")
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator}: {self.points}"


class Veto(models.Model):
    """一票否决: the unit's grade is 不合格 whatever its score. Evidence is required (attachments or records)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="vetoes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    condition = models.CharField(_("condition"), max_length=20, choices=VetoCondition.choices)
    reason = models.TextField(_("reason"))
    occurred_on = models.DateField(_("date"))
    # Records that prove it, e.g. [{"model": "complaints.complaint", "id": 3}]; files are attachments.
    records = models.JSONField(_("records"), default=list, blank=True)
    created_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_condition_display()}"

    @property
    def summary(self) -> str:
        return f"{self.get_condition_display()}：{self.reason}"


class Appeal(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="appeals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    score = models.ForeignKey(Score, on_delete=models.SET_NULL, null=True, blank=True, related_name="appeals",
                              verbose_name=_("score appealed"))
    text = models.TextField(_("grounds"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    new_points = models.DecimalField(_("new points"), null=True, blank=True, **POINTS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_by_name = models.CharField(_("appealed by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("appealed"), auto_now_add=True)
    answered_by_name = models.CharField(_("answered by"), max_length=150, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.text[:40]}"


class Snapshot(models.Model):
    """The frozen scores, results and evidence ids of a finalised scheme; later data changes do not touch it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(_("taken"))
    taken_by_name = models.CharField(_("taken by"), max_length=150, blank=True)
    data = models.JSONField(_("data"))

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.taken_at:%Y-%m-%d}"
