"""A closure, relocation or conversion case (关停/搬迁/转产) and its verified steps.

The decision (number, date, basis, deadline, responsible unit) opens the case; each
step is recorded with its evidence and then verified. The enterprise's status
follows the verified steps (see actions.py), never set by hand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.closures.choices import STEPS, Basis, CaseKind, CaseStatus, SoilConclusion, StepKind
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet


class ClosureCaseQuerySet(ParkScopedQuerySet):
    distinct_rows = True

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/closures.md."""
        return (
            self.park_rule(actor)                                               # the park's roles: all cases
            | models.Q(enterprise__accounts__user_id=actor.user_id)             # an enterprise: its own case
        )


class ClosureCase(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="closure_cases",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    basis = models.CharField(_("basis"), max_length=24, choices=Basis.choices)
    basis_note = models.TextField(_("basis details"), blank=True)
    deadline = models.DateField(_("deadline"))
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("responsible unit"))
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    # Relocation: where the plant goes; conversion: what it makes instead.
    new_site = models.CharField(_("new site"), max_length=200, blank=True)
    new_product_line = models.CharField(_("new product line"), max_length=200, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    opened_by_name = models.CharField(_("opened by"), max_length=150, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = ClosureCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure case")
        verbose_name_plural = _("closure cases")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(deadline__gte=models.F("decision_date")),
                                   name="closures_deadline_after_decision"),
            # One live case per enterprise: a cancelled case may be followed by a new one.
            models.UniqueConstraint(fields=["enterprise"], condition=~models.Q(status=CaseStatus.CANCELLED),
                                    name="closures_one_live_case"),
        ]
        indexes = [models.Index(fields=["park", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()} · {self.decision_number}"

    def get_absolute_url(self) -> str:
        return reverse("closures:detail", args=[self.pk])

    @property
    def step_kinds(self) -> tuple[str, ...]:
        return STEPS[self.kind]


class ClosureStep(models.Model):
    """One step of a case: what was done (with evidence) and who verified it, when."""

    case = models.ForeignKey(ClosureCase, on_delete=models.CASCADE, related_name="steps", verbose_name=_("case"))
    kind = models.CharField(_("step"), max_length=24, choices=StepKind.choices)
    done_on = models.DateField(_("done on"))
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    verified_by_name = models.CharField(_("verified by"), max_length=150, blank=True)
    # production_stopped: the patrol that saw it (with its photos).
    patrol = models.ForeignKey("inspections.Patrol", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("patrol"))
    # utilities_cut: the supplier's records.
    utility_records = models.TextField(_("power and water records"), blank=True)
    # waste_disposed: transfer manifest numbers (危险废物转移联单), one per line.
    manifest_numbers = models.TextField(_("transfer manifest numbers"), blank=True)
    # soil_investigated: the report (土壤污染状况调查报告).
    report_number = models.CharField(_("report number"), max_length=60, blank=True)
    report_org = models.CharField(_("investigated by"), max_length=120, blank=True)
    report_conclusion = models.CharField(_("conclusion"), max_length=20, choices=SoilConclusion.choices,
                                         blank=True)
    # permits_cancelled: the permit numbers cancelled (注销).
    permit_numbers = models.TextField(_("cancelled permits"), blank=True)

    class Meta:
        verbose_name = _("closure step")
        verbose_name_plural = _("closure steps")
        ordering = ["case", "done_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="closures_step_once")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.get_kind_display()}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def manifests(self) -> list[str]:
        return [x.strip() for x in self.manifest_numbers.splitlines() if x.strip()]


class FreedBasis(models.TextChoices):
    ACTUAL_12_MONTHS = "actual_12m", _("Actual load of the 12 months before the stop")
    PERMITTED = "permitted", _("Permitted annual load (quota)")


class ClosurePolicy(models.Model):
    """A park's rules for closures: what a closure frees in the capacity ledger and what counts as recent data."""

    park = models.OneToOneField(Park, on_delete=models.CASCADE, related_name="closure_policy",
                                verbose_name=_("park"))
    freed_basis = models.CharField(_("freed capacity basis"), max_length=12, choices=FreedBasis.choices,
                                   default=FreedBasis.ACTUAL_12_MONTHS)
    reserve_percent = models.DecimalField(_("reserve held back (%)"), max_digits=5, decimal_places=2,
                                          default=20)
    quiet_days = models.PositiveSmallIntegerField(
        _("days without flow before a point may be decommissioned"), default=7)

    class Meta:
        verbose_name = _("closure policy")
        verbose_name_plural = _("closure policies")
        constraints = [
            models.CheckConstraint(condition=models.Q(reserve_percent__gte=0, reserve_percent__lte=100),
                                   name="closures_reserve_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.park}: {self.get_freed_basis_display()}"

    @classmethod
    def for_park(cls, park_id: int) -> ClosurePolicy:
        return cls.objects.filter(park_id=park_id).first() or cls(park_id=park_id)
