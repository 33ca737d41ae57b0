from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    """The joint between the HJ 212 gateway and the database; it owns no models."""

    name = "qingyuan.ingest"
    verbose_name = _("Packet ingest")
