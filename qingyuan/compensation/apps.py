from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    name = "qingyuan.compensation"
    verbose_name = _("Compensation and buy-back")

    def ready(self) -> None:
        pass
