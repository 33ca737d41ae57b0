"""Admin: upstream platforms are configured here (audited); the gateway's records are read-only evidence.

Readings are not listed: the table is large, and the point pages show them.
Frames are shown with ``PW=******`` (the stored evidence is unchanged), and a
quarantine entry's password is not shown at all.
"""

import datetime as dt
from typing import Any

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.core.admin import AuditedAdmin, ReadOnlyAdmin
from qingyuan.hj212 import mask_password
from qingyuan.monitoring import hour_series
from qingyuan.monitoring.models import (
    DeviceCommand,
    DeviceSession,
    DeviceState,
    HourBlock,
    InvalidFrameSample,
    OutboxItem,
    PacketBlock,
    Quarantine,
    RawPacket,
    Upstream,
)


class MaskedFrameAdmin(ReadOnlyAdmin):
    """Read-only evidence whose ``frame_field`` is shown masked instead of as stored."""

    frame_field = "text"
    hidden_fields: tuple[str, ...] = ()

    def get_exclude(self, request: Any, obj: Any = None) -> list[str]:
        return [self.frame_field, *self.hidden_fields]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "masked_frame"]

    @admin.display(description=_("raw packet"))
    def masked_frame(self, obj: Any) -> str:
        return mask_password(getattr(obj, self.frame_field))


@admin.register(Upstream)
class UpstreamAdmin(AuditedAdmin):
    list_display = ["name", "host", "port", "mn_patterns", "is_active"]
    list_filter = ["is_active"]


@admin.register(OutboxItem)
class OutboxItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "upstream", "mn", "created_at", "delivered_at", "attempts", "last_error"]
    list_filter = ["upstream"]
    exclude = ["payload"]
    show_full_result_count = False


@admin.register(RawPacket)
class RawPacketAdmin(MaskedFrameAdmin):
    list_display = ["received_at", "mn", "cn", "qn", "data_time", "verdict", "peer", "duplicates"]
    list_filter = ["verdict", "cn"]
    search_fields = ["=mn", "=qn"]
    show_full_result_count = False


@admin.register(PacketBlock)
class PacketBlockAdmin(ReadOnlyAdmin):
    """Compacted days of raw packets: counts only; the frames are read on the point's packet pages."""

    list_display = ["point", "day", "count", "first_received", "last_received", "first_id", "last_id", "codec",
                    "compacted_at"]
    list_filter = ["day"]
    exclude = ["index", "data"]
    show_full_result_count = False


@admin.register(HourBlock)
class HourBlockAdmin(ReadOnlyAdmin):
    """The hour readings' read copies per point and 30-day period (``hour_series``): figures only; the
    columnar data is not shown. A block is used while it was built from the period's current version."""

    list_display = ["point", "period_start", "version", "built", "count", "valid"]
    list_select_related = ["point"]
    ordering = ["-period", "point"]
    exclude = ["data"]
    show_full_result_count = False

    @admin.display(description=_("period start"), ordering="period")
    def period_start(self, obj: HourBlock) -> dt.date:
        return timezone.localdate(hour_series.period_start(obj.period))

    @admin.display(description=_("valid"), boolean=True)
    def valid(self, obj: HourBlock) -> bool:
        return obj.built == obj.version


@admin.register(Quarantine)
class QuarantineAdmin(MaskedFrameAdmin):
    hidden_fields = ("pw_given",)
    list_display = ["mn", "reason", "count", "first_seen", "received_at", "peer", "resolved"]
    list_filter = ["reason", "resolved"]
    search_fields = ["mn"]


@admin.register(DeviceState)
class DeviceStateAdmin(ReadOnlyAdmin):
    list_display = ["point", "online", "last_seen", "last_cn", "packets_today", "packets_total"]
    list_filter = ["online"]


@admin.register(DeviceSession)
class DeviceSessionAdmin(ReadOnlyAdmin):
    list_display = ["connection_id", "gateway", "peer", "mn", "opened_at", "closed_at", "close_reason"]
    list_filter = ["gateway"]
    search_fields = ["mn", "peer"]


@admin.register(DeviceCommand)
class DeviceCommandAdmin(ReadOnlyAdmin):
    list_display = ["point", "kind", "qn", "status", "created_at", "qn_rtn", "exe_rtn"]
    list_filter = ["status", "kind"]


@admin.register(InvalidFrameSample)
class InvalidFrameSampleAdmin(MaskedFrameAdmin):
    frame_field = "data"
    list_display = ["received_at", "reason", "mn", "peer", "detail"]
    list_filter = ["reason"]
