from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoticeKind(models.TextChoices):
    CLOSURE_LIST = "closure_list", _("Closure list")
    ACCEPTANCE = "acceptance", _("Acceptance result")
    ASSESSMENT = "assessment", _("Assessment result")
    MILESTONE = "milestone", _("Plan milestone")
    OTHER = "other", pgettext_lazy("notice", "Other")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice", "Draft")
    APPROVED = "approved", pgettext_lazy("notice", "Approved")
    PUBLISHED = "published", pgettext_lazy("notice", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("notice", "Withdrawn")


# What the public may see of notices: published ones, and withdrawn ones marked as withdrawn.
PUBLIC_STATUSES = (NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN)
