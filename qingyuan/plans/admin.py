"""Read-only admin views: every change goes through the actions, so the admin only looks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from qingyuan.plans.models import Acceptance, EnterprisePlan, ParkPlan, PlanVersion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ParkPlan)
class ParkPlanAdmin(ReadOnly):
    list_display = ["title", "park", "compiled_by", "status", "start_date", "deadline"]


@admin.register(EnterprisePlan)
class EnterprisePlanAdmin(ReadOnly):
    list_display = ["title", "enterprise", "status", "version", "deadline"]
    list_filter = ["status", "outcome"]
    search_fields = ["title", "enterprise__name"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnly):
    list_display = ["plan", "number", "author_name", "created_at", "conclusion"]


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnly):
    list_display = ["plan", "number", "status", "inspection_date", "organiser"]
