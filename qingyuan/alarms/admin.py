from django.contrib import admin

from qingyuan.alarms.models import Alarm, AlarmPolicy
from qingyuan.core.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(AlarmPolicy)
class AlarmPolicyAdmin(AuditedAdmin):
    """Thresholds are configuration: edited here, audited (``alarmpolicy.update`` with before/after)."""

    list_display = ("park", "approach_percent", "constant_minutes", "drop_percent", "offline_hours", "deadline_days",
                    "updated_at")


@admin.register(Alarm)
class AlarmAdmin(ReadOnlyAdmin):
    """Read-only: alarms change only through the engine and the workflow actions."""

    list_display = ("id", "kind", "severity", "status", "point", "parameter", "start", "end", "count")
    list_filter = ("kind", "severity", "status")
    search_fields = ("point__name", "point__mn", "enterprise__name")
