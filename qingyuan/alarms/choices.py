from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AlarmKind(models.TextChoices):
    EXCEEDANCE = "exceedance", _("Exceedance")  # mean above the limit on the limit's averaging basis
    EXCEEDANCE_WARNING = "exceedance_warning", _("Hourly mean above a daily limit")  # early warning (water)
    APPROACHING = "approaching", _("Approaching the limit")
    CONSTANT = "constant", _("Constant value")
    ZERO = "zero", _("Zero values")
    NEGATIVE = "negative", _("Negative values")
    OVER_RANGE = "over_range", _("Over range (T)")
    FAULT = "fault", _("Instrument fault (D)")
    MAINTENANCE = "maintenance", _("Maintenance (M)")
    CALIBRATION = "calibration", _("Calibration (C)")
    COMM_ERROR = "comm_error", _("Instrument communication error (B)")
    MISSING = "missing", _("Missing data")
    OFFLINE = "offline", _("Device offline")
    FLOW_NO_CONC = "flow_no_conc", _("Flow without concentration")
    CONC_NO_FLOW = "conc_no_flow", _("Concentration without flow")
    SUDDEN_DROP = "sudden_drop", _("Sudden drop")
    MISMATCH = "mismatch", _("Device and computed values differ")
    # A valid value whose judgement needs what the same period lacks (no valid O2 for a corrected limit,
    # no water temperature where it decides the limit): a data-quality alarm, never a judgement of the raw value.
    CANNOT_JUDGE = "cannot_judge", _("Cannot judge against the limit")


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("alarm", "Low")
    MEDIUM = "medium", pgettext_lazy("alarm", "Medium")
    HIGH = "high", pgettext_lazy("alarm", "High")


SEVERITY_ORDER = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class AlarmStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alarm", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alarm", "Acknowledged")
    EXPLAINED = "explained", pgettext_lazy("alarm", "Explained")
    VERIFIED = "verified", pgettext_lazy("alarm", "Verified")
    CLOSED = "closed", pgettext_lazy("alarm", "Closed")


ACTIVE_STATUSES = (AlarmStatus.OPEN, AlarmStatus.ACKNOWLEDGED, AlarmStatus.EXPLAINED, AlarmStatus.VERIFIED)


class Verdict(models.TextChoices):
    """The regulator's screening (甄别) of an explained alarm."""

    ACCEPTED = "accepted", pgettext_lazy("alarm", "Explanation accepted")
    REJECTED = "rejected", pgettext_lazy("alarm", "Explanation rejected")
    REFERRED = "referred", pgettext_lazy("alarm", "Referred to enforcement")


class ExplanationKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance or calibration (maintenance record)")
    STOPPED = "stopped", _("Production stopped (stop-production proof)")
    INSTRUMENT = "instrument", _("Instrument or transmission fault (repair record)")
    PROCESS = "process", _("Process upset, being corrected (rectification record)")
    OTHER = "other", _("Other")
