from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "qingyuan.monitoring"
    verbose_name = _("Online monitoring")

    def ready(self) -> None:
        from django.core import checks as django_checks

        from qingyuan.core import plugins
        from qingyuan.monitoring import checks, worker

        django_checks.register(checks.check_retention)

        worker.register_steps()
        plugins.register_menu("storage", _("Data storage"), "monitoring:storage", group="governance", order=90,
                              visible=lambda actor: actor.is_superuser)  # retention, holds, expiry (issue 16)
