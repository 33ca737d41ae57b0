from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "qingyuan.complaints"
    verbose_name = _("Complaints and petitions")

    def ready(self) -> None:
        from qingyuan.complaints import (  # noqa: F401  (conf reads the environment)
            actions,
            conf,
            enterprise_page,
            holds,
            pressure,
            restdays_office,
            services,
            sms,
        )
        from qingyuan.complaints.models import Complaint
        from qingyuan.core import plugins, work, worker
        from qingyuan.core.notify import register_kind
        from qingyuan.enterprises.page import register_section
        from qingyuan.inspections.services import register_pressure_source
        from qingyuan.monitoring.holds import register_hold

        for kind, label in KINDS.items():
            register_kind(kind, label)
        work.register_provider(services.work_items)
        register_section("complaints", enterprise_page.section)
        register_pressure_source("complaints", pressure.complaints, cases=Complaint)
        register_hold("complaints", holds.complaint_holds)
        worker.register("send_sms", sms.send_one)
        worker.register("close_complaints", actions.close_one, every=600)
        worker.register("mirror_complaint_extensions", actions.mirror_extension_one, every=60)
        worker.register("warn_missing_rest_days", restdays_office.warn_missing_year_one, every=3600)
        plugins.register_panel("rest-days-missing", "cockpit", "complaints/partials/rest_days_panel.html",
                               restdays_office.panel_context, order=5)


KINDS = {
    "complaint.received": _("New complaint or petition to accept"),
    "complaint.returned": _("Complaint returned by a unit as not theirs"),
    "complaint.extension": _("Complaint extension requested"),
    "complaint.dissatisfied": _("Complainant dissatisfied with a reply"),
    "restdays.missing": _("The coming year's rest days are missing"),
}
