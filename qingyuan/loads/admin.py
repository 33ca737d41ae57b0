from django.contrib import admin

from qingyuan.loads.models import ExcludedPoint, LoadPolicy


@admin.register(LoadPolicy)
class LoadPolicyAdmin(admin.ModelAdmin):
    list_display = ("park", "baseline_year", "warn_percent", "alert_percent", "rebound_window_months")


@admin.register(ExcludedPoint)
class ExcludedPointAdmin(admin.ModelAdmin):
    list_display = ("point", "reason")
    raw_id_fields = ("point",)
