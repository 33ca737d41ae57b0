"""Surface-water sections (断面) and their manual samples, evaluated against GB 3838-2002.

A section's data are its manual samples (``Sample`` + ``SampleValue``, values kept as entered
and converted to the GB 3838 unit) and, when it is linked to an automatic water-quality station
(a monitoring point with ST=21), that point's valid daily means (``quality.DailyValue``).
Classes are never stored: ``evaluation.py`` computes them with ``qingyuan.standards.section_class``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ANY_ROLE, ParkScopedQuerySet
from qingyuan.sections.choices import SectionKind, TargetClass, Waterbody
from qingyuan.standards import CLASS_LABELS_ZH

LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]
LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]


class SectionQuerySet(ParkScopedQuerySet):
    """Every logged-in member of the park (any role, enterprise users included) sees its sections.

    The park rule with every role as a reader: a section is public river data, not a case. The
    public's view (the portal's outbound-section verdict, qingyuan/portal/rules.py) is a rule of
    its own: it reads the park's published figures without a user, so it does not go through
    ``visible_to``.
    """

    reader_roles = ANY_ROLE


class Section(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=SectionKind.choices)
    river = models.CharField(_("river"), max_length=60)
    waterbody = models.CharField(_("water body"), max_length=10, choices=Waterbody.choices, default=Waterbody.RIVER)
    target_class = models.CharField(_("target class"), max_length=3, choices=TargetClass.choices)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=LONGITUDE)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=LATITUDE)
    point = models.ForeignKey(MonitoringPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("automatic station"), limit_choices_to={"st": "21"},
                              help_text=_("A water-quality automatic station (HJ 212 system code 21)."))
    township = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("township"), limit_choices_to={"kind": "township"},
                                 help_text=_("The township along the river answerable for this section (assessment)."))
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Upstream first."))
    is_active = models.BooleanField(_("active"), default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("water section")
        verbose_name_plural = _("water sections")
        ordering = ["park", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="sections_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sections:detail", args=[self.pk])

    def clean(self) -> None:
        if self.township_id is not None and self.park_id is not None and self.township.park_id != self.park_id:
            raise ValidationError({"township": _("The township must belong to the section's park.")})

    @property
    def target_label(self) -> str:
        return CLASS_LABELS_ZH[self.target_class]


class Sample(models.Model):
    """A manual sample of a section on one day (monthly monitoring), entered by staff."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="samples",
                                verbose_name=_("section"))
    date = models.DateField(_("sampling date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_by_name = models.CharField(_("entered by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("section sample")
        verbose_name_plural = _("section samples")
        ordering = ["section", "-date"]
        constraints = [models.UniqueConstraint(fields=["section", "date"], name="sections_one_sample_a_day")]

    def __str__(self) -> str:
        return f"{self.section} {self.date}"


class SampleValue(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="values")
    parameter = models.CharField(_("parameter"), max_length=20)  # GB 3838 item key, e.g. "codcr"
    value = models.FloatField(_("value as entered"))
    unit = models.CharField(_("unit as entered"), max_length=16)
    value_std = models.FloatField(_("value in the GB 3838 unit"))

    class Meta:
        verbose_name = _("sample value")
        verbose_name_plural = _("sample values")
        constraints = [models.UniqueConstraint(fields=["sample", "parameter"], name="sections_value_key")]

    def __str__(self) -> str:
        return f"{self.parameter}={self.value} {self.unit}"
