from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    AD_HOC = "ad_hoc", _("Ad hoc")


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("briefing", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("briefing", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("briefing", "Approved")
    ISSUED = "issued", pgettext_lazy("briefing", "Issued")


class Format(models.TextChoices):
    DOCX = "docx", _("Word (.docx)")
    PDF = "pdf", _("PDF")
