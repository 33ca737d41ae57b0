from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role, UnitKind


class ParkQuerySet(models.QuerySet):
    def visible_to(self, user):  # type: ignore[no-untyped-def]
        actor = actor_for(user)
        if actor.is_superuser:
            return self
        return self.filter(pk__in=list(actor.roles_by_park))


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):  # type: ignore[no-untyped-def]
        """Units are visible to everyone who sees their park (not to enterprise users)."""
        actor = actor_for(user)
        if actor.is_superuser:
            return self
        return self.filter(park_id__in=list(actor.park_wide_ids))


class Park(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    county = models.CharField(_("county"), max_length=60)
    province = models.CharField(_("province"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)

    objects = ParkQuerySet.as_manager()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="units", verbose_name=_("park"))
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    duty = models.TextField(_("duties"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["park", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="org_unit_unique_name_per_park")]

    def __str__(self) -> str:
        return self.short_name or self.name


class Person(models.Model):
    """Profile of a user: the name, phone and position shown to colleagues."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    position = models.CharField(_("position"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("park"))
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "park", "unit", "role"], name="org_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.park}"
