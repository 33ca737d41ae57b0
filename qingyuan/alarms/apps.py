from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "qingyuan.alarms"
    verbose_name = _("Alarms")

    def ready(self) -> None:
        from qingyuan.alarms import engine, enterprise_page, holds, services, shown
        from qingyuan.alarms.models import Alarm
        from qingyuan.core import worker
        from qingyuan.core.notify import register_kind
        from qingyuan.core.work import register_provider
        from qingyuan.enterprises.page import register_section
        from qingyuan.inspections.services import register_pressure_source
        from qingyuan.monitoring.holds import register_hold
        from qingyuan.quality import queue
        from qingyuan.quality.services import register_limits_reader
        from qingyuan.quality.views import register_compliance_context

        queue.register_batch_listener(engine.on_batch)
        queue.register_period_listener(engine.on_periods)
        worker.register("alarms.devices", services.check_devices_step, every=60)
        register_provider(services.work_items)
        register_section("alarms", enterprise_page.section)
        register_compliance_context(enterprise_page.compliance_context)
        register_limits_reader(shown.limits_shown)  # the limits pages show are the engine's
        register_kind("alarm.raised", _("Alarm raised about my enterprise or a linked enterprise"))
        register_kind("alarm.updated", _("Alarm explained, sent back or verified"))
        register_pressure_source("alarms", services.alarm_pressure, cases=Alarm)
        register_hold("alarms", holds.alarm_holds)
