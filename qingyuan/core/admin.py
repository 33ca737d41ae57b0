from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingyuan.core import audit, throttle, tokens
from qingyuan.core.models import (
    ApiToken,
    AuditEntry,
    Delivery,
    Notification,
    TransitionRecord,
    WebhookEndpoint,
)


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


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued by their users; an administrator can only see and revoke them."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    actions = ["revoke"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None and request.user.has_perm("core.change_apitoken")  # the action, no edit form

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: Any, queryset: Any) -> None:
        count = sum(tokens.do_revoke_api_token(token, acting_user=request.user, reason=gettext("Revoked by an administrator."))
                    for token in queryset.select_related("user"))
        self.message_user(request, gettext("%(count)d tokens revoked.") % {"count": count}, messages.SUCCESS)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class QingyuanUserAdmin(UserAdmin):
    """Django's user admin plus lifting a login lockout and revoking a user's API tokens."""

    actions = ["unlock_login", "revoke_api_tokens"]

    @admin.action(description=_("Unlock login (clear failed attempts)"), permissions=["change"])
    def unlock_login(self, request: Any, queryset: Any) -> None:
        for user in queryset:
            throttle.do_unlock_login(user, acting_user=request.user)
        self.message_user(request, gettext("Login unlocked for %(count)d users.") % {"count": len(queryset)},
                          messages.SUCCESS)

    @admin.action(description=_("Revoke all API tokens"), permissions=["change"])
    def revoke_api_tokens(self, request: Any, queryset: Any) -> None:
        count = sum(tokens.do_revoke_api_tokens_of(user, acting_user=request.user,
                                                   reason=gettext("Revoked by an administrator."))
                    for user in queryset)
        self.message_user(request, gettext("%(count)d tokens revoked.") % {"count": count}, messages.SUCCESS)
