from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosuresConfig(AppConfig):
    name = "qingyuan.closures"
    verbose_name = _("Closures, relocations and conversions")

    def ready(self) -> None:
        from qingyuan.closures import enterprise_page, holds, services
        from qingyuan.enterprises.page import register_link, register_section
        from qingyuan.monitoring.holds import register_hold

        register_section("closures", enterprise_page.section)
        register_link("closure", services.closure_url)
        register_hold("closures", holds.closure_holds)
