"""Statuses and levels of assignments and supervision checks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingyuan.core.work import Colour


class AssignmentStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting signature")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURNED = "returned", _("Returned by the unit")
    SUBMITTED = "submitted", _("Awaiting verification")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Open: someone still has to act. Escalating: the assignee unit has to act, so the ladder runs.
OPEN_STATUSES = frozenset({
    AssignmentStatus.ISSUED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.RETURNED, AssignmentStatus.SUBMITTED,
})
ESCALATING_STATUSES = frozenset({AssignmentStatus.ISSUED, AssignmentStatus.IN_PROGRESS})


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Most urgent")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("On schedule")
    REMINDER = 1, _("Reminder")
    URGED = 2, _("Urged (催办)")
    SUPERVISED = 3, _("Supervised (督办)")
    LISTED = 4, _("Listed supervision (挂牌督办)")

    @property
    def colour(self) -> Colour:
        return LEVEL_COLOURS[self.value]


LEVEL_COLOURS = {
    EscalationLevel.NONE: Colour.NONE,
    EscalationLevel.REMINDER: Colour.BLUE,
    EscalationLevel.URGED: Colour.YELLOW,
    EscalationLevel.SUPERVISED: Colour.RED,
    EscalationLevel.LISTED: Colour.RED,
}


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    COMPLETION = "completion", _("Completion report")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("Lapsed")  # the assignment moved on (submitted, returned, withdrawn) before a decision


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")
    POOR = "poor", _("Poor")


class CheckStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
