from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "qingyuan.meetings"
    verbose_name = _("Leading-group meetings")

    def ready(self) -> None:
        from qingyuan.assessment.indicators import Definition, register
        from qingyuan.core import plugins, worker
        from qingyuan.core.notify import register_kind
        from qingyuan.meetings import indicators, panels, reminders

        plugins.register_menu("meetings", _("Meetings"), "meetings:list", group="governance", order=30,
                              visible=lambda actor: bool(actor.roles_by_park) or actor.is_superuser)
        plugins.register_panel("meetings.home", "home", "meetings/partials/home_panel.html", panels.home, order=20)
        plugins.register_panel("meetings.cockpit", "cockpit", "meetings/partials/cockpit_panel.html",
                               panels.cockpit, order=20)
        worker.register("meetings.reminders", reminders.handle_one_reminder, every=60)
        register_kind("meeting.notice", _("Meeting notices"))
        register_kind("meeting.reminder", _("Meeting reminders"))
        register_kind("meeting.minutes", _("Meeting minutes issued"))
        register(Definition("meeting_attendance", _("Attendance at leading-group meetings (%)"), "percent",
                            "meetings.invitation", indicators.attendance))
