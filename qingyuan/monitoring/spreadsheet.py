"""Device status and the quarantine as Excel sheets: the pages' filters and scope apply.

The quarantine sheet is for those who see the quarantine (``access.visible_quarantine``);
its last packet goes out with every password masked, and the password a device gave is
never written.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.excel import workbook_bytes, xlsx_response
from qingyuan.hj212.mask import mask_password
from qingyuan.monitoring.queries import labelled

MAX_ROWS = 50_000


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _state_label(state: Any) -> str:
    if state is None:
        return _("Never connected")
    return _("Online") if state.online else _("Offline")


def status_rows(points: list[Any], rejects: dict[str, dict[str, int]], day: Any) -> list[list[Any]]:
    out = []
    for p in points:
        state = getattr(p, "device_state", None)
        enterprise = p.outlet.enterprise if p.outlet_id else None
        out.append([
            p.name, enterprise.name if enterprise else "", p.mn, p.protocol_version, _state_label(state),
            _time(state.changed_at) if state else "", _time(state.last_seen) if state else "",
            _time(state.last_data_time) if state else "", state.packets_on(day) if state else 0,
            "; ".join(f"{reason} {n}" for reason, n in labelled(rejects.get(p.mn, {}))),
        ])
    return out


def status_response(points: list[Any], rejects: dict[str, dict[str, int]], day: Any) -> HttpResponse:
    headers = [_("Monitoring point"), _("Enterprise"), "MN", _("Protocol version"), _("Status"),
               _("Online/offline since"), _("Last packet"), _("Newest data time"), _("Packets today"),
               _("Rejected today")]
    content = workbook_bytes(_("Device status"), headers, status_rows(points, rejects, day), notes=[
        _("The rows are the monitoring points the page lists with the same filters."),
        _("Times are China Standard Time.")])
    return xlsx_response(content, f"device-status-{timezone.localdate():%Y%m%d}.xlsx")


def quarantine_rows(entries: Any, points: dict[str, Any]) -> list[list[Any]]:
    out = []
    for q in entries:
        named = q.point or points.get(q.mn)
        out.append([
            q.mn, q.get_reason_display(), named.name if named else "", q.count, _time(q.first_seen),
            _time(q.received_at), q.peer, q.cn, _("yes") if q.resolved else _("no"),
            q.get_resolution_display() if q.resolution else "", _time(q.resolved_at),
            str(q.resolved_by) if q.resolved_by else "", q.resolution_note, mask_password(q.text),
        ])
    return out


def quarantine_response(entries: Any, points: dict[str, Any]) -> HttpResponse:
    headers = ["MN", _("Reason"), _("Monitoring point"), _("Packets"), _("First seen"), _("Last seen"), _("Peer"),
               "CN", _("Handled"), _("Resolution"), _("Handled at"), _("Handled by"), _("Note"), _("Last packet")]
    content = workbook_bytes(_("Quarantine"), headers, quarantine_rows(entries, points), notes=[
        _("Passwords in the packets are masked."),
        _("Times are China Standard Time.")])
    return xlsx_response(content, f"quarantine-{timezone.localdate():%Y%m%d}.xlsx")
