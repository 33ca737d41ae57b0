from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SectionKind(models.TextChoices):
    INBOUND = "inbound", _("Inbound section")
    IN_PARK = "in_park", _("In-park section")
    OUTBOUND = "outbound", _("Outbound section")


class Waterbody(models.TextChoices):
    RIVER = "river", pgettext_lazy("waterbody", "River")
    LAKE = "lake", pgettext_lazy("waterbody", "Lake")
    RESERVOIR = "reservoir", pgettext_lazy("waterbody", "Reservoir")


class TargetClass(models.TextChoices):
    I = "I", "Ⅰ"  # noqa: E741
    II = "II", "Ⅱ"
    III = "III", "Ⅲ"
    IV = "IV", "Ⅳ"
    V = "V", "Ⅴ"
