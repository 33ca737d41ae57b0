"""The rest-day calendar's rows: a year's notice, its holidays and make-up working days.

Weekends are rest days by rule and not stored; a year is *known* when it has a
``RestDayYear`` row (its notice), and its stored days are the exceptions to the weekend
rule: holidays (法定节假日 and their 调休 days off) and make-up working days (调休上班日).
Imported by ``qingyuan.core.models`` so Django registers them; the logic is in
``qingyuan.core.restdays``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RestDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (rest day)")
    WORKDAY = "workday", _("Make-up working day")


class RestDayYear(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(_("holiday notice"), max_length=300,
                              help_text=_("The State Council General Office's notice for the year (title, number, date)."))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rest-day year")
        verbose_name_plural = _("rest-day years")

    def __str__(self) -> str:
        return str(self.year)


class RestDay(models.Model):
    calendar_year = models.ForeignKey(RestDayYear, on_delete=models.CASCADE, related_name="days",
                                      verbose_name=_("year"))
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RestDayKind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True, help_text=_("e.g. 国庆节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("rest-day exception")
        verbose_name_plural = _("rest-day exceptions")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"


class RestDayWarning(models.Model):
    """One row per missing year the office was warned about: the worker warns once."""

    year = models.PositiveSmallIntegerField(unique=True)
    warned_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.year)
