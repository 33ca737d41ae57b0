from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadingKind(models.TextChoices):
    """The four periodic uploads of HJ 212, by the CN that carries them."""

    REALTIME = "realtime", _("Real-time")  # CN 2011, -Rtd
    MINUTE = "minute", _("Minute")  # CN 2051, -Avg/-Min/-Max/-Cou over the minute interval
    HOUR = "hour", _("Hour")  # CN 2061
    DAY = "day", _("Day")  # CN 2031


KIND_BY_CN = {
    "2011": ReadingKind.REALTIME,
    "2051": ReadingKind.MINUTE,
    "2061": ReadingKind.HOUR,
    "2031": ReadingKind.DAY,
}


class PacketVerdict(models.TextChoices):
    STORED = "stored", _("Stored")
    REJECTED = "rejected", _("Rejected")


class QuarantineReason(models.TextChoices):
    UNKNOWN_MN = "unknown_mn", _("Unknown MN")
    WRONG_PW = "wrong_pw", _("Wrong password")
    INACTIVE = "inactive", _("Point inactive")
    DECOMMISSIONED = "decommissioned", _("Point decommissioned (closure)")


class QuarantineResolution(models.TextChoices):
    """How an official closed a quarantine entry (the entry stays, as evidence)."""

    REGISTERED = "registered", _("Registered as a monitoring point")
    PASSWORD_UPDATED = "password_updated", _("Point's password updated to the device's")
    DISMISSED = "dismissed", _("Dismissed")


class CommandKind(models.TextChoices):
    SET_TIME = "set_time", _("Set the device clock")
    SET_OVERTIME = "set_overtime", _("Set the answer timeout and retries")
    SET_RTD_INTERVAL = "set_rtd_interval", _("Set the real-time interval")
    SET_MIN_INTERVAL = "set_min_interval", _("Set the minute-data interval")
    START_REALTIME = "start_realtime", _("Start real-time data")
    STOP_REALTIME = "stop_realtime", _("Stop real-time data")
    START_STATUS = "start_status", _("Start facility-status data")
    GET_FIELD_INFO = "get_field_info", _("Get field information")


# The CN each command goes out with.
COMMAND_CN = {
    CommandKind.SET_TIME: "1012",
    CommandKind.SET_OVERTIME: "1000",
    CommandKind.SET_RTD_INTERVAL: "1062",
    CommandKind.SET_MIN_INTERVAL: "1064",
    CommandKind.START_REALTIME: "2011",
    CommandKind.STOP_REALTIME: "2012",
    CommandKind.START_STATUS: "2021",
    CommandKind.GET_FIELD_INFO: "3020",
}
# Commands whose execution result comes as a 9012; the others are done when 9011 says QnRtn=1.
ANSWERED_BY_9012 = frozenset(
    {CommandKind.SET_TIME, CommandKind.SET_OVERTIME, CommandKind.SET_RTD_INTERVAL, CommandKind.SET_MIN_INTERVAL,
     CommandKind.GET_FIELD_INFO}
)
# The first-connection setup (HJ 212-2017 §6.7), in the order it is sent.
SETUP_KINDS = (
    CommandKind.SET_TIME, CommandKind.SET_OVERTIME, CommandKind.SET_RTD_INTERVAL, CommandKind.SET_MIN_INTERVAL,
    CommandKind.START_REALTIME, CommandKind.START_STATUS,
)


class CommandStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged (9011)")
    DONE = "done", _("Done (9012)")
    FAILED = "failed", _("Failed")


OPEN_COMMAND_STATUSES = (CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.ACKNOWLEDGED)

# HJ 212-2017 Table 9 (QnRtn) and Table 10 (ExeRtn).
QN_RTN = {
    "1": _("ready to execute"),
    "2": _("refused"),
    "3": _("wrong password"),
    "4": _("wrong MN"),
    "5": _("wrong ST"),
    "6": _("wrong Flag"),
    "7": _("wrong QN"),
    "8": _("wrong CN"),
    "9": _("wrong CRC"),
    "100": _("unknown error"),
}
EXE_RTN = {
    "1": _("succeeded"),
    "2": _("failed, reason unknown"),
    "3": _("wrong command request"),
    "4": _("communication timeout"),
    "5": _("system busy"),
    "6": _("system fault"),
    "100": _("no data"),
}
