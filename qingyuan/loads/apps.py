from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

NAV_LABEL = gettext_noop("Loads")  # the nav link in base.html; its translation lives in this app's catalogue


class LoadsConfig(AppConfig):
    name = "qingyuan.loads"
    verbose_name = _("Load control and environmental capacity")

    def ready(self) -> None:
        from qingyuan.core import worker
        from qingyuan.core.notify import register_kind
        from qingyuan.enterprises.page import register_section
        from qingyuan.loads import cache, enterprise_page, rebound, services, substituted
        from qingyuan.quality.queue import register_period_listener
        from qingyuan.quality.views import register_compliance_context

        cache.connect()
        register_period_listener(substituted.on_period)  # HJ 75 substituted hours, stored (rule 7)
        worker.register("loads.ledger", services.ledger_step, every=300)
        worker.register("loads.alerts", services.alerts_step, every=3600)
        worker.register("loads.rebound", rebound.step, every=6 * 3600)
        register_compliance_context(services.compliance_context)
        register_section("loads", enterprise_page.section)
        register_kind("loads.alert", _("An enterprise's projected load nears or passes its quota"))
