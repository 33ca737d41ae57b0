from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "qingyuan.inspections"
    verbose_name = _("Patrols and random inspections")

    def ready(self) -> None:
        from qingyuan.core import worker
        from qingyuan.core.notify import register_kind
        from qingyuan.core.work import register_provider
        from qingyuan.enterprises.page import register_section
        from qingyuan.inspections import enterprise_page, services, steps

        register_kind("patrol.findings", _("Patrol findings about my enterprise or linked enterprises"))
        register_kind("patrol.drawn", _("I was drawn for a random inspection"))
        register_provider(services.work_items)
        register_section("inspections", enterprise_page.section)
        worker.register("patrol_plans", steps.handle_one_plan_refresh, every=600)
