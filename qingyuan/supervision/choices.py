"""Member types, opinion statuses, answer ratings and participation statuses of the supervision group.

Labels carry the message context "supervision" so another app's translation of the same English
word (Filed, Answered, Invited ...) never replaces ours.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class MemberType(models.TextChoices):
    DEPUTY = "deputy", pgettext_lazy("supervision", "People's congress deputy")
    CPPCC = "cppcc", pgettext_lazy("supervision", "CPPCC member")
    VILLAGER = "villager", pgettext_lazy("supervision", "Village representative")
    MEDIA = "media", pgettext_lazy("supervision", "Media")


class OpinionStatus(models.TextChoices):
    FILED = "filed", pgettext_lazy("supervision", "Awaiting the unit's answer")
    ANSWERED = "answered", pgettext_lazy("supervision", "Answered, awaiting rating")
    RATED = "rated", pgettext_lazy("supervision", "Rated")
    WITHDRAWN = "withdrawn", pgettext_lazy("supervision", "Withdrawn")


# The unit still has to answer: the escalation ladder runs.
ESCALATING = frozenset({OpinionStatus.FILED})


class AnswerRating(models.TextChoices):
    SATISFIED = "satisfied", pgettext_lazy("supervision", "Satisfied")
    BASICALLY = "basically", pgettext_lazy("supervision", "Basically satisfied")
    NOT_SATISFIED = "not_satisfied", pgettext_lazy("supervision", "Not satisfied")


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("supervision", "Invited")
    REQUESTED = "requested", pgettext_lazy("supervision", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("supervision", "Taking part")
    DECLINED = "declined", pgettext_lazy("supervision", "Declined")
    REFUSED = "refused", pgettext_lazy("supervision", "Request refused")
