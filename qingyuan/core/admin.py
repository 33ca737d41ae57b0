from __future__ import annotations

from typing import Any

from django.contrib import admin

from qingyuan.core import audit
from qingyuan.core.models import AuditEntry, Delivery, Notification, TransitionRecord, WebhookEndpoint


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write audit entries like every other action."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj)
        if before is not None:
            before, after = audit.changed(before, after)
            if not after:
                return
        after.pop("password", None)
        label = obj._meta.model_name
        audit.record(f"{label}.{'update' if change else 'create'}", obj, acting_user=request.user,
                     before=before, after=after, message="admin")

    def delete_model(self, request: Any, obj: Any) -> None:
        audit.record(f"{obj._meta.model_name}.delete", obj, acting_user=request.user,
                     before=audit.snapshot(obj), message="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["time", "user_name", "action", "object_repr", "request_id"]
    list_filter = ["action"]
    search_fields = ["object_repr", "user_name", "request_id", "message"]
    date_hierarchy = "time"


@admin.register(TransitionRecord)
class TransitionRecordAdmin(ReadOnlyAdmin):
    list_display = ["time", "workflow", "object_id", "from_state", "to_state", "user_name"]
    list_filter = ["workflow", "to_state"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    list_display = ["name", "flavour", "is_active"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "kind", "title", "status", "attempts", "last_error"]
    list_filter = ["channel", "status"]
