"""Kinds and statuses of load control, the capacity ledger and the rebound watch."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The pollutants under total-load control (NOTES §10): COD, NH3-N, SO2, NOx. Any other permit pollutant
# with a permitted annual load is followed too.
KEY_POLLUTANTS: tuple[str, ...] = ("w01018", "w21003", "a21026", "a21002")


class EntryKind(models.TextChoices):
    CLOSURE = "closure", _("Closure, relocation or change of business")
    REDUCTION = "reduction", _("Rectification measure")
    NEW_PROJECT = "new_project", _("Approved new project")
    ADJUSTMENT = "adjustment", _("Adjustment")


class BaselineSource(models.TextChoices):
    PERMIT = "permit", _("From the permit")
    MANUAL = "manual", _("Entered by the office")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("project", "Proposed")
    APPROVED = "approved", pgettext_lazy("project", "Approved")
    REJECTED = "rejected", pgettext_lazy("project", "Rejected")


class AlertLevel(models.TextChoices):
    OK = "ok", pgettext_lazy("load", "Within quota")
    WARNING = "warning", pgettext_lazy("load", "Approaching the quota")
    OVER = "over", pgettext_lazy("load", "Quota reached")


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rebound", "Open")
    CLOSED = "closed", pgettext_lazy("rebound", "Closed")


class MissingHours(models.TextChoices):
    """How invalid or missing hours of a flue-gas CEMS count in the emission mass (docs/loads-and-sections.md)."""

    HJ75 = "hj75", _("Substitute as HJ 75-2017 sets (previous and next valid hour; largest of the previous 720)")
    NONE = "none", _("No substitution: measured hours only")
