from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "qingyuan.surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from qingyuan.assessment.indicators import Definition, register
        from qingyuan.core import plugins
        from qingyuan.org.choices import PARK_MANAGER_ROLES
        from qingyuan.surveys import indicator, panels

        register(Definition("survey_satisfaction", _("Villagers satisfied in the satisfaction survey (%)"), "percent",
                            "surveys.response", indicator.satisfaction))
        plugins.register_menu("surveys", _("Satisfaction surveys"), "surveys:index", group="governance",
                              visible=lambda actor: actor.is_superuser or bool(actor.park_ids_with(PARK_MANAGER_ROLES)))
        plugins.register_panel("surveys", "cockpit", "surveys/partials/cockpit_panel.html", panels.cockpit)
