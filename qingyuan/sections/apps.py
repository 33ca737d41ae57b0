from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

NAV_LABEL = gettext_noop("Water sections")  # the nav link in base.html; translated in this app's catalogue


class SectionsConfig(AppConfig):
    name = "qingyuan.sections"
    verbose_name = _("Water sections")
