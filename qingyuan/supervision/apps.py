from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "qingyuan.supervision"
    verbose_name = _("Democratic supervision group")

    def ready(self) -> None:
        pass
