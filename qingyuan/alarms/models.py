"""Alarms raised from monitoring data, and each park's alarm policy.

An alarm is one episode of one kind on one parameter of one point: while it is
not closed, further findings of the same kind on the same point and parameter
extend it (``end``, ``peak``, ``count``) instead of raising another one (a
partial unique constraint enforces it, so two evaluators cannot both create it).
Its status moves only through ``qingyuan.alarms.workflow``.

An ``AlarmEpisode`` groups the alarms of one enterprise that follow each other with
no gap longer than the park's ``episode_gap_hours``: one assignment and one notice
to the linked unit per episode (``qingyuan.alarms.episodes``).
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.alarms.choices import (
    ACTIVE_STATUSES,
    AlarmKind,
    AlarmStatus,
    ExplanationKind,
    Severity,
    Verdict,
)
from qingyuan.alarms.rules import RuleConfig
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount, MonitoringPoint
from qingyuan.org.models import Park
from qingyuan.org.scoping import ParkScopedQuerySet

DEFAULT_ASSIGN_KINDS = [AlarmKind.EXCEEDANCE, AlarmKind.OVER_RANGE, AlarmKind.SUDDEN_DROP, AlarmKind.CONSTANT,
                        AlarmKind.OFFLINE]


class AlarmQuerySet(ParkScopedQuerySet):
    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Park-wide roles see their parks' alarms; an enterprise user sees only their enterprise's."""
        own = EnterpriseAccount.objects.filter(user_id=actor.user_id).values("enterprise_id")
        return (
            self.park_rule(actor)                             # regulators, unit officers, readers of the park
            | models.Q(enterprise_id__in=own)                 # an enterprise: its own alarms only
        )

    def active(self):  # type: ignore[no-untyped-def]
        return self.filter(status__in=ACTIVE_STATUSES)


class Alarm(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="alarms", verbose_name=_("enterprise"))
    point = models.ForeignKey(MonitoringPoint, on_delete=models.PROTECT, related_name="alarms",
                              verbose_name=_("monitoring point"))
    parameter = models.CharField(_("parameter"), max_length=16, blank=True)  # "" for point-wide kinds
    kind = models.CharField(_("kind"), max_length=20, choices=AlarmKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(_("status"), max_length=14, choices=AlarmStatus.choices, default=AlarmStatus.OPEN)
    start = models.DateTimeField(_("start"))  # start of the first offending period
    end = models.DateTimeField(_("end"))  # end of the last offending period seen so far
    peak = models.FloatField(_("peak"), null=True, blank=True)  # worst value of the rule's measure
    limit = models.FloatField(_("limit"), null=True, blank=True)  # the limit or threshold compared with
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    count = models.PositiveIntegerField(_("occurrences"), default=1)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    first_detected_at = models.DateTimeField(_("detected"))
    last_detected_at = models.DateTimeField(_("last detected"))
    assignment = models.ForeignKey("tasks.Assignment", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("assignment"))
    explanation_kind = models.CharField(_("explanation"), max_length=12, choices=ExplanationKind.choices,
                                        blank=True)
    explanation = models.TextField(_("explanation text"), blank=True)
    explained_at = models.DateTimeField(_("explained"), null=True, blank=True)
    explained_by_name = models.CharField(_("explained by"), max_length=150, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True)
    verdict_note = models.TextField(_("verification note"), blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by_name = models.CharField(_("verified by"), max_length=150, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    episode = models.ForeignKey("AlarmEpisode", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="alarms", verbose_name=_("episode"))

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-last_detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "parameter", "kind"],
                                    condition=~models.Q(status=AlarmStatus.CLOSED), name="alarms_one_active"),
        ]
        indexes = [
            models.Index(fields=["park", "status", "-last_detected_at"], name="alarms_park_status"),
            models.Index(fields=["enterprise", "-last_detected_at"], name="alarms_enterprise"),
            models.Index(fields=["point", "-start"], name="alarms_point"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.parameter}".strip()

    def get_absolute_url(self) -> str:
        return reverse("alarms:detail", args=[self.pk])


class AlarmEpisode(models.Model):
    """Alarms of one enterprise close together in time (see ``qingyuan.alarms.episodes``)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="alarm_episodes",
                                   verbose_name=_("enterprise"))
    start = models.DateTimeField(_("start"))  # start of its first alarm
    opened_at = models.DateTimeField(_("detected"))
    assignment = models.ForeignKey("tasks.Assignment", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("assignment"))

    class Meta:
        verbose_name = _("alarm episode")
        verbose_name_plural = _("alarm episodes")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-id"], name="alarms_episode_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}@{self.start:%Y-%m-%d %H:%M}"


class AlarmPolicy(models.Model):
    """A park's thresholds, which alarm kinds open an assignment, and in how many days it is due."""

    park = models.OneToOneField(Park, on_delete=models.CASCADE, related_name="alarm_policy", verbose_name=_("park"))
    approach_percent = models.PositiveSmallIntegerField(
        _("approaching the limit from (percent of the limit)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)])
    constant_minutes = models.PositiveIntegerField(_("constant value after (minutes)"), default=60,
                                                   validators=[MinValueValidator(10)])
    constant_hour_records = models.PositiveSmallIntegerField(_("constant hourly values after (records)"),
                                                             default=6, validators=[MinValueValidator(2)])
    zero_minutes = models.PositiveIntegerField(_("zero values after (minutes)"), default=60,
                                               validators=[MinValueValidator(1)])
    drop_percent = models.PositiveSmallIntegerField(_("sudden drop of more than (percent)"), default=50,
                                                    validators=[MinValueValidator(5), MaxValueValidator(99)])
    drop_window_minutes = models.PositiveIntegerField(_("sudden drop within (minutes)"), default=60,
                                                      validators=[MinValueValidator(5)])
    missing_intervals = models.PositiveSmallIntegerField(_("missing data after (overdue records)"), default=1,
                                                         validators=[MinValueValidator(1)])
    offline_hours = models.DecimalField(_("offline after (hours)"), max_digits=5, decimal_places=2, default=2,
                                        validators=[MinValueValidator(0.1)])
    consecutive_periods = models.PositiveSmallIntegerField(
        _("exceedance alarm after (consecutive periods above the limit)"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Periods on the limit's averaging basis (hours or days) in a row. The standards judge each "
                    "hourly or daily mean on its own: 1."))
    assign_kinds = models.JSONField(_("kinds that open an assignment"), default=list, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("assignment deadline (days)"), default=3,
                                                     validators=[MinValueValidator(1), MaxValueValidator(60)])
    episode_gap_hours = models.PositiveSmallIntegerField(
        _("one episode while alarms follow within (hours)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("alarm policy")
        verbose_name_plural = _("alarm policies")

    def __str__(self) -> str:
        return str(self.park)

    def rule_config(self) -> RuleConfig:
        return RuleConfig(approach_share=self.approach_percent / 100, constant_minutes=self.constant_minutes,
                          constant_hour_records=self.constant_hour_records, zero_minutes=self.zero_minutes,
                          drop_share=self.drop_percent / 100, drop_window_minutes=self.drop_window_minutes,
                          missing_intervals=self.missing_intervals, offline_hours=float(self.offline_hours),
                          consecutive_periods=self.consecutive_periods)


class Policy:
    """What the engine and the actions need of a park's policy (defaults when the park has none)."""

    def __init__(self, row: AlarmPolicy | None = None) -> None:
        self.rules = row.rule_config() if row else RuleConfig()
        self.assign_kinds = frozenset(row.assign_kinds if row and row.assign_kinds else DEFAULT_ASSIGN_KINDS)
        self.deadline_days = row.deadline_days if row else 3
        self.episode_gap = dt.timedelta(hours=row.episode_gap_hours if row else 24)

    @classmethod
    def for_park(cls, park_id: int) -> Policy:
        return cls(AlarmPolicy.objects.filter(park_id=park_id).first())

    @classmethod
    def for_parks(cls, park_ids: set[int]) -> dict[int, Policy]:
        rows = {p.park_id: p for p in AlarmPolicy.objects.filter(park_id__in=park_ids)}
        return {pid: cls(rows.get(pid)) for pid in park_ids}

