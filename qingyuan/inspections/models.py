"""Patrols (动态巡查), their findings, patrol plans and random inspection draws (双随机).

Every change goes through ``qingyuan.inspections.actions``; visibility through the
``visible_to`` querysets here and the ``access_*`` functions in ``access.py``.
See docs/inspections.md.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.enterprises.models import LATITUDE, LONGITUDE, Enterprise, EnterpriseAccount
from qingyuan.inspections import checklists
from qingyuan.inspections.choices import FindingStatus, PatrolKind, Severity
from qingyuan.org.choices import Role
from qingyuan.org.models import Park
from qingyuan.org.scoping import ParkScopedQuerySet, officer_units

# Roles that read every patrol, plan and draw of their park. Unit officers and enterprise users see less.
PARK_READER_ROLES = frozenset({Role.LEADER, Role.OFFICE_STAFF, Role.ADMIN, Role.SUPERVISOR, Role.INSPECTOR})
# Roles that manage patrol plans (override a frequency) and publish draws.
PARK_MANAGER_ROLES = frozenset({Role.LEADER, Role.OFFICE_STAFF, Role.ADMIN})


class PatrolPlanQuerySet(ParkScopedQuerySet):
    """Plans say when the next patrol is due: park readers only, never the enterprise itself."""

    park_field = "enterprise__park"
    reader_roles = PARK_READER_ROLES


class PatrolPlan(models.Model):
    """How often an enterprise is patrolled, and when it is next due.

    ``computed_days`` follows ``frequency.patrol_interval`` (risk class, status, recent
    pressure) and is refreshed by ``do_refresh_plans``; ``override_days`` replaces it
    when the office decides otherwise (with a reason).
    """

    enterprise = models.OneToOneField(Enterprise, on_delete=models.CASCADE, related_name="patrol_plan",
                                      verbose_name=_("enterprise"))
    computed_days = models.PositiveSmallIntegerField(_("computed interval (days)"))
    pressure = models.PositiveIntegerField(_("recent pressure"), default=0)
    computed_at = models.DateTimeField(_("computed"))
    override_days = models.PositiveSmallIntegerField(
        _("interval set by the office (days)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    override_reason = models.CharField(_("reason for the override"), max_length=200, blank=True)
    last_patrol_on = models.DateField(_("last patrol"), null=True, blank=True)
    next_due = models.DateField(_("next patrol due"), db_index=True)

    objects = PatrolPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["next_due", "enterprise__name"]

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.interval_days} d"

    @property
    def interval_days(self) -> int:
        return self.override_days or self.computed_days

    def due_from(self, last: dt.date | None, today: dt.date) -> dt.date:
        return last + dt.timedelta(days=self.interval_days) if last else today


class PatrolQuerySet(ParkScopedQuerySet):
    reader_roles = PARK_READER_ROLES

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/inspections.md."""
        own = EnterpriseAccount.objects.filter(user_id=actor.user_id).values("enterprise_id")
        return (
            self.park_rule(actor)                                               # office, leaders, readers
            | models.Q(enterprise__linked_unit_id__in=officer_units(actor))     # the linked unit
            | models.Q(enterprise__linked_officer_id=actor.user_id)             # the linked officer
            | models.Q(enterprise_id__in=own)                                   # the enterprise itself
        )


class Patrol(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="patrols",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=10, choices=PatrolKind.choices, default=PatrolKind.PLANNED)
    draw_item = models.OneToOneField("DrawItem", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="patrol", verbose_name=_("random draw"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="patrols",
                                        verbose_name=_("inspectors"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_by_name = models.CharField(_("recorded by (name)"), max_length=150, blank=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=LONGITUDE)
    gps_accuracy_m = models.FloatField(_("position accuracy (m)"), null=True, blank=True)
    gps_at = models.DateTimeField(_("position taken"), null=True, blank=True)
    checklist_key = models.CharField(_("checklist"), max_length=60)
    # {item key: {"answer": "ok" | "problem" | "na", "note": "..."}}, keys from ``checklists``.
    checklist = models.JSONField(_("checklist answers"), default=dict)
    notes = models.TextField(pgettext_lazy("patrol", "summary"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True,
                                      help_text=_("Seen by the inspection team and the park's office, "
                                                  "not by the enterprise or its linked unit."))
    client_id = models.UUIDField(_("form identifier"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = PatrolQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["park", "-started_at"]),
            models.Index(fields=["enterprise", "-started_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(finished_at__gte=models.F("started_at")),
                                   name="inspections_patrol_time_order"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def answers(self) -> list[tuple[str, str, str, str]]:
        """(key, label, answer, note) in the checklist's order; keys no longer listed come last."""
        try:
            order = checklists.checklist(self.checklist_key).keys
        except KeyError:
            order = []
        keys = order + [k for k in self.checklist if k not in order]
        return [(k, checklists.item_label(k), self.checklist.get(k, {}).get("answer", ""),
                 self.checklist.get(k, {}).get("note", "")) for k in keys if k in self.checklist]

    @property
    def problem_count(self) -> int:
        return sum(1 for v in self.checklist.values() if v.get("answer") == "problem")


class Finding(models.Model):
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="findings", verbose_name=_("patrol"))
    text = models.TextField(pgettext_lazy("patrol", "finding"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR)
    checklist_item = models.CharField(_("checklist item"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    assignment = models.OneToOneField("tasks.Assignment", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="patrol_finding", verbose_name=_("assignment"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["patrol", "id"]

    def __str__(self) -> str:
        return f"{self.patrol.enterprise}: {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return f"{reverse('inspections:detail', args=[self.patrol_id])}#finding-{self.pk}"

    @property
    def checklist_label(self) -> str:
        return checklists.item_label(self.checklist_item) if self.checklist_item else ""


class RandomDrawQuerySet(ParkScopedQuerySet):
    """Draws are the park readers' business until published (publishing is the public's part)."""

    reader_roles = PARK_READER_ROLES


class RandomDraw(models.Model):
    """One 双随机 draw: the pools as they were, the seed, and the result (its ``items``)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="random_draws", verbose_name=_("park"))
    title = models.CharField(_("title"), max_length=100)
    drawn_on = models.DateField(_("draw date"))
    deadline = models.DateField(_("complete patrols by"))
    # {"risk_class": [...], "industry": [...], "status": [...]} as chosen on the draw screen.
    filters = models.JSONField(_("enterprise filters"), default=dict)
    enterprise_pool = models.JSONField(_("enterprise pool (ids)"), default=list)
    inspector_pool = models.JSONField(_("inspector pool (user ids)"), default=list)
    sample_size = models.PositiveSmallIntegerField(_("enterprises drawn"))
    seed = models.CharField(_("seed"), max_length=32)
    algorithm = models.CharField(_("algorithm"), max_length=20)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="+", verbose_name=_("drawn by"))
    drawn_by_name = models.CharField(_("drawn by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = RandomDrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.drawn_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("inspections:draw_detail", args=[self.pk])


class DrawItem(models.Model):
    """One drawn enterprise and its two inspectors; the patrol that answers it links back."""

    draw = models.ForeignKey(RandomDraw, on_delete=models.CASCADE, related_name="items", verbose_name=_("draw"))
    position = models.PositiveSmallIntegerField(_("order drawn"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise"))
    inspector_1 = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("first inspector"))
    inspector_2 = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("second inspector"))

    class Meta:
        verbose_name = _("drawn enterprise")
        verbose_name_plural = _("drawn enterprises")
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="inspections_drawitem_position"),
            models.UniqueConstraint(fields=["draw", "enterprise"], name="inspections_drawitem_enterprise"),
            models.CheckConstraint(condition=~models.Q(inspector_1=models.F("inspector_2")),
                                   name="inspections_drawitem_two_inspectors"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}#{self.position} {self.enterprise_id}"

