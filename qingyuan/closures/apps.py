from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosuresConfig(AppConfig):
    name = "qingyuan.closures"
    verbose_name = _("Closures, relocations and conversions")

    def ready(self) -> None:
        pass
