from __future__ import annotations

from typing import Any

from django.contrib import admin

from qingyuan.core.admin import AuditedAdmin
from qingyuan.sections.actions import do_create_section, do_update_section
from qingyuan.sections.models import Section


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    """Sections are created and changed through the audited actions (a township's link included);
    a delete is audited by ``AuditedAdmin``."""

    list_display = ("name", "park", "kind", "river", "target_class", "township", "point", "order", "is_active")
    list_filter = ("park", "kind")
    raw_id_fields = ("point",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            saved = do_update_section(Section.objects.get(pk=obj.pk), acting_user=request.user, **fields)
        else:
            fields.pop("park", None)
            saved = do_create_section(obj.park, acting_user=request.user, **fields)
        obj.pk = saved.pk
