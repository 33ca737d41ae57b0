from django.contrib import admin

from qingyuan.inspections.models import DrawItem, Finding, Patrol, PatrolPlan, RandomDraw


class ReadOnlyAdmin(admin.ModelAdmin):
    """Patrols, findings, plans and draws change only through the actions (audited); the admin reads."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under a read-only parent; nothing to add, change or delete here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["text", "severity", "checklist_item", "status", "assignment"]
    readonly_fields = fields


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "kind", "started_at", "recorded_by_name", "park"]
    list_filter = ["park", "kind"]
    search_fields = ["enterprise__name", "recorded_by_name"]
    date_hierarchy = "started_at"
    inlines = [FindingInline]


@admin.register(PatrolPlan)
class PatrolPlanAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "computed_days", "override_days", "pressure", "last_patrol_on", "next_due"]
    search_fields = ["enterprise__name"]


class DrawItemInline(ReadOnlyInline):
    model = DrawItem
    fields = ["position", "enterprise", "inspector_1", "inspector_2"]
    readonly_fields = fields


@admin.register(RandomDraw)
class RandomDrawAdmin(ReadOnlyAdmin):
    list_display = ["title", "drawn_on", "drawn_by_name", "sample_size", "published", "park"]
    list_filter = ["park", "published"]
    inlines = [DrawItemInline]
