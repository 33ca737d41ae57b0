from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    AD_HOC = "ad_hoc", pgettext_lazy("survey", "Ad hoc")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey", "Draft")
    OPEN = "open", pgettext_lazy("survey", "Open")
    CLOSED = "closed", pgettext_lazy("survey", "Closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    LIKERT = "likert", _("Likert scale (5 points)")
    TEXT = "text", _("Free text")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone (SMS verified)")
    PAPER = "paper", _("Paper")


# The five points of the satisfaction scale; the first two count as satisfied.
LIKERT_LABELS = ["满意", "基本满意", "一般", "不满意", "很不满意"]
SATISFIED_POINTS = (1, 2)  # 1-based positions on the scale
