"""Kinds and statuses of patrols, findings and random draws."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PatrolKind(models.TextChoices):
    PLANNED = "planned", _("Planned patrol")
    RANDOM = "random", _("Random inspection")
    SPECIAL = "special", _("Special or follow-up patrol")


class Answer(models.TextChoices):
    OK = "ok", _("Compliant")
    PROBLEM = "problem", _("Problem found")
    NA = "na", _("Not applicable")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    SEVERE = "severe", _("Severe")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Turned into an assignment")
    CLOSED = "closed", _("Closed without an assignment")
