"""Statuses, categories, channels and case types of complaints and petitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    ODOUR = "odour", _("Odour")
    WASTE_WATER = "waste_water", _("Waste water")
    SMOKE_DUST = "smoke_dust", _("Smoke or dust")
    NOISE = "noise", _("Noise")
    SOLID_WASTE = "solid_waste", _("Solid waste")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    ONLINE = "online", pgettext_lazy("complaint channel", "Online")
    HOTLINE = "hotline", _("12369 hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    TRANSFER = "transfer", _("Transfer from another agency")


class CaseType(models.TextChoices):
    """A pollution report follows the park's enforcement clocks; a petition the 信访工作条例 clocks."""

    COMPLAINT = "complaint", _("Environmental complaint")
    PETITION = "petition", _("Petition (信访)")


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("complaint status", "Awaiting acceptance")
    ACCEPTED = "accepted", pgettext_lazy("complaint status", "Accepted")
    IN_HANDLING = "in_handling", pgettext_lazy("complaint status", "Being handled")
    REPLIED = "replied", pgettext_lazy("complaint status", "Replied")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("complaint status", "Not accepted")
    RETURNED = "returned", pgettext_lazy("complaint status", "Returned by the unit")
    MERGED = "merged", pgettext_lazy("complaint status", "Merged with another complaint")


# Someone still has to act on these (the office or the handling unit).
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.ACCEPTED, Status.IN_HANDLING, Status.RETURNED})
# Waiting on the office: acceptance (15-day clock) or re-routing.
OFFICE_STATUSES = frozenset({Status.RECEIVED, Status.RETURNED})
# Waiting on the handling unit (handling clock).
UNIT_STATUSES = frozenset({Status.ACCEPTED, Status.IN_HANDLING})
# What the public sees: the statuses with public labels (a merged complaint shows its case's).
FINISHED_STATUSES = frozenset({Status.REPLIED, Status.CLOSED, Status.NOT_ACCEPTED})


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RoutingBasis(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise named")
    PLACE = "place", _("Nearest enterprise to the place")
    RULE = "rule", _("Category rule")
    TRIAGE = "triage", _("Office triage")
    MANUAL = "manual", _("Chosen by the office")


class ReviewLevel(models.IntegerChoices):
    """0: an original case; 1: a review (复查) of it; 2: a re-review (复核), after which nothing more."""

    ORIGINAL = 0, _("Original case")
    REVIEW = 1, _("Review (复查)")
    RE_REVIEW = 2, _("Re-review (复核)")


class ReceiptSource(models.TextChoices):
    """How the complainant's receipt of the written reply is known (the review clock runs from it)."""
    SMS = "sms", _("Text message delivered")
    SIGNED = "signed", _("Signed receipt")


class SmsPurpose(models.TextChoices):
    OTHER = "", _("Other")
    REPLY = "reply", _("The reply")


class SmsStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("text message", "Pending")
    SENT = "sent", pgettext_lazy("text message", "Sent")
    FAILED = "failed", pgettext_lazy("text message", "Failed")


PHOTO = "complaint_photo"                # a citizen's photo: staff only
PUBLIC_PHOTO = "complaint_photo_public"  # staff marked it public: shown on the tracking page
