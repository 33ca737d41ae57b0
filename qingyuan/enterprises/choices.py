from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    RECTIFYING = "rectifying", _("Rectifying")
    RECTIFIED = "rectified", _("Rectified")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")
    RELOCATED = "relocated", _("Relocated")
    TRANSFORMED = "transformed", _("Transformed")


class RiskClass(models.TextChoices):
    MAJOR = "major", _("Major risk")
    HIGHER = "higher", _("Higher risk")
    GENERAL = "general", _("General risk")


class Industry(models.TextChoices):
    """Divisions of GB/T 4754-2017 met in a chemical park."""

    C25 = "C25", _("Petroleum, coal and other fuel processing")
    C26 = "C26", _("Chemical raw materials and chemical products")
    C27 = "C27", _("Pharmaceuticals")
    C28 = "C28", _("Chemical fibres")
    C29 = "C29", _("Rubber and plastic products")
    C30 = "C30", _("Non-metallic mineral products")
    C33 = "C33", _("Metal products")
    D44 = "D44", _("Power and heat supply")
    N77 = "N77", _("Ecological protection and environmental treatment")
    OTHER = "other", _("Other")


class Medium(models.TextChoices):
    WATER = "water", _("Waste water")
    GAS = "gas", _("Waste gas")


class ProtocolVersion(models.TextChoices):
    HJ212_2005 = "2005", "HJ/T 212-2005"
    HJ212_2017 = "2017", "HJ 212-2017"
    HJ212_2025 = "2025", "HJ 212-2025"


class CrcMode(models.TextChoices):
    HJ212 = "hj212", _("HJ 212 CRC (standard)")
    MODBUS = "modbus", _("Modbus CRC, high byte first")
    MODBUS_LE = "modbus_le", _("Modbus CRC, low byte first")


class PermitClass(models.TextChoices):
    KEY = "key", _("Key management")
    SIMPLIFIED = "simplified", _("Simplified management")


class DischargeRoute(models.TextChoices):
    """排放方式 of an outlet as the discharge permit states it."""

    DIRECT = "direct", _("Direct discharge (to the environment)")
    INDIRECT = "indirect", _("Indirect discharge (to a wastewater treatment plant)")
