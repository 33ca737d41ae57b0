"""Admin: read-mostly. Statuses, deadlines and escalation change only through the actions."""

from django.contrib import admin

from qingyuan.core.admin import AuditedAdmin, ReadOnlyAdmin
from qingyuan.tasks.models import (
    Assignment,
    EscalationEvent,
    EscalationPolicy,
    ExtensionRequest,
    Finding,
    ProgressReport,
    SupervisionCheck,
)


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(AuditedAdmin):
    list_display = ["park", "reminder_days", "supervise_after_days", "list_after_days", "updated_at"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "assignee_unit", "status", "escalation_level", "deadline", "park"]
    list_filter = ["park", "status", "escalation_level", "priority"]
    search_fields = ["number", "subject"]
    date_hierarchy = "issued_on"


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "kind", "percent", "reported_by_name", "created_at"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "old_deadline", "new_deadline", "status", "requested_at"]
    list_filter = ["status"]


@admin.register(EscalationEvent)
class EscalationEventAdmin(ReadOnlyAdmin):
    list_display = ["time", "assignment", "from_level", "to_level", "note"]
    list_filter = ["to_level"]


@admin.register(SupervisionCheck)
class SupervisionCheckAdmin(ReadOnlyAdmin):
    list_display = ["title", "planned_on", "status", "overall_rating", "park"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["supervision_check", "unit", "rating", "recorded_at"]
