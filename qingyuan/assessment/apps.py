from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "qingyuan.assessment"
    verbose_name = _("Target-responsibility assessment")

    def ready(self) -> None:
        from qingyuan.assessment import jobs  # noqa: F401  (registers the compute job)
