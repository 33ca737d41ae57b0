from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingyuan.core import audit, throttle, tokens
from qingyuan.core.models import (
    ApiToken,
    AuditEntry,
    Delivery,
    Notification,
    RestDay,
    RestDayYear,
    TransitionRecord,
    WebhookEndpoint,
)


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write audit entries like every other action.

    Inline rows are audited too: a row added, changed or deleted in an inline form writes
    ``<model>.create/update/delete`` naming the parent as the related object. A test walks
    ``admin.site`` and fails on any admin that can write and is not one of these.
    ``audit_fields`` limits what the entries copy (None: every concrete field but a password);
    many-to-many fields changed in the form are recorded in an entry of their own.
    """

    audit_fields: tuple[str, ...] | None = None

    def _snapshot(self, obj: Any) -> dict[str, Any]:
        return audit.snapshot(obj, self.audit_fields)

    def _m2m(self, obj: Any, form: Any) -> dict[str, list[Any]]:
        names = [f.name for f in obj._meta.many_to_many if f.name in getattr(form, "cleaned_data", {})
                 and (self.audit_fields is None or f.name in self.audit_fields)]
        return {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in names}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = self._snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        after = self._snapshot(obj)
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
                     before=self._snapshot(obj), message="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance
        before = self._m2m(obj, form)
        super().save_related(request, form, formsets, change)
        old, new = audit.changed(before, self._m2m(obj, form))
        if new:
            audit.record(f"{obj._meta.model_name}.update", obj, acting_user=request.user, before=old, after=new,
                         message="admin")

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """Save an inline formset; one entry per row added, changed or deleted, related to the parent."""
        model = formset.model
        label = model._meta.model_name
        parent = form.instance
        stored = [f.instance for f in formset.initial_forms if f.instance.pk is not None and f.has_changed()]
        before = {obj.pk: audit.snapshot(obj) for obj in model._default_manager.filter(pk__in=[o.pk for o in stored])}
        deleted = [audit.Entry(f.instance, before=before.get(f.instance.pk) or audit.snapshot(f.instance),
                               related=parent, message="admin")
                   for f in formset.deleted_forms if f.instance.pk is not None]
        audit.record_many(f"{label}.delete", deleted, acting_user=request.user)
        super().save_formset(request, form, formset, change)
        audit.record_many(f"{label}.create", [
            audit.Entry(obj, after=audit.snapshot(obj), related=parent, message="admin")
            for obj in formset.new_objects], acting_user=request.user)
        updates = []
        for obj, _fields in formset.changed_objects:
            old, new = audit.changed(before.get(obj.pk, {}), audit.snapshot(obj))
            if new:
                updates.append(audit.Entry(obj, before=old, after=new, related=parent, message="admin"))
        audit.record_many(f"{label}.update", updates, acting_user=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["time", "acting", "action", "object_repr", "request_id"]
    list_filter = ["action"]
    search_fields = ["object_repr", "user_name", "request_id", "message"]
    date_hierarchy = "time"

    @admin.display(description=_("Acting user"), ordering="user_name")
    def acting(self, obj: AuditEntry) -> str:
        """The copied user name; an entry with neither user nor name was written by the system
        (a worker step, the alarm engine) or, for the public's actions (complaint.register,
        subscription.*), by an anonymous visitor."""
        return obj.user_name or ("" if obj.user_id else gettext("System"))


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
class QingyuanUserAdmin(AuditedAdmin, UserAdmin):
    """Django's user admin (audited: the password by the fact of its change, never its value) plus
    lifting a login lockout and revoking a user's API tokens."""

    actions = ["unlock_login", "revoke_api_tokens"]

    def user_change_password(self, request: Any, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                audit.record("user.set_password", user, acting_user=request.user, message="admin")
        return response

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


# Django's groups and django-axes' login records, audited like the project's own admins.
def _audited(model: Any, base: type[admin.ModelAdmin], fields: tuple[str, ...] | None = None) -> None:
    """Replace ``model``'s registration (if it has one) by an audited subclass of its admin."""
    if not admin.site.is_registered(model):
        return
    cls = type(f"Audited{base.__name__}", (AuditedAdmin, base), {"audit_fields": fields, "__module__": __name__})
    admin.site.unregister(model)
    admin.site.register(model, cls)


_audited(Group, GroupAdmin)
_LOGIN_FIELDS = ("username", "ip_address", "path_info", "attempt_time")
_audited(AccessAttempt, AccessAttemptAdmin, (*_LOGIN_FIELDS, "failures_since_start"))
_audited(AccessLog, AccessLogAdmin, (*_LOGIN_FIELDS, "logout_time"))
_audited(AccessFailureLog, AccessFailureLogAdmin, (*_LOGIN_FIELDS, "locked_out"))


@admin.register(RestDayYear)
class RestDayYearAdmin(AuditedAdmin):
    """A year's holiday notice; its days are edited on the rest-day admin (each change audited)."""

    list_display = ["year", "notice", "created_at"]


@admin.register(RestDay)
class RestDayAdmin(AuditedAdmin):
    list_display = ["date", "kind", "name", "calendar_year"]
    list_filter = ["calendar_year", "kind"]
    date_hierarchy = "date"
