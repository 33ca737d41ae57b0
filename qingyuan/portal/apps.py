from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "qingyuan.portal"
    verbose_name = _("Public disclosure portal")

    def ready(self) -> None:
        from qingyuan.core import plugins, worker
        from qingyuan.portal import digest
        from qingyuan.portal.access import manages_notices

        plugins.register_menu("portal_notices", _("Public notices"), "portal:manage", group="governance",
                              visible=manages_notices)
        plugins.register_menu("portal", _("Public portal"), "portal:index", group="public")
        worker.register("portal_digests", digest.handle_one_digest, every=300)
