"""Kinds and statuses of meetings, invitations, minutes and decisions.

Labels carry the message context "meeting" so another app's translation of the same English
word never replaces ours.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    LEADING_GROUP = "leading_group", pgettext_lazy("meeting", "Leading-group meeting")
    PROGRESS = "progress", pgettext_lazy("meeting", "Progress meeting")
    SPECIAL = "special", pgettext_lazy("meeting", "Special meeting")
    MOBILISATION = "mobilisation", pgettext_lazy("meeting", "Mobilisation meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting", "Planned")
    NOTIFIED = "notified", pgettext_lazy("meeting", "Notice sent")
    HELD = "held", pgettext_lazy("meeting", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("meeting", "Minutes in draft")
    SUBMITTED = "submitted", pgettext_lazy("meeting", "Minutes awaiting the chair")
    APPROVED = "approved", pgettext_lazy("meeting", "Minutes approved")
    ISSUED = "issued", pgettext_lazy("meeting", "Minutes issued")


class Response(models.TextChoices):
    PENDING = "pending", pgettext_lazy("meeting", "No reply yet")
    CONFIRMED = "confirmed", pgettext_lazy("meeting", "Will attend")
    DEPUTY = "deputy", pgettext_lazy("meeting", "Sends a deputy")
    ABSENT = "absent", pgettext_lazy("meeting", "Absent")


class ItemKind(models.TextChoices):
    TOPIC = "topic", pgettext_lazy("meeting", "Topic")
    REVIEW = "review", pgettext_lazy("meeting", "Review of last meeting's decisions")


class ReportKind(models.TextChoices):
    BRIEFING = "briefing", pgettext_lazy("meeting", "Latest work briefing")
    COCKPIT = "cockpit", pgettext_lazy("meeting", "Cockpit snapshot of the day")
    ENTERPRISE = "enterprise", pgettext_lazy("meeting", "Enterprise page")


class DecisionState(models.TextChoices):
    """A decision's live status, read from its assignment (never stored)."""

    PENDING = "pending", pgettext_lazy("meeting", "Awaiting approval of the minutes")
    ON_TRACK = "on_track", pgettext_lazy("meeting", "On track")
    OVERDUE = "overdue", pgettext_lazy("meeting", "Overdue")
    ESCALATED = "escalated", pgettext_lazy("meeting", "Escalated")
    DONE = "done", pgettext_lazy("meeting", "Done")
    WITHDRAWN = "withdrawn", pgettext_lazy("meeting", "Withdrawn")


STATE_CSS = {
    DecisionState.PENDING: "secondary", DecisionState.ON_TRACK: "primary", DecisionState.OVERDUE: "warning",
    DecisionState.ESCALATED: "danger", DecisionState.DONE: "success", DecisionState.WITHDRAWN: "secondary",
}


class ReminderKind(models.TextChoices):
    DAY = "day", pgettext_lazy("meeting", "One day before")
    HOUR = "hour", pgettext_lazy("meeting", "One hour before")
