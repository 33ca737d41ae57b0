from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "qingyuan.enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from qingyuan.core.notify import register_kind

        register_kind("enterprise.status", _("Enterprise status changes"))
