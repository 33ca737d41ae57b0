from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    """Homes per role and the park map: read-only pages over the domain apps (no models)."""

    name = "qingyuan.cockpit"
    verbose_name = _("Cockpit")

    def ready(self) -> None:
        from qingyuan.cockpit.figures import register_figures
        from qingyuan.core import worker
        from qingyuan.loads import cache

        register_figures()
        worker.register("cockpit.figures", cache.refresh, every=5)
