from django.contrib import admin

from qingyuan.alarms.models import Alarm, AlarmPolicy


@admin.register(AlarmPolicy)
class AlarmPolicyAdmin(admin.ModelAdmin):
    """Thresholds are configuration: edited here (saved without the audit trail of ``do_set_policy``)."""

    list_display = ("park", "approach_percent", "constant_minutes", "drop_percent", "offline_hours", "deadline_days",
                    "updated_at")


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    """Read-only: alarms change only through the engine and the workflow actions."""

    list_display = ("id", "kind", "severity", "status", "point", "parameter", "start", "end", "count")
    list_filter = ("kind", "severity", "status")
    search_fields = ("point__name", "point__mn", "enterprise__name")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
