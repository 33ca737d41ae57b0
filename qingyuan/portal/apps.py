from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "qingyuan.portal"
    verbose_name = _("Public disclosure portal")

    def ready(self) -> None:
        pass
