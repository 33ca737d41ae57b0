from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulatorConfig(AppConfig):
    """Simulated HJ 212 data loggers (``manage.py simulate``); it owns no models."""

    name = "qingyuan.simulator"
    verbose_name = _("Device simulator")
