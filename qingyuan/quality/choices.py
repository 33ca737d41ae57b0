from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Period(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class Source(models.TextChoices):
    """Where the value of an aggregate row comes from."""

    COMPUTED = "computed", _("Computed from minute data")  # the device sent no value for the period
    DEVICE = "device", _("Sent by the device")  # its 2061 hourly / 2031 daily value; ours is compared


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("declaration", "Submitted")
    APPROVED = "approved", pgettext_lazy("declaration", "Approved")
    REJECTED = "rejected", pgettext_lazy("declaration", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("declaration", "Withdrawn")


class CalibrationKind(models.TextChoices):
    """Quality-control checks whose failure puts the data out of control (HJ 75-2017, HJ 355-2019)."""

    ZERO = "zero", _("Zero calibration")  # 零点校准
    SPAN = "span", _("Span calibration")  # 量程校准
    COMPARISON = "comparison", _("Comparison test")  # 比对 (with the reference method or a standard sample)


class CalibrationSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    DEVICE = "device", _("From the device")
