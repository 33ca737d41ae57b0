"""A work briefing (工作简报): sections drafted from the period's records, approved, issued, read."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.briefings.choices import Kind, Status
from qingyuan.org.choices import PARK_MANAGER_ROLES, PARK_WIDE_ROLES
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet


class BriefingQuerySet(ParkScopedQuerySet):
    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/briefings.md."""
        return (
            self.park_rule(actor, PARK_MANAGER_ROLES)                                           # office, leaders: all
            | (self.park_rule(actor, PARK_WIDE_ROLES) & models.Q(status=Status.ISSUED))         # readers
        )


class Briefing(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    number_year = models.PositiveSmallIntegerField(_("number year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("issue number"), null=True, blank=True)
    recipients = models.ManyToManyField(Unit, related_name="+", blank=True, verbose_name=_("recipient units"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_by_name = models.CharField(_("drafted by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by_name = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        verbose_name = _("work briefing")
        verbose_name_plural = _("work briefings")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["park", "number_year", "serial"], name="briefings_number_unique"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="briefings_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.serial else self.title

    def get_absolute_url(self) -> str:
        return reverse("briefings:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """清源简报〔2026〕第3期, once issued; empty before."""
        if not self.serial:
            return ""
        return f"清源简报〔{self.number_year}〕第{self.serial}期"


class BriefingSection(models.Model):
    """One section: the office's text (small safe markup), the figures drafted and the records behind them."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("key"), max_length=20)
    heading = models.CharField(_("heading"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # {"group": {"model": "tasks.assignment", "ids": [..]}}: every record a figure counted
    evidence = models.JSONField(_("evidence"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("briefing section")
        verbose_name_plural = _("briefing sections")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["briefing", "key"], name="briefings_section_unique")]

    def __str__(self) -> str:
        return self.heading


class ReadReceipt(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_name = models.CharField(_("reader"), max_length=150)
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    read_at = models.DateTimeField(_("read"), auto_now_add=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["read_at", "id"]
        constraints = [models.UniqueConstraint(fields=["briefing", "user"], name="briefings_one_receipt")]

    def __str__(self) -> str:
        return f"{self.user_name} {self.read_at:%Y-%m-%d %H:%M}"


class MonthlyWorkbook(models.Model):
    """The monthly statistics workbook the worker mailed: one row per park and month, so it runs once."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    recipients = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["park", "month"], name="briefings_one_workbook")]

    def __str__(self) -> str:
        return f"{self.park} {self.month:%Y-%m}"
