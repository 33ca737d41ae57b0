from django.contrib import admin

from qingyuan.sections.models import Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "park", "kind", "river", "target_class", "point", "order", "is_active")
    list_filter = ("park", "kind")
    raw_id_fields = ("point",)
