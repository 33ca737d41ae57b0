"""Load control (总量控制), the environmental-capacity ledger (环境容量) and the rebound watch (防止反弹).

Nothing here stores a measured total: annual and monthly loads are always summed
from ``quality.DailyValue.mass_kg`` (see ``totals.py``). What is stored is what
people decide or what explains a change:

* ``LoadPolicy``: a park's baseline year, alert shares and rebound thresholds;
* ``BaselineLoad``: an enterprise's load of one pollutant in the baseline year (t/a);
* ``ExcludedPoint``: points that must not count toward loads (a treatment plant's inlet);
* ``LedgerEntry``: one explained change of the park's accounted load (closures, measures, projects);
* ``NewProject`` + ``ProjectLoad``: proposed projects and the capacity they ask for;
* ``LoadAlert``: an enterprise crossing an alert share of its quota (one row per level and year);
* ``ReboundFlag``: an accepted enterprise drifting back toward its limit.

docs/loads-and-sections.md gives the formulas.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.core.pollutants import pollutant_name
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount, MonitoringPoint
from qingyuan.loads.choices import (
    AlertLevel,
    BaselineSource,
    EntryKind,
    FlagStatus,
    MissingHours,
    ProjectStatus,
)
from qingyuan.org.models import Park
from qingyuan.org.scoping import ParkScopedQuerySet  # park-wide roles of the row's park

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
TONNES = {"max_digits": 14, "decimal_places": 4}


class EnterpriseScopedQuerySet(ParkScopedQuerySet):
    park_field = "enterprise__park"

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Park-wide roles see their parks' rows; an enterprise user sees only their enterprise's."""
        own = EnterpriseAccount.objects.filter(user_id=actor.user_id).values("enterprise_id")
        return (
            self.park_rule(actor)                                        # the park's regulators and readers
            | models.Q(enterprise_id__in=own)                            # the enterprise itself
        )


class LoadPolicy(models.Model):
    """A park's settings for load control; a park without a row uses the defaults ([U] in NOTES §10)."""

    park = models.OneToOneField(Park, on_delete=models.CASCADE, related_name="load_policy", verbose_name=_("park"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), default=2024,
                                                     validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    warn_percent = models.PositiveSmallIntegerField(_("warn at (percent of the quota)"), default=80,
                                                    validators=[MinValueValidator(1), MaxValueValidator(100)])
    alert_percent = models.PositiveSmallIntegerField(_("alert at (percent of the quota)"), default=100,
                                                     validators=[MinValueValidator(1), MaxValueValidator(200)])
    rebound_window_months = models.PositiveSmallIntegerField(
        _("rebound: months examined"), default=12, validators=[MinValueValidator(4), MaxValueValidator(36)])
    rebound_min_months = models.PositiveSmallIntegerField(
        _("rebound: fewest months with data"), default=6, validators=[MinValueValidator(4), MaxValueValidator(36)])
    rebound_slope_percent = models.DecimalField(
        _("rebound: rise per month (percent of the limit)"), max_digits=5, decimal_places=2, default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0.01"))])
    rebound_level_percent = models.PositiveSmallIntegerField(
        _("rebound: fitted level reached (percent of the limit)"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    rebound_alarm_months = models.PositiveSmallIntegerField(
        _("rebound: alarms compared over (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)])
    rebound_alarm_min = models.PositiveSmallIntegerField(
        _("rebound: fewest exceedance alarms in that span"), default=3, validators=[MinValueValidator(1)])
    rebound_deadline_days = models.PositiveSmallIntegerField(
        _("rebound: assignment deadline (days)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(90)])
    missing_hours = models.CharField(
        _("invalid or missing CEMS hours"), max_length=8, choices=MissingHours.choices, default=MissingHours.HJ75,
        help_text=_("How the emission mass counts the hours a flue-gas point did not validly measure."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("load-control policy")
        verbose_name_plural = _("load-control policies")

    def __str__(self) -> str:
        return str(self.park)

    @classmethod
    def for_park(cls, park_id: int) -> LoadPolicy:
        return cls.objects.filter(park_id=park_id).first() or cls(park_id=park_id)


class BaselineLoad(models.Model):
    """An enterprise's annual load of one pollutant in the baseline year: what closures free."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="baseline_loads",
                                   verbose_name=_("enterprise"))
    pollutant_code = models.CharField(_("pollutant code"), max_length=10)
    year = models.PositiveSmallIntegerField(_("baseline year"))
    load_t = models.DecimalField(_("load (t/a)"), validators=NON_NEGATIVE, **TONNES)
    source = models.CharField(_("source"), max_length=10, choices=BaselineSource.choices,
                              default=BaselineSource.MANUAL)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("baseline load")
        verbose_name_plural = _("baseline loads")
        ordering = ["enterprise", "year", "pollutant_code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "pollutant_code", "year"], name="loads_baseline_key"),
            models.CheckConstraint(condition=models.Q(load_t__gte=0), name="loads_baseline_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{pollutant_name(self.pollutant_code)} {self.year}: {self.load_t} t/a"


class ExcludedPoint(models.Model):
    """A point whose masses are not an emission (a treatment plant's inlet): left out of every load."""

    point = models.OneToOneField(MonitoringPoint, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("monitoring point"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("point left out of loads")
        verbose_name_plural = _("points left out of loads")

    def __str__(self) -> str:
        return f"{self.point_id}: {self.reason}"


class NewProject(models.Model):
    """A proposed project asking for environmental capacity (腾出的环境容量)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    name = models.CharField(_("project name"), max_length=150)
    applicant = models.CharField(_("applicant"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices,
                              default=ProjectStatus.PROPOSED)
    proposed_on = models.DateField(_("proposed on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ParkScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("new project")
        verbose_name_plural = _("new projects")
        ordering = ["-proposed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="loads_project_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("loads:project", args=[self.pk])


class ProjectLoad(models.Model):
    project = models.ForeignKey(NewProject, on_delete=models.CASCADE, related_name="loads")
    pollutant_code = models.CharField(_("pollutant code"), max_length=10)
    load_t = models.DecimalField(_("load (t/a)"), validators=NON_NEGATIVE, **TONNES)

    class Meta:
        verbose_name = _("project load")
        verbose_name_plural = _("project loads")
        ordering = ["project", "pollutant_code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "pollutant_code"], name="loads_project_load_key"),
            models.CheckConstraint(condition=models.Q(load_t__gte=0), name="loads_project_load_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{pollutant_name(self.pollutant_code)} {self.load_t} t/a"


class LedgerEntry(models.Model):
    """One explained change of the park's accounted load: negative frees capacity, positive uses it.

    Written only by ``loads.ledger`` (closures and done measures, idempotently) and by the
    project approval action; never updated or deleted.
    """

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("enterprise"))
    project = models.ForeignKey(NewProject, on_delete=models.PROTECT, null=True, blank=True, related_name="entries",
                                verbose_name=_("project"))
    measure = models.ForeignKey("plans.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("measure"))
    pollutant_code = models.CharField(_("pollutant code"), max_length=10)
    delta_t = models.DecimalField(_("change (t/a)"), **TONNES)
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)

    objects = ParkScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("load ledger entry")
        verbose_name_plural = _("load ledger entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "pollutant_code"], condition=models.Q(kind="closure"),
                                    name="loads_entry_one_closure"),
            models.UniqueConstraint(fields=["measure", "pollutant_code"], condition=models.Q(kind="reduction"),
                                    name="loads_entry_one_reduction"),
            models.UniqueConstraint(fields=["project", "pollutant_code"], condition=models.Q(kind="new_project"),
                                    name="loads_entry_one_project"),
        ]
        indexes = [models.Index(fields=["park", "pollutant_code", "date"], name="loads_entry_park")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {pollutant_name(self.pollutant_code)} {self.delta_t:+}"

    def source_url(self) -> str:
        if self.project_id:
            return reverse("loads:project", args=[self.project_id])
        if self.measure_id:
            return reverse("plans:detail", args=[self.measure.plan_id])  # type: ignore[union-attr]
        if self.enterprise_id:
            return reverse("enterprises:detail", args=[self.enterprise_id])
        return ""


class LoadAlert(models.Model):
    """An enterprise's projected annual load crossed an alert share of its quota (once per level and year)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    pollutant_code = models.CharField(_("pollutant code"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=8, choices=AlertLevel.choices)
    ytd_t = models.FloatField(_("year to date (t)"))
    projected_t = models.FloatField(_("projected (t)"))
    quota_t = models.FloatField(_("quota (t/a)"))
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("load alert")
        verbose_name_plural = _("load alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "pollutant_code", "year", "level"],
                                               name="loads_alert_key")]

    def __str__(self) -> str:
        return f"{pollutant_name(self.pollutant_code)} {self.year} {self.get_level_display()}"


class ReboundFlag(models.Model):
    """An accepted enterprise whose monthly means drift back toward the limit (see ``rebound.py``)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="rebound_flags",
                                   verbose_name=_("enterprise"))
    point = models.ForeignKey(MonitoringPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("monitoring point"))
    pollutant_code = models.CharField(_("pollutant code"), max_length=10)
    status = models.CharField(_("status"), max_length=8, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    detected_at = models.DateTimeField(_("detected"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    limit = models.FloatField(_("limit"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    slope_share = models.FloatField(_("rise per month (share of the limit)"), null=True, blank=True)
    level_share = models.FloatField(_("fitted level (share of the limit)"), null=True, blank=True)
    z_score = models.FloatField(_("Mann–Kendall Z"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    series = models.JSONField(_("monthly means and alarm counts"), default=list, blank=True)
    assignment = models.ForeignKey("tasks.Assignment", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("assignment"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by_name = models.CharField(_("closed by"), max_length=150, blank=True)
    close_note = models.TextField(_("closing note"), blank=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rebound flag")
        verbose_name_plural = _("rebound flags")
        ordering = ["-detected_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "pollutant_code"],
                                               condition=models.Q(status="open"), name="loads_rebound_one_open")]
        indexes = [models.Index(fields=["park", "status", "-detected_at"], name="loads_rebound_park")]

    def __str__(self) -> str:
        return f"{self.enterprise} {pollutant_name(self.pollutant_code)}"

    def get_absolute_url(self) -> str:
        return reverse("loads:rebound_detail", args=[self.pk])


class SubstitutedMass(models.Model):
    """The part of one substituted run (``loads.substitution``, HJ 75-2017) that falls in one local month.

    Derived data, like quality's hourly values: recomputed by ``loads.substituted`` when a point's hours are
    (re)computed, never edited, not audited. The load totals add ``net_kg`` (the substituted mass less what
    the invalid hours of the run already put into the measured daily mass) when the park's policy says hj75.
    """

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("monitoring point"))
    parameter = models.CharField(_("pollutant code"), max_length=10)
    run_start = models.DateTimeField(_("run starts"))
    month = models.DateField(_("month"))  # its first local day
    first = models.DateTimeField(_("first hour in the month"))
    hours = models.PositiveIntegerField(_("hours"))
    kg_per_hour = models.FloatField(_("kg per hour"))
    replaced_kg = models.FloatField(_("measured kg of its invalid hours"), default=0.0)
    rule = models.CharField(_("rule"), max_length=8)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("substituted emission mass")
        verbose_name_plural = _("substituted emission masses")
        constraints = [models.UniqueConstraint(fields=["point", "parameter", "run_start", "month"],
                                               name="loads_substituted_unique")]
        indexes = [models.Index(fields=["month", "parameter"], name="loads_substituted_month"),
                   models.Index(fields=["point", "run_start"], name="loads_substituted_point")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.parameter} {self.first:%Y-%m-%d %H:%M} ×{self.hours}"

    @property
    def kg(self) -> float:
        return self.kg_per_hour * self.hours
