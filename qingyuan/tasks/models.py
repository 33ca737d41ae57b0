"""Assignments (交办单), their progress, extensions and escalation, and supervision checks (督查).

Statuses move only through ``qingyuan.tasks.workflow``; every change is a ``do_*``
action in ``qingyuan.tasks.actions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.core.models import AppendOnlyModel
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount
from qingyuan.org.choices import Role
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet, officer_units
from qingyuan.tasks.choices import (
    AssignmentStatus,
    CheckStatus,
    EscalationLevel,
    ExtensionStatus,
    Priority,
    Rating,
    ReportKind,
)
from qingyuan.tasks.ladder import Ladder

NUMBER_PREFIX = "交办"
# Roles that read every assignment of their park; only the first three may also issue and decide.
ISSUING_ROLES = frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN})
PARK_READER_ROLES = ISSUING_ROLES | {Role.SUPERVISOR, Role.INSPECTOR}


class EscalationPolicy(models.Model):
    """The park's escalation ladder: when to remind, urge (催办), supervise (督办) and list (挂牌督办)."""

    park = models.OneToOneField(Park, on_delete=models.CASCADE, related_name="escalation_policy",
                                verbose_name=_("park"))
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder lead (days before the deadline)"), default=Ladder.DEFAULT.reminder_days,
        validators=[MaxValueValidator(60)])
    supervise_after_days = models.PositiveSmallIntegerField(
        _("supervision (督办) after days overdue"), default=Ladder.DEFAULT.supervise_after_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    list_after_days = models.PositiveSmallIntegerField(
        _("listed supervision (挂牌督办) after days overdue"), default=Ladder.DEFAULT.list_after_days,
        validators=[MinValueValidator(2), MaxValueValidator(730)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")

    def __str__(self) -> str:
        return f"{self.park}: {self.reminder_days}/{self.supervise_after_days}/{self.list_after_days}"

    def clean(self) -> None:
        if self.list_after_days is not None and self.supervise_after_days is not None \
                and self.list_after_days <= self.supervise_after_days:
            raise ValidationError({"list_after_days": _(
                "Listed supervision must start later than supervision (more days overdue).")})

    @property
    def ladder(self) -> Ladder:
        return Ladder(self.reminder_days, self.supervise_after_days, self.list_after_days)

    @classmethod
    def ladder_for(cls, park_id: int) -> Ladder:
        policy = cls.objects.filter(park_id=park_id).first()
        return policy.ladder if policy else Ladder.DEFAULT


class AssignmentQuerySet(ParkScopedQuerySet):
    reader_roles = PARK_READER_ROLES

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/tasks.md."""
        own_enterprises = EnterpriseAccount.objects.filter(user_id=actor.user_id).values("enterprise_id")
        return (
            self.park_rule(actor)                                              # office, leaders, readers
            | models.Q(assignee_unit_id__in=officer_units(actor))             # a unit sees what it was given
            | models.Q(issued_by_id=actor.user_id)                             # and what it issued
            | models.Q(enterprise_id__in=own_enterprises)                      # an enterprise: about itself
        )

    def open(self):  # type: ignore[no-untyped-def]
        return self.exclude(status__in=[AssignmentStatus.COMPLETED, AssignmentStatus.WITHDRAWN])


class Assignment(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("number"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    requirements = models.TextField(_("requirements"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    issuer_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="issued_assignments",
                                    verbose_name=_("issued by unit"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="issued_assignments", verbose_name=pgettext_lazy("assignment", "issued by"))
    issued_by_name = models.CharField(_("issued by (name)"), max_length=150, blank=True)
    issued_on = models.DateField(_("issued on"))
    assignee_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments",
                                      verbose_name=_("assigned to"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="assignments", verbose_name=_("enterprise"))
    # Where the assignment came from (a supervision finding, later alarms, complaints, patrols).
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    original_deadline = models.DateField(_("original deadline"))
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ISSUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    sent_back = models.BooleanField(_("sent back for rework"), default=False)
    suggested_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("unit believed responsible"))
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), choices=EscalationLevel.choices,
                                                        default=EscalationLevel.NONE)
    next_escalation_at = models.DateTimeField(_("next escalation check"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_claim = models.CharField(max_length=32, blank=True, editable=False)  # last worker call that won it
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "serial"], name="tasks_assignment_unique_serial"),
            models.UniqueConstraint(fields=["park", "number"], name="tasks_assignment_unique_number"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="tasks_assignment_progress_max"),
        ]
        indexes = [
            models.Index(fields=["park", "status", "deadline"]),
            models.Index(fields=["assignee_unit", "status"]),
            models.Index(fields=["next_escalation_at"]),
            models.Index(fields=["escalation_level", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:detail", args=[self.pk])

    @property
    def level(self) -> EscalationLevel:
        return EscalationLevel(self.escalation_level)

    @property
    def colour(self) -> Any:
        return self.level.colour

    @property
    def is_open(self) -> bool:
        return self.status not in (AssignmentStatus.COMPLETED, AssignmentStatus.WITHDRAWN)

    def days_left(self, today: dt.date) -> int:
        return (self.deadline - today).days

    def source_url(self) -> str:
        if self.source_type_id is None:
            return ""
        model = self.source_type.model_class()
        obj = model._default_manager.filter(pk=self.source_id).first() if model else None
        return obj.get_absolute_url() if obj is not None and hasattr(obj, "get_absolute_url") else ""


class ProgressReport(models.Model):
    """A progress report, or the completion report that submits the assignment for verification."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices, default=ReportKind.PROGRESS)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("text"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    reported_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment.number} {self.percent}%"


class ExtensionRequest(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extensions")
    old_deadline = models.DateField(_("current deadline"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    requested_by_name = models.CharField(max_length=150, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_by_name = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=models.Q(status="pending"),
                                    name="tasks_one_pending_extension"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.number} → {self.new_deadline}"


class EscalationEvent(AppendOnlyModel):
    """One move on the ladder (or its reset by an approved extension or a reassignment)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="escalations")
    time = models.DateTimeField(_("time"), auto_now_add=True)
    from_level = models.PositiveSmallIntegerField(pgettext_lazy("assignment", "from"), choices=EscalationLevel.choices)
    to_level = models.PositiveSmallIntegerField(pgettext_lazy("assignment", "to"), choices=EscalationLevel.choices)
    deadline = models.DateField(_("deadline"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("escalation event")
        verbose_name_plural = _("escalation events")
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.from_level}→{self.to_level}"


class SupervisionCheckQuerySet(ParkScopedQuerySet):
    reader_roles = PARK_READER_ROLES

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Those who read the whole park, and the officers of the units checked."""
        checked = SupervisionCheck.units.through.objects.filter(unit_id__in=officer_units(actor))
        return (
            self.park_rule(actor)                                              # office, leaders, readers
            | models.Q(pk__in=checked.values("supervisioncheck_id"))         # a unit that was checked
        )


class SupervisionCheck(models.Model):
    """A supervision check (督查) of units' assignments, planned and recorded by the office."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="supervision_checks",
                             verbose_name=_("park"))
    title = models.CharField(pgettext_lazy("assignment", "title"), max_length=200)
    planned_on = models.DateField(_("date"))
    units = models.ManyToManyField(Unit, related_name="supervision_checks", verbose_name=_("units checked"))
    assignments = models.ManyToManyField(Assignment, blank=True, related_name="supervision_checks",
                                         verbose_name=_("assignments in scope"))
    status = models.CharField(_("status"), max_length=12, choices=CheckStatus.choices, default=CheckStatus.PLANNED)
    overall_rating = models.CharField(_("overall rating"), max_length=20, choices=Rating.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = SupervisionCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision check")
        verbose_name_plural = _("supervision checks")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:check_detail", args=[self.pk])


class Finding(models.Model):
    supervision_check = models.ForeignKey(SupervisionCheck, on_delete=models.PROTECT, related_name="findings",
                                          verbose_name=_("supervision check"))
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="findings", verbose_name=_("assignment"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    text = models.TextField(_("finding"))
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    spawned = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("follow-up assignment"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.supervision_check.title}: {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:check_detail", args=[self.supervision_check_id])
