from django.contrib import admin

from qingyuan.core.admin import AuditedAdmin
from qingyuan.enterprises.models import (
    Enterprise,
    EnterpriseAccount,
    MonitoringPoint,
    Outlet,
    Permit,
    PermitLimit,
)


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ["name", "credit_code", "status", "industry", "risk_class", "linked_unit", "park"]
    list_filter = ["park", "status", "industry", "risk_class"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["status", "status_since"]  # changed only through the lifecycle workflow


@admin.register(EnterpriseAccount)
class EnterpriseAccountAdmin(AuditedAdmin):
    list_display = ["user", "enterprise"]
    search_fields = ["user__username", "enterprise__name"]


@admin.register(Outlet)
class OutletAdmin(AuditedAdmin):
    list_display = ["code", "name", "medium", "route", "receiving_plant", "enterprise"]
    list_filter = ["medium", "route"]
    raw_id_fields = ["receiving_plant"]
    search_fields = ["code", "name", "enterprise__name"]


@admin.register(MonitoringPoint)
class MonitoringPointAdmin(AuditedAdmin):
    list_display = ["name", "mn", "protocol_version", "park", "is_active"]
    list_filter = ["park", "protocol_version", "is_active"]
    search_fields = ["mn", "name"]


class PermitLimitInline(admin.TabularInline):
    model = PermitLimit
    extra = 0


@admin.register(Permit)
class PermitAdmin(AuditedAdmin):
    list_display = ["number", "enterprise", "valid_from", "valid_to"]
    search_fields = ["number", "enterprise__name"]
    inlines = [PermitLimitInline]
