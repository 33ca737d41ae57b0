from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "qingyuan.quality"
    verbose_name = _("Data quality, aggregates and KPIs")

    def ready(self) -> None:
        from qingyuan.core.notify import register_kind
        from qingyuan.core.work import register_provider
        from qingyuan.enterprises.page import register_section
        from qingyuan.quality import enterprise_page, services, worker

        worker.register_steps()
        register_provider(services.work_items)
        register_section("quality", enterprise_page.section)
        register_kind("declaration.submitted", _("Stop-production declaration submitted"))
        register_kind("declaration.reviewed", _("Stop-production declaration approved or rejected"))
