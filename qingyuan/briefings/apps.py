from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    name = "qingyuan.briefings"
    verbose_name = _("Work briefings")

    def ready(self) -> None:
        from qingyuan.briefings import jobs, monthly
        from qingyuan.core import notify, worker

        jobs.connect()
        notify.register_kind("briefing.issued", _("A work briefing was issued to my unit"))
        worker.register("briefings.monthly_workbook", monthly.handle_one_month, every=3600)
