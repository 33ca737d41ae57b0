from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    name = "qingyuan.compensation"
    verbose_name = _("Compensation and buy-back")

    def ready(self) -> None:
        from qingyuan.compensation import panels
        from qingyuan.compensation.access import may_open_cases
        from qingyuan.core import plugins

        plugins.register_menu("compensation", _("Compensation and buy-back"), "compensation:list",
                              group="governance", visible=may_open_cases)
        plugins.register_panel("compensation", "cockpit", "compensation/partials/cockpit_panel.html",
                               panels.cockpit_context)
        plugins.register_panel("compensation-home", "home", "compensation/partials/cockpit_panel.html",
                               panels.home_context)
