from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    APPRAISAL = "appraisal", _("Inventory and appraisal")
    NEGOTIATION = "negotiation", _("Negotiation")
    AGREED = "agreed", pgettext_lazy("compensation", "Agreed")
    PAYING = "paying", _("Paying")
    PAID = "paid", _("Fully paid")
    DISPUTED = "disputed", _("Disputed")


class AssetKind(models.TextChoices):
    LAND = "land", _("Land")
    BUILDING = "building", _("Buildings")
    EQUIPMENT = "equipment", _("Equipment")


# The unit each kind of asset is counted in (land in mu, buildings in m², equipment by the piece).
ASSET_UNITS = {AssetKind.LAND: _("mu"), AssetKind.BUILDING: _("m²"), AssetKind.EQUIPMENT: pgettext_lazy("asset unit", "units")}


class BudgetLine(models.TextChoices):
    COUNTY = "county", _("County budget")
    PARK = "park", _("Park funds")
    SUBSIDY = "subsidy", _("Higher-level subsidy")


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute", "Open")
    RESOLVED = "resolved", pgettext_lazy("dispute", "Resolved")


class InstalmentState(models.TextChoices):
    """Computed, not stored: where an instalment stands today."""

    PAID = "paid", pgettext_lazy("instalment", "Paid")
    OVERDUE = "overdue", pgettext_lazy("instalment", "Overdue")
    PAYABLE = "payable", pgettext_lazy("instalment", "Payable")
    GATED = "gated", _("Waiting for its condition")
