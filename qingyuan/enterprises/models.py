from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.choices import (
    CrcMode,
    DischargeRoute,
    EnterpriseStatus,
    Industry,
    Medium,
    PermitClass,
    ProtocolVersion,
    RiskClass,
)
from qingyuan.enterprises.validators import validate_credit_code, validate_mn
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet

LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]
LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]


class EnterpriseQuerySet(ParkScopedQuerySet):
    distinct_rows = True

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Park-wide roles see their parks' enterprises; an enterprise user sees only their own."""
        return self.park_rule(actor) | models.Q(accounts__user_id=actor.user_id)


class Enterprise(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    industry = models.CharField(_("industry"), max_length=10, choices=Industry.choices)
    address = models.CharField(_("address"), max_length=200)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    risk_class = models.CharField(_("risk class"), max_length=10, choices=RiskClass.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    linked_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_enterprises",
        verbose_name=_("linked unit"),
    )
    linked_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_enterprises",
        verbose_name=_("linked officer"),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["park", "status"]), models.Index(fields=["park", "name"])]

    def __str__(self) -> str:
        return self.name


class EnterpriseAccount(models.Model):
    """A login that acts for an enterprise (its environmental officer, for instance)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="accounts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_accounts")

    class Meta:
        verbose_name = _("enterprise account")
        verbose_name_plural = _("enterprise accounts")
        constraints = [models.UniqueConstraint(fields=["enterprise", "user"], name="ent_account_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class Outlet(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="outlets")
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    code = models.CharField(_("code"), max_length=20, help_text=_("Outlet code from the permit, e.g. DW001 or DA001."))
    name = models.CharField(_("name"), max_length=100)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    receiving = models.CharField(_("discharges to"), max_length=100, blank=True)
    route = models.CharField(
        _("discharge route"), max_length=10, choices=DischargeRoute.choices, default=DischargeRoute.DIRECT,
        help_text=_("As in the permit: direct to the environment, or indirect into a wastewater treatment plant."))
    receiving_plant = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="indirect_outlets",
        verbose_name=_("receiving treatment plant"),
        help_text=_("For an indirect outlet: the wastewater treatment plant of the park that receives it."))
    standard = models.CharField(_("applicable standard"), max_length=50, blank=True)
    special_limits = models.BooleanField(
        _("special emission limits apply"), default=False,
        help_text=_("The outlet lies in an area where the special emission limits (特别排放限值) of its standard "
                    "are in force; judgements record it."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["enterprise", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="ent_outlet_unique_code"),
            # A direct outlet names no plant; an indirect one is a wastewater outlet naming another enterprise.
            models.CheckConstraint(
                condition=models.Q(route="direct", receiving_plant__isnull=True)
                | (models.Q(route="indirect", medium="water", receiving_plant__isnull=False)
                   & ~models.Q(receiving_plant=models.F("enterprise"))),
                name="ent_outlet_route"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_indirect(self) -> bool:
        return self.route == DischargeRoute.INDIRECT

    def clean(self) -> None:
        """Route rules with a message on the field an official has to change."""
        super().clean()
        if self.route == DischargeRoute.INDIRECT:
            self._clean_indirect()
        elif self.receiving_plant_id is not None:
            raise ValidationError({"receiving_plant": _(
                "A direct outlet discharges to the environment; leave the receiving treatment plant empty.")})
        self._clean_plant_keeps_effluent()

    def _clean_indirect(self) -> None:
        if self.medium == Medium.GAS:
            raise ValidationError({"route": _(
                "A waste gas outlet always discharges directly to the air; only wastewater outlets can be indirect.")})
        plant = self.receiving_plant
        if plant is None:
            raise ValidationError({"receiving_plant": _(
                "An indirect outlet must name the wastewater treatment plant that receives it.")})
        if self.enterprise_id is not None and plant.pk == self.enterprise_id:
            raise ValidationError({"receiving_plant": _(
                "An outlet cannot discharge indirectly into its own enterprise; "
                "a treatment plant's effluent outlet is a direct outlet.")})
        if self.enterprise_id is not None and plant.park_id != self.enterprise.park_id:
            raise ValidationError({"receiving_plant": _(
                "%(plant)s is not in this enterprise's park; an indirect outlet discharges into a "
                "treatment plant of the same park.") % {"plant": plant.name}})
        if not plant.outlets.filter(medium=Medium.WATER, route=DischargeRoute.DIRECT, is_active=True).exists():
            raise ValidationError({"receiving_plant": _(
                "%(plant)s has no direct wastewater outlet; register the plant's effluent outlet first, "
                "so that what it discharges is counted.") % {"plant": plant.name}})

    def _clean_plant_keeps_effluent(self) -> None:
        """A plant that receives indirect outlets keeps at least one active direct wastewater outlet."""
        if self.pk is None or self.enterprise_id is None:
            return
        if self.medium == Medium.WATER and self.route == DischargeRoute.DIRECT and self.is_active:
            return
        others = Outlet.objects.filter(enterprise_id=self.enterprise_id, medium=Medium.WATER,
                                       route=DischargeRoute.DIRECT, is_active=True).exclude(pk=self.pk)
        if Outlet.objects.filter(receiving_plant_id=self.enterprise_id).exists() and not others.exists():
            raise ValidationError({"route": _(
                "Other outlets discharge into this enterprise as a treatment plant; it must keep a direct "
                "wastewater outlet (its effluent).")})


class MonitoringPointQuerySet(ParkScopedQuerySet):
    distinct_rows = True

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Park-wide roles see their parks' points; an enterprise user sees only their own outlets' points."""
        return self.park_rule(actor) | models.Q(outlet__enterprise__accounts__user_id=actor.user_id)


class MonitoringPoint(models.Model):
    """A data logger (数采仪) identified by its MN, usually at an outlet."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="points", verbose_name=_("park"))
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="points", verbose_name=_("outlet")
    )
    name = models.CharField(_("name"), max_length=100)
    mn = models.CharField(_("MN"), max_length=32, unique=True, validators=[validate_mn])
    password = models.CharField(_("access password"), max_length=32)
    protocol_version = models.CharField(
        _("protocol version"), max_length=4, choices=ProtocolVersion.choices, default=ProtocolVersion.HJ212_2017
    )
    st = models.CharField(_("system code (ST)"), max_length=2, default="32")
    crc_mode = models.CharField(_("CRC mode"), max_length=10, choices=CrcMode.choices, default=CrcMode.HJ212)
    rtd_interval_s = models.PositiveIntegerField(
        _("real-time interval (s)"), default=60, validators=[MinValueValidator(30), MaxValueValidator(3600)]
    )
    min_interval_min = models.PositiveIntegerField(_("minute-data interval (min)"), default=10)
    measuring_cycle_min = models.PositiveIntegerField(
        _("analyser measuring cycle (min)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("How often the analyser measures (e.g. a COD analyser every 60 or 120 minutes); "
                    "the expected number of values per hour and day follows from it. Blank: continuous."),
    )
    sends_hourly = models.BooleanField(_("sends hourly data"), default=True)
    sends_daily = models.BooleanField(_("sends daily data"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MonitoringPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring point")
        verbose_name_plural = _("monitoring points")
        ordering = ["park", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.mn})"

    @property
    def enterprise(self) -> Enterprise | None:
        return self.outlet.enterprise if self.outlet_id else None  # type: ignore[union-attr]


class Permit(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="permits")
    number = models.CharField(_("permit number"), max_length=40, unique=True)
    management_class = models.CharField(
        _("management class"), max_length=12, choices=PermitClass.choices, default=PermitClass.KEY
    )
    issuer = models.CharField(_("issued by"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))

    class Meta:
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["-valid_to"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gt=models.F("valid_from")), name="permit_valid_range")
        ]

    def __str__(self) -> str:
        return self.number


class LimitVariant(models.TextChoices):
    """Which of a standard's conditional values a permit limit is (issue 15 rule 9)."""

    WATER_TEMPERATURE = "water_temp_12c", _("Water temperature: the bracketed value at or below 12 °C (GB 18918-2002)")
    SPECIAL = "special_limits", _("Special emission limit (designated area)")
    SPECIAL_PRODUCTS = "special_products", _("Product-specific value (GB 31571-2015)")
    FURNACE_850 = "furnace_ge_850c", _("Furnace temperature at or above 850 °C (GB 31571-2015)")
    BUILT_BEFORE_2006 = "built_before_2006", _("Plant built before 2006 (GB 18918-2002 total phosphorus)")
    REGIONAL = "regional", _("Regional value of the standard")


class PermitLimit(models.Model):
    """A pollutant's limits in a permit: concentration (per outlet or all) and annual load.

    ``variant`` names the standard's conditional value the row is. For the water-temperature variant the
    concentration limit is the value above 12 °C and ``cold_limit`` the one at or below 12 °C, chosen for
    each period by its water temperature; the other variants are fixed conditions of the plant and the
    concentration limit is their value.
    """

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="limits")
    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, null=True, blank=True, related_name="limits", verbose_name=_("outlet")
    )
    pollutant_code = models.CharField(_("pollutant code"), max_length=10)
    concentration_limit = models.DecimalField(
        _("concentration limit"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    standard_ref = models.CharField(_("standard reference"), max_length=120, blank=True)
    variant = models.CharField(_("limit variant"), max_length=20, choices=LimitVariant.choices, blank=True)
    cold_limit = models.DecimalField(
        _("limit at or below 12 °C water temperature"), max_digits=12, decimal_places=4, null=True, blank=True,
        help_text=_("For the water-temperature variant: the bracketed value of GB 18918-2002 表1."))
    annual_load_t = models.DecimalField(
        _("permitted annual load (t)"), max_digits=12, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("permit limit")
        verbose_name_plural = _("permit limits")
        ordering = ["permit", "pollutant_code"]
        constraints = [
            models.UniqueConstraint(fields=["permit", "outlet", "pollutant_code"], name="permit_limit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pollutant_code} ≤ {self.concentration_limit} {self.unit}"

    def clean(self) -> None:
        super().clean()
        if self.variant == LimitVariant.WATER_TEMPERATURE and self.cold_limit is None:
            raise ValidationError({"cold_limit": _("The water-temperature variant needs the limit at or below 12 °C.")})
        if self.cold_limit is not None and self.variant != LimitVariant.WATER_TEMPERATURE:
            raise ValidationError({"cold_limit": _("Only the water-temperature variant has a limit at or below 12 °C.")})
