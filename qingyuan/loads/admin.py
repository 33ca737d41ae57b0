from django.contrib import admin

from qingyuan.core.admin import AuditedAdmin
from qingyuan.loads.models import ExcludedPoint, LoadPolicy


@admin.register(LoadPolicy)
class LoadPolicyAdmin(AuditedAdmin):
    list_display = ("park", "baseline_year", "warn_percent", "alert_percent", "rebound_window_months")


@admin.register(ExcludedPoint)
class ExcludedPointAdmin(AuditedAdmin):
    list_display = ("point", "reason")
    raw_id_fields = ("point",)
