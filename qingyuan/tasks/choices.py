"""Statuses and levels of assignments and supervision checks.

Labels carry the message context "assignment" so another app's translation of the same
English word (In progress, Completed, Pending ...) never replaces ours.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from qingyuan.core.work import Colour


class AssignmentStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("assignment", "Awaiting signature")
    IN_PROGRESS = "in_progress", pgettext_lazy("assignment", "In progress")
    RETURNED = "returned", pgettext_lazy("assignment", "Returned by the unit")
    SUBMITTED = "submitted", pgettext_lazy("assignment", "Awaiting verification")
    COMPLETED = "completed", pgettext_lazy("assignment", "Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("assignment", "Withdrawn")


# Open: someone still has to act. Escalating: the assignee unit has to act, so the ladder runs.
OPEN_STATUSES = frozenset({
    AssignmentStatus.ISSUED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.RETURNED, AssignmentStatus.SUBMITTED,
})
ESCALATING_STATUSES = frozenset({AssignmentStatus.ISSUED, AssignmentStatus.IN_PROGRESS})


class Priority(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("assignment", "Normal")
    URGENT = "urgent", pgettext_lazy("assignment", "Urgent")
    CRITICAL = "critical", pgettext_lazy("assignment", "Most urgent")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, pgettext_lazy("assignment", "On schedule")
    REMINDER = 1, pgettext_lazy("assignment", "Reminder")
    URGED = 2, pgettext_lazy("assignment", "Urged (催办)")
    SUPERVISED = 3, pgettext_lazy("assignment", "Supervised (督办)")
    LISTED = 4, pgettext_lazy("assignment", "Listed supervision (挂牌督办)")

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
    PROGRESS = "progress", pgettext_lazy("assignment", "Progress report")
    COMPLETION = "completion", pgettext_lazy("assignment", "Completion report")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("assignment", "Pending")
    APPROVED = "approved", pgettext_lazy("assignment", "Approved")
    REFUSED = "refused", pgettext_lazy("assignment", "Refused")
    LAPSED = "lapsed", pgettext_lazy("assignment", "Lapsed")  # the assignment moved on (submitted, returned, withdrawn) before a decision


class Rating(models.TextChoices):
    GOOD = "good", pgettext_lazy("assignment", "Good")
    NEEDS_IMPROVEMENT = "needs_improvement", pgettext_lazy("assignment", "Needs improvement")
    POOR = "poor", pgettext_lazy("assignment", "Poor")


class CheckStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("supervision check", "Planned")
    COMPLETED = "completed", pgettext_lazy("supervision check", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("supervision check", "Cancelled")
