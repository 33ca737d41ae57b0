from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qingyuan.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from qingyuan.core import (
            checks,  # noqa: F401  (registers the system checks)
            notify,
            throttle,
            tokens,
            worker,
        )

        worker.register("deliver_notifications", notify.deliver_one)
        tokens.connect_signals()
        throttle.connect_signals()
