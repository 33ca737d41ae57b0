"""Admin: the park's complaint policy and category rules are edited here (audited);
complaints and text messages are read-only (they change only through the actions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qingyuan.complaints.models import CategoryRule, Complaint, ComplaintPolicy, SmsMessage
from qingyuan.core.admin import AuditedAdmin, ReadOnlyAdmin
from qingyuan.org.choices import UnitKind


class MemberUnitForm(forms.ModelForm):
    """Rules and the review unit name member units: the office and the leading group get no assignments."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("unit", "review_unit"):
            unit = data.get(name)
            if unit is not None and unit.kind in (UnitKind.OFFICE, UnitKind.LEADING_GROUP):
                self.add_error(name, _("Choose a member unit (not the office or the leading group)."))
            park = data.get("park")
            if unit is not None and park is not None and unit.park_id != park.pk:
                self.add_error(name, _("Choose a unit of the same park."))
        return data


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(AuditedAdmin):
    form = MemberUnitForm
    list_display = ["park", "accept_days", "handle_days", "extension_days", "nearest_radius_m", "auto_accept"]


@admin.register(CategoryRule)
class CategoryRuleAdmin(AuditedAdmin):
    form = MemberUnitForm
    list_display = ["park", "category", "unit"]
    list_filter = ["park", "category"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["code", "received_at", "case_type", "channel", "category", "status", "handling_unit", "park"]
    list_filter = ["park", "status", "case_type", "channel", "category"]
    search_fields = ["code"]
    # personal data and the PIN hash stay off the admin; the pages check who may see personal data
    exclude = ["name", "phone", "phone_hash", "pin_hash"]


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "complaint", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    exclude = ["phone", "secret"]
