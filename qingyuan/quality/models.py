"""Aggregates of monitoring data, transmission KPIs, stop-production declarations, and the work queues.

The value tables (``HourlyValue``, ``DailyValue``, ``MonthlyValue``) are what
other parts of Qingyuan read instead of raw readings: load control, the
capacity ledger, the rebound watch and the pages. Their semantics are written
down in docs/monitoring-intelligence.md; in short, one row per
(point, parameter, period start), upserted on that key, so recomputing a
period any number of times leaves the same rows.

Units: concentrations (``mean`` ... ``max``) are in the HJ 212-2017 default unit
of the parameter (``unit``; mg/L for water, mg/m³ for gas, L/s for water flow,
m³/s for gas flow); ``volume_m3`` in m³; ``mass_kg`` and ``cou_reported`` (for
pollutants) in kg, ``cou_reported`` of a flow parameter in m³.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import EnterpriseAccount, MonitoringPoint
from qingyuan.org.scoping import ParkScopedQuerySet
from qingyuan.quality.choices import CalibrationKind, CalibrationSource, DeclarationStatus, Period, Source


class ValueRow(models.Model):
    """One parameter of one point over one period. See the module doc and docs/monitoring-intelligence.md."""

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("monitoring point"))
    parameter = models.CharField(_("parameter"), max_length=16)  # HJ 212-2017 code
    unit = models.CharField(_("unit"), max_length=16, blank=True)  # default unit of the code
    start = models.DateTimeField(_("period start"))  # aware; stored UTC; local midnight for days/months
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    valid = models.BooleanField(_("valid"))
    n_expected = models.PositiveIntegerField(_("expected records"))  # minutes / hours / days
    n_received = models.PositiveIntegerField(_("received records"))
    n_valid = models.PositiveIntegerField(_("valid records"))
    mean = models.FloatField(_("mean"), null=True, blank=True)  # the value for compliance and loads
    mean_arith = models.FloatField(_("arithmetic mean"), null=True, blank=True)  # for display
    mean_fw = models.FloatField(_("flow-weighted mean"), null=True, blank=True)
    zs_mean = models.FloatField(_("corrected mean"), null=True, blank=True)  # gas: reference O2
    min = models.FloatField(_("minimum"), null=True, blank=True)
    max = models.FloatField(_("maximum"), null=True, blank=True)
    volume_m3 = models.FloatField(_("volume (m³)"), null=True, blank=True)
    mass_kg = models.FloatField(_("mass (kg)"), null=True, blank=True)
    cou_reported = models.FloatField(_("device total"), null=True, blank=True)
    device_mean = models.FloatField(_("device's mean"), null=True, blank=True)
    mismatch = models.BooleanField(_("device and computed values differ"), default=False)
    flags = models.CharField(_("flags seen"), max_length=12, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.point_id} {self.parameter} {self.start:%Y-%m-%d %H:%M}"


class HourlyValue(ValueRow):
    class Meta:
        verbose_name = _("hourly value")
        verbose_name_plural = _("hourly values")
        constraints = [models.UniqueConstraint(fields=["point", "parameter", "start"], name="quality_hour_key")]
        indexes = [models.Index(fields=["point", "start"], name="quality_hour_point_start")]


class DailyValue(ValueRow):
    day = models.DateField(_("day"))  # the local (Asia/Shanghai) date of ``start``

    class Meta:
        verbose_name = _("daily value")
        verbose_name_plural = _("daily values")
        constraints = [models.UniqueConstraint(fields=["point", "parameter", "start"], name="quality_day_key")]
        indexes = [models.Index(fields=["point", "day"], name="quality_day_point_day")]


class MonthlyValue(ValueRow):
    month = models.DateField(_("month"))  # first day of the local month
    # The days of the month whose daily value has a mass (what load projections count, loads.totals):
    # how many, which (bit d−1 set for day d) and the first. NULL: not known (a row written before these
    # columns, or by a writer that leaves them out); readers then sum the daily values themselves.
    mass_days = models.PositiveSmallIntegerField(_("days with a mass"), null=True, blank=True)
    mass_day_mask = models.IntegerField(_("days with a mass (bit mask)"), null=True, blank=True)
    first_mass_day = models.DateField(_("first day with a mass"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly value")
        verbose_name_plural = _("monthly values")
        constraints = [models.UniqueConstraint(fields=["point", "parameter", "start"], name="quality_month_key")]
        indexes = [
            models.Index(fields=["point", "month"], name="quality_month_point_month"),
            # What loads adds up (loads.masses, loads.park), read from the index alone: per point, and per month.
            models.Index(fields=["point", "parameter", "month", "mass_kg", "mass_days", "mass_day_mask",
                                 "first_mass_day"], name="quality_month_loads"),
            models.Index(fields=["parameter", "month", "point", "mass_kg", "mass_days", "mass_day_mask"],
                         name="quality_month_park"),
        ]


class KpiDaily(models.Model):
    """Hourly records of one parameter of one point on one local day: expected, received, valid.

    Rates (``qingyuan.quality.kpi``): transmission = received / expected; validity =
    valid / received; valid transmission (有效传输率) = transmission × validity =
    valid / expected. ``excluded`` hours were covered by an approved
    stop-production declaration and are not in ``expected`` (nor counted as
    received or valid).
    """

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("monitoring point"))
    day = models.DateField(_("day"))
    parameter = models.CharField(_("parameter"), max_length=16)
    expected = models.PositiveIntegerField(_("expected hours"))
    excluded = models.PositiveIntegerField(_("hours excluded (stop-production)"), default=0)
    received = models.PositiveIntegerField(_("hours received"))
    valid = models.PositiveIntegerField(_("valid hours"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("daily transmission KPI")
        verbose_name_plural = _("daily transmission KPIs")
        constraints = [models.UniqueConstraint(fields=["point", "day", "parameter"], name="quality_kpi_key")]
        indexes = [models.Index(fields=["day"], name="quality_kpi_day")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day} {self.parameter}: {self.valid}/{self.expected}"


class StopDeclarationQuerySet(ParkScopedQuerySet):
    park_field = "enterprise__park"

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Park-wide roles see their parks' declarations; an enterprise user sees their enterprise's."""
        own = EnterpriseAccount.objects.filter(user_id=actor.user_id).values("enterprise_id")
        return (
            self.park_rule(actor)                                        # regulators of the park
            | models.Q(enterprise_id__in=own)                             # the enterprise itself
        )


class StopDeclaration(models.Model):
    """An enterprise's statement that its source was stopped (停产/停排) over a period, with evidence.

    Approved declarations take the period out of the expected counts of the KPIs
    and silence the missing-data and offline alarms of the points it covers.
    """

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="stop_declarations", verbose_name=_("enterprise"))
    points = models.ManyToManyField(MonitoringPoint, related_name="+", blank=True,
                                    verbose_name=_("monitoring points"),
                                    help_text=_("Leave empty for every point of the enterprise."))
    start = models.DateTimeField(_("stopped from"))
    end = models.DateTimeField(_("stopped until"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=12, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_by_name = models.CharField(_("submitted by (name)"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_by_name = models.CharField(_("reviewed by (name)"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    objects = StopDeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("stop-production declaration")
        verbose_name_plural = _("stop-production declarations")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="quality_declaration_range")]
        indexes = [models.Index(fields=["enterprise", "status", "start"], name="quality_decl_ent")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("quality:declaration", args=[self.pk])


class Touched(models.Model):
    """What one committed ingest batch changed: ``items`` = [[point id, kind, first DataTime, last DataTime]].

    Written by ``qingyuan.ingest.process`` in the batch's own transaction
    (``quality.queue.readings_committed``; one row per batch, so ingest pays one
    insert), so nothing committed is ever missed. The alarm engine evaluates the
    batch right after the commit (or, with ``evaluate_on_commit`` off, the
    ``alarm_engine`` process does within its polling interval) and sets
    ``evaluated_at``; the worker evaluates rows left unevaluated (a crash between
    commit and evaluation), then turns evaluated rows into ``PendingPeriod``s.
    """

    items = models.JSONField(default=list)
    created_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)  # an evaluator's lease (not the on-commit path)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("changed readings")
        verbose_name_plural = _("changed readings")
        indexes = [models.Index(fields=["evaluated_at", "id"], name="quality_touched_eval")]

    def __str__(self) -> str:
        return f"{len(self.items)} series at {self.created_at}"

    def spans(self) -> list[tuple[int, str, dt.datetime, dt.datetime]]:
        return [(int(p), str(k), dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b))
                for p, k, a, b in self.items]


class PendingPeriod(models.Model):
    """A period of a point to (re)compute once ``due_at`` has passed. Unique per (point, period, start)."""

    point = models.ForeignKey(MonitoringPoint, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    period = models.CharField(max_length=6, choices=Period.choices)
    start = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        verbose_name = _("period to compute")
        verbose_name_plural = _("periods to compute")
        constraints = [models.UniqueConstraint(fields=["point", "period", "start"], name="quality_pending_key")]
        indexes = [models.Index(fields=["due_at"], name="quality_pending_due")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.period} {self.start}"


class CalibrationQuerySet(models.QuerySet):
    def visible_to(self, user):  # type: ignore[no-untyped-def]
        """Whoever sees the point sees its calibrations and comparisons."""
        return self.filter(point__in=MonitoringPoint.objects.visible_to(user).values("pk"))


class Calibration(models.Model):
    """A calibration (零点/量程校准) or comparison test (比对) of a point's analyser, passed or failed.

    From a failed check until the next passing one of the same point (and parameter, or
    all of them), the point's data are out of control and invalid (``quality.calibration``;
    docs/monitoring.md, "Validity"). Recorded through ``actions.do_record_calibration``.
    """

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("monitoring point"))
    parameter = models.CharField(_("parameter"), max_length=16, blank=True,
                                 help_text=_("Leave empty when the check covers every parameter of the point."))
    kind = models.CharField(_("kind"), max_length=12, choices=CalibrationKind.choices)
    at = models.DateTimeField(_("time"))
    passed = models.BooleanField(_("passed"))
    source = models.CharField(_("source"), max_length=8, choices=CalibrationSource.choices,
                              default=CalibrationSource.MANUAL)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_by_name = models.CharField(_("recorded by (name)"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))

    objects = CalibrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("calibration or comparison")
        verbose_name_plural = _("calibrations and comparisons")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["point", "at"], name="quality_calibration_point")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.parameter or '*'} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class YearToDate(models.Model):
    """One point's masses of one parameter over a local year: the sums of its monthly values (derived, like them;
    kept by ``quality.ytd.refresh`` whenever the computation stores months). What the cockpit's load figures
    read (``loads.park``): a row per point and pollutant instead of one per month."""

    point = models.ForeignKey("enterprises.MonitoringPoint", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("monitoring point"))
    parameter = models.CharField(_("parameter"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"))
    months = models.PositiveSmallIntegerField(_("monthly values"))  # rows of the year summed
    unknown = models.PositiveSmallIntegerField(_("months without their days"))  # mass_days NULL: left out below
    mass_kg = models.FloatField(_("mass (kg)"), null=True, blank=True)  # Σ of the months whose days are known
    mass_days = models.PositiveIntegerField(_("days with a mass"))
    first_mass_day = models.DateField(_("first day with a mass"), null=True, blank=True)
    last_month = models.DateField(_("last month"))
    last_mask = models.IntegerField(_("days with a mass in the last month (bit mask)"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("year to date")
        verbose_name_plural = _("years to date")
        constraints = [models.UniqueConstraint(fields=["point", "parameter", "year"], name="quality_ytd_key")]
        indexes = [models.Index(fields=["year", "parameter", "point"], name="quality_ytd_park")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.parameter} {self.year}"
