from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "qingyuan.supervision"
    verbose_name = _("Democratic supervision group")

    def ready(self) -> None:
        from qingyuan.core import plugins, worker
        from qingyuan.core.notify import register_kind
        from qingyuan.core.work import register_provider
        from qingyuan.supervision import access, escalation, services

        for kind, label in KINDS.items():
            register_kind(kind, label)
        worker.register("supervision_escalate", escalation.handle_one_opinion_escalation)
        register_provider(services.work_items)
        plugins.register_menu("supervision", _("Supervision group"), "supervision:list", group="governance",
                              visible=access.sees_group)
        plugins.register_panel("supervision", "home", "supervision/partials/home_panel.html", services.home_panel)


KINDS = {
    "opinion.filed": _("Supervision opinion addressed to my unit"),
    "opinion.answered": _("My supervision opinion was answered"),
    "opinion.rated": _("A supervision opinion's answer was rated"),
    "opinion.withdrawn": _("Supervision opinion withdrawn"),
    "opinion.escalated": _("Supervision opinion escalated (reminder, 催办, 督办, 挂牌督办)"),
    "participation.invited": _("Invitation to join an inspection"),
    "participation.requested": _("A member asks to join an inspection"),
    "participation.decided": _("Joining an inspection: accepted, declined, approved or refused"),
}
