from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qingyuan.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from qingyuan.core import (
            checks,  # noqa: F401  (registers the system checks)
            jobs,
            notify,
            throttle,
            tokens,
            worker,
        )

        worker.register("deliver_notifications", notify.deliver_one)
        worker.register("jobs", jobs.handle_one_job)
        tokens.connect_signals()
        throttle.connect_signals()
