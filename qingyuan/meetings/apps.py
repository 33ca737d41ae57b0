from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "qingyuan.meetings"
    verbose_name = _("Leading-group meetings")

    def ready(self) -> None:
        pass
