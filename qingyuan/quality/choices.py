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
