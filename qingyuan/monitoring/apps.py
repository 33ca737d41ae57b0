from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "qingyuan.monitoring"
    verbose_name = _("Online monitoring")

    def ready(self) -> None:
        from qingyuan.monitoring import worker

        worker.register_steps()
