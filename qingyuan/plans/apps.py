from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

NAV_LABEL = gettext_noop("Plans")  # the nav link in base.html; its translation lives in this app's catalogue


class PlansConfig(AppConfig):
    name = "qingyuan.plans"
    verbose_name = _("Rectification plans")

    def ready(self) -> None:
        from qingyuan.core.notify import register_kind
        from qingyuan.core.work import register_provider
        from qingyuan.enterprises.page import register_section
        from qingyuan.plans import enterprise_page, services

        register_kind("plans.park_plan", _("Park implementation plan"))
        register_kind("plans.plan", _("Rectification plan decisions"))
        register_kind("plans.review", _("Expert review of plans"))
        register_kind("plans.measure", _("Progress of plan measures"))
        register_kind("plans.acceptance", _("Acceptance of plans"))
        register_provider(services.work_items)
        register_section("plans", enterprise_page.section)
