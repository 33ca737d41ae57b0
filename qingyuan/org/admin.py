from django.contrib import admin

from qingyuan.core.admin import AuditedAdmin
from qingyuan.org.models import Membership, Park, Person, Unit


@admin.register(Park)
class ParkAdmin(AuditedAdmin):
    list_display = ["name", "code", "county", "province"]
    search_fields = ["name", "county"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "park", "parent", "is_active"]
    list_filter = ["park", "kind", "is_active"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "user", "phone", "position"]
    search_fields = ["name", "user__username", "phone"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit", "park", "is_active"]
    list_filter = ["park", "role", "is_active"]
    search_fields = ["user__username", "user__person__name"]
    autocomplete_fields = ["unit"]
