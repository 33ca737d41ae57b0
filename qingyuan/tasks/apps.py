from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "qingyuan.tasks"
    verbose_name = _("Assignments and supervision")

    def ready(self) -> None:
        from qingyuan.core import worker
        from qingyuan.core.notify import register_kind
        from qingyuan.core.work import register_provider
        from qingyuan.enterprises.page import register_section
        from qingyuan.monitoring.holds import register_hold
        from qingyuan.tasks import enterprise_page, escalation, holds, services

        for kind, label in KINDS.items():
            register_kind(kind, label)
        worker.register("escalate", escalation.handle_one_escalation)
        register_provider(services.work_items)
        register_section("tasks", enterprise_page.section)
        register_hold("assignments", holds.assignment_holds)


KINDS = {
    "assignment.issued": _("Assignment issued to my unit"),
    "assignment.signed": _("Assignment signed for"),
    "assignment.progress": _("Assignment progress reported"),
    "assignment.extension_requested": _("Assignment extension requested"),
    "assignment.extension_decided": _("Assignment extension approved or refused"),
    "assignment.returned": _("Assignment returned as not within the unit's remit"),
    "assignment.submitted": _("Assignment completion submitted"),
    "assignment.verified": _("Assignment completion accepted or sent back"),
    "assignment.withdrawn": _("Assignment withdrawn"),
    "assignment.escalated": _("Assignment escalated (reminder, 催办, 督办, 挂牌督办)"),
    "supervision.finding": _("Supervision check finding about my unit"),
}
