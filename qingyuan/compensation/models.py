"""A compensation and buy-back case (补偿回购) of a closed plant: inventory, appraisal, negotiation,
the agreement with its instalments, payments, disputes. Money is Decimal yuan with two places."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.compensation.choices import ASSET_UNITS, AssetKind, BudgetLine, DisputeStatus, Status
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import PARK_MANAGER_ROLES, Role
from qingyuan.org.models import Park
from qingyuan.org.scoping import ParkScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
CENT = Decimal("0.01")
# Who reads every case of a park: the managers, the county finance bureau, the supervision group.
READERS = frozenset(PARK_MANAGER_ROLES | {Role.FINANCE, Role.SUPERVISOR})


class CaseQuerySet(ParkScopedQuerySet):
    reader_roles = READERS
    distinct_rows = True

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/compensation.md."""
        return (
            self.park_rule(actor)                                               # managers, finance, supervisors
            | models.Q(enterprise__accounts__user_id=actor.user_id)             # the enterprise: its own case
        )


class CompensationCase(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="compensation_cases",
                                   verbose_name=_("enterprise"))
    closure = models.OneToOneField("closures.ClosureCase", on_delete=models.PROTECT, related_name="compensation",
                                   verbose_name=_("closure case"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPRAISAL)
    agreement_number = models.CharField(_("agreement number"), max_length=60, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    agreed_amount = models.DecimalField(_("agreed amount (yuan)"), **MONEY, null=True, blank=True,
                                        validators=[MinValueValidator(CENT)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by_name = models.CharField(_("opened by"), max_length=150, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("compensation case")
        verbose_name_plural = _("compensation cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(agreed_amount__isnull=True) | models.Q(agreed_amount__gt=0),
                                   name="compensation_agreed_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Compensation: %(e)s") % {"e": self.enterprise.name})

    def get_absolute_url(self) -> str:
        return reverse("compensation:detail", args=[self.pk])


class InventoryItem(models.Model):
    case = models.ForeignKey(CompensationCase, on_delete=models.CASCADE, related_name="inventory",
                             verbose_name=_("compensation case"))
    kind = models.CharField(_("kind"), max_length=10, choices=AssetKind.choices)
    description = models.CharField(pgettext_lazy("asset", "description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)])

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description} {self.quantity} {self.unit}"

    @property
    def unit(self) -> str:
        return str(ASSET_UNITS[AssetKind(self.kind)])


class Appraisal(models.Model):
    case = models.ForeignKey(CompensationCase, on_delete=models.CASCADE, related_name="appraisals",
                             verbose_name=_("compensation case"))
    appraiser = models.CharField(_("appraiser"), max_length=120)
    report_number = models.CharField(_("report number"), max_length=60)
    appraised_on = models.DateField(_("report date"))
    land_amount = models.DecimalField(_("land (yuan)"), **MONEY, default=Decimal("0"))
    building_amount = models.DecimalField(_("buildings (yuan)"), **MONEY, default=Decimal("0"))
    equipment_amount = models.DecimalField(_("equipment (yuan)"), **MONEY, default=Decimal("0"))
    other_amount = models.DecimalField(_("other (yuan)"), **MONEY, default=Decimal("0"))

    class Meta:
        verbose_name = _("appraisal report")
        verbose_name_plural = _("appraisal reports")
        ordering = ["appraised_on", "id"]

    def __str__(self) -> str:
        return f"{self.appraiser} {self.report_number}"

    @property
    def total(self) -> Decimal:
        return self.land_amount + self.building_amount + self.equipment_amount + self.other_amount


class Negotiation(models.Model):
    case = models.ForeignKey(CompensationCase, on_delete=models.CASCADE, related_name="negotiations",
                             verbose_name=_("compensation case"))
    held_on = models.DateField(_("held on"))
    participants = models.CharField(_("participants"), max_length=300)
    offered_amount = models.DecimalField(_("county's offer (yuan)"), **MONEY, null=True, blank=True)
    requested_amount = models.DecimalField(_("enterprise's request (yuan)"), **MONEY, null=True, blank=True)
    summary = models.TextField(pgettext_lazy("negotiation", "summary"))
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("negotiation record")
        verbose_name_plural = _("negotiation records")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.participants[:40]}"


class Instalment(models.Model):
    case = models.ForeignKey(CompensationCase, on_delete=models.CASCADE, related_name="instalments",
                             verbose_name=_("compensation case"))
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(CENT)])
    due_on = models.DateField(_("due on"))
    # A closures.StepKind value: the closure step that must be verified on the case's closure before paying.
    condition = models.CharField(pgettext_lazy("instalment", "condition"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="compensation_instalment_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="compensation_instalment_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Instalment %(n)s") % {"n": self.sequence})


class Payment(models.Model):
    case = models.ForeignKey(CompensationCase, on_delete=models.CASCADE, related_name="payments",
                             verbose_name=_("compensation case"))
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="payments",
                                   verbose_name=_("instalment"))
    voucher_number = models.CharField(_("voucher number"), max_length=40)
    budget_line = models.CharField(_("budget line"), max_length=10, choices=BudgetLine.choices)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(CENT)])
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "voucher_number"], name="compensation_voucher_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="compensation_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} ¥{self.amount}"


class Dispute(models.Model):
    case = models.ForeignKey(CompensationCase, on_delete=models.CASCADE, related_name="disputes",
                             verbose_name=_("compensation case"))
    raised_on = models.DateField(_("raised on"))
    raised_by = models.CharField(_("raised by"), max_length=120)
    subject = models.TextField(pgettext_lazy("dispute", "subject"))
    status = models.CharField(_("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    # The case's status when the dispute was raised; resolving returns to it.
    resumes = models.CharField(max_length=12, choices=Status.choices, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return f"{self.raised_on:%Y-%m-%d} {self.raised_by}"
