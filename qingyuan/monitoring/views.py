"""Device status, a point's data and packets, commands, and the quarantine.

Every page scopes points with ``MonitoringPoint.objects.visible_to(user)``
(``monitoring.access``): a point, packet or chart the user may not see is a 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import is_htmx, render_page
from qingyuan.enterprises.access import access_point
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring import access, actions, evidence_lookup, queries, spreadsheet
from qingyuan.monitoring.choices import EXE_RTN, QN_RTN, QuarantineReason
from qingyuan.monitoring.evidence_blocks import CorruptEvidence, entries_of, frames_of
from qingyuan.monitoring.evidence_list import CompactedPacket, PointPackets
from qingyuan.monitoring.forms import (
    CommandForm,
    DeviceSetupForm,
    QuarantineActionForm,
    RegisterPointForm,
    initial_for_quarantine,
)
from qingyuan.monitoring.models import (
    DeviceCommand,
    DeviceSession,
    DeviceSetup,
    DeviceState,
    PacketBlock,
    RawPacket,
)

STATUS_FILTERS = ("online", "offline", "never")


def _shown_points(request: HttpRequest, points: Any) -> tuple[str, str, Any]:
    """The search, the status filter and the points the status page lists (the page and its export)."""
    shown = points.select_related("outlet__enterprise", "device_state").order_by("name", "id")
    q = request.GET.get("q", "").strip()
    if q:
        shown = shown.filter(Q(name__icontains=q) | Q(mn__icontains=q) | Q(outlet__enterprise__name__icontains=q))
    status = request.GET.get("status", "")
    if status == "online":
        shown = shown.filter(device_state__online=True)
    elif status == "offline":
        shown = shown.filter(device_state__online=False)
    elif status == "never":
        shown = shown.filter(device_state__isnull=True)
    return q, status, shown


@reads_from_replica
def status_export(request: HttpRequest) -> HttpResponse:
    _q, _status, shown = _shown_points(request, access.visible_points(request.user))
    rows = list(shown[:spreadsheet.MAX_ROWS])
    per_mn, _totals = queries.rejects_today(None if access.sees_park_totals(request.user) else [p.mn for p in rows])
    return spreadsheet.status_response(rows, per_mn, queries.today())


def device_status(request: HttpRequest) -> HttpResponse:
    points = access.visible_points(request.user)
    counts = queries.status_counts(points)
    q, status, shown = _shown_points(request, points)
    page = Paginator(shown, settings.QINGYUAN_PAGE_SIZE * 4).get_page(request.GET.get("page"))
    rows = list(page)
    park_wide = access.sees_park_totals(request.user)
    sees_quarantine = access.sees_quarantine(request.user)
    per_mn, totals = queries.rejects_today(None if park_wide else [p.mn for p in rows])
    day = queries.today()
    for p in rows:
        state = getattr(p, "device_state", None)
        p.state = state  # type: ignore[attr-defined]
        p.packets_today = state.packets_on(day) if state else 0  # type: ignore[attr-defined]
        p.rejects = queries.labelled(per_mn.get(p.mn, {}))  # type: ignore[attr-defined]
    context = {
        "page": page, "rows": rows, "counts": counts, "q": q, "status": status, "park_wide": park_wide,
        "rejects_total": queries.labelled(totals) if park_wide else [], "sees_quarantine": sees_quarantine,
        "open_quarantine": access.visible_quarantine(request.user).filter(resolved=False).count()
        if sees_quarantine else 0,
        "gateway": queries.gateway_stats() if park_wide else None,
    }
    return render_page(request, "monitoring/status.html", context, partial="monitoring/partials/status_table.html")


def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = access_point(request.user, pk)
    latest_time, latest = queries.latest_readings(point)
    per_mn, _totals = queries.rejects_today([point.mn])
    state = DeviceState.objects.filter(point=point).first()
    context = {
        "point": point,
        "state": state,
        "packets_today": state.packets_on(queries.today()) if state else 0,
        "latest_time": latest_time,
        "latest": latest,
        "rejects": queries.labelled(per_mn.get(point.mn, {})),
        "sessions": DeviceSession.objects.filter(point=point).order_by("-opened_at")[:5],
        "can_command": access.can_command(request.user, point),
        "sees_frames": access.sees_frames(request.user, point),
        "form": CommandForm(),
        **_commands_context(point),
        **_setup_context(point),
    }
    return render(request, "monitoring/point.html", context)


def point_chart(request: HttpRequest, pk: int) -> JsonResponse:
    point = access_point(request.user, pk)
    range_key = request.GET.get("range", "24h")
    if range_key not in queries.RANGES:
        return JsonResponse({"error": "range must be 24h or 7d"}, status=400)
    return JsonResponse(queries.chart_series(point, range_key))


def point_packets(request: HttpRequest, pk: int) -> HttpResponse:
    """Narrow and compacted packets together, newest first (``evidence_list``: only the blocks a page needs)."""
    point = access.access_frames(request.user, pk)
    cn = request.GET.get("cn", "").strip()
    try:
        packets: Any = PointPackets(point, cn)  # a sequence the Paginator slices (count() and [a:b])
        page = Paginator(packets, settings.QINGYUAN_PAGE_SIZE * 2).get_page(request.GET.get("page"))
    except CorruptEvidence as exc:
        return _corrupt_evidence(request, point, exc)
    context = {"point": point, "page": page, "cn": cn,
               "cns": ["2011", "2051", "2061", "2031", "9011", "9012", "1011", "1061", "1063", "3020"]}
    return render_page(request, "monitoring/packets.html", context, partial="monitoring/partials/packets_table.html")


def packet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The frame is decoded from the stored text (its CRC must verify) and shown with ``PW=******``.

    A packet compacted into an evidence block since (its narrow row is gone) redirects to its evidence
    page, for whoever may read that point's frames; anyone else gets the same 404 as for no packet."""
    try:
        packet = access.access_packet(request.user, pk)
    except Http404:
        if RawPacket.objects.filter(pk=pk).exists():  # narrow, but not this user's
            raise
        found = evidence_lookup.locate(pk)
        if found is None:
            raise
        point = access.access_frames(request.user, found.point_id)
        return redirect("monitoring:evidence", pk=point.pk, block=found.block_id, packet=pk)
    context = {"packet": packet, "parsed": queries.parse_stored(packet.text), "point": packet.point}
    return render_page(request, "monitoring/packet.html", context, partial="monitoring/partials/packet_detail.html")


def compacted_packet_detail(request: HttpRequest, pk: int, block: int, packet: int) -> HttpResponse:
    """A packet kept in a point's compressed block: the same page, the frame read back byte for byte."""
    point = access.access_frames(request.user, pk)
    found = PacketBlock.objects.filter(point=point, pk=block).first()
    if found is None:
        raise Http404
    try:
        entries = entries_of(found)
        entry = next((e for e in entries if e.id == packet), None)
        if entry is None:
            raise Http404
        frames_of(found, entries)  # the frames are one stream: their lengths are checked against it whole
    except CorruptEvidence as exc:
        return _corrupt_evidence(request, point, exc, found)
    shown = CompactedPacket(entry, found.pk, point)
    context = {"packet": shown, "parsed": queries.parse_stored(entry.text or ""), "point": point, "evidence_block": found}
    return render_page(request, "monitoring/packet.html", context, partial="monitoring/partials/packet_detail.html")


def _corrupt_evidence(request: HttpRequest, point: MonitoringPoint, exc: Exception,
                      block: PacketBlock | None = None) -> HttpResponse:
    """A block that does not verify is said so (and was logged as an error), never shown as no packets."""
    context = {"point": point, "evidence_block": block, "error": str(exc)}
    return render(request, "monitoring/evidence_corrupt.html", context, status=500)


# -- commands ---------------------------------------------------------------------------
def _commands_context(point) -> dict[str, object]:  # type: ignore[no-untyped-def]
    commands = list(DeviceCommand.objects.filter(point=point).select_related("created_by__person")[:10])
    for c in commands:
        c.qn_rtn_text = QN_RTN.get(c.qn_rtn, "")  # type: ignore[attr-defined]
        c.exe_rtn_text = EXE_RTN.get(c.exe_rtn, "")  # type: ignore[attr-defined]
    return {"commands": commands, "polling": any(c.status in ("queued", "sent", "acknowledged") for c in commands)}


def point_commands(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the command list (polled while a command is open). POST: queue a command (park managers)."""
    if request.method == "POST":
        point = access_point(request.user, pk, for_write=True)
        form = CommandForm(request.POST)
        if form.is_valid():
            try:
                actions.do_queue_command(point, form.cleaned_data["kind"], form.params(), acting_user=request.user)
            except actions.CommandRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Command queued: it is sent when the device is connected."))
                form = CommandForm()
        status = 400 if form.errors else 200
    else:
        point = access_point(request.user, pk)
        form, status = CommandForm(), 200
    if not is_htmx(request) and request.method == "POST" and status == 200:
        return redirect("monitoring:point", pk=point.pk)
    context = {"point": point, "form": form, "can_command": access.can_command(request.user, point),
               **_commands_context(point)}
    return render(request, "monitoring/partials/commands.html", context, status=status)


def _setup_context(point, form=None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    setup = DeviceSetup.objects.filter(point=point).first() or DeviceSetup(point=point)
    return {"setup": setup, "setup_form": form or DeviceSetupForm(instance=setup)}


def point_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the first-connection setup card. POST (park managers): change it, or ``reset`` to run it again."""
    if request.method != "POST":
        point = access_point(request.user, pk)
        return render(request, "monitoring/partials/setup.html",
                      {"point": point, "can_command": access.can_command(request.user, point), **_setup_context(point)})
    point = access_point(request.user, pk, for_write=True)
    form = None
    if "reset" in request.POST:
        actions.do_reset_device_setup(point, acting_user=request.user)
        messages.success(request, _("The setup is sent again when the device next connects."))
    else:
        form = DeviceSetupForm(request.POST, instance=DeviceSetup.objects.filter(point=point).first())
        if form.is_valid():
            data = form.cleaned_data
            actions.do_update_device_setup(point, acting_user=request.user, enabled=data["enabled"],
                                           over_time_s=data["over_time_s"], re_count=data["re_count"])
            messages.success(request, _("First-connection setup saved."))
            form = None
    status = 400 if form is not None and form.errors else 200
    if not is_htmx(request) and status == 200:
        return redirect("monitoring:point", pk=point.pk)
    context = {"point": point, "can_command": True, **_setup_context(point, form)}
    return render(request, "monitoring/partials/setup.html", context, status=status)


# -- quarantine ---------------------------------------------------------------------------
def quarantine_list(request: HttpRequest) -> HttpResponse:
    if not access.sees_quarantine(request.user):
        raise Http404
    entries = access.visible_quarantine(request.user)
    open_entries = entries.filter(resolved=False).select_related("point").order_by("-received_at")
    resolved = entries.filter(resolved=True).select_related("point", "resolved_by").order_by("-resolved_at")[:20]
    open_entries = list(open_entries[:200])
    points = {p.mn: p for p in MonitoringPoint.objects.filter(mn__in={q.mn for q in open_entries})}
    for q in open_entries:
        q.named_point = points.get(q.mn)  # type: ignore[attr-defined]
    context = {"open_entries": open_entries, "resolved": resolved,
               "can_register": access.manages_any_park(request.user)}
    return render(request, "monitoring/quarantine.html", context)


@reads_from_replica
def quarantine_export(request: HttpRequest) -> HttpResponse:
    if not access.sees_quarantine(request.user):
        raise Http404
    entries = list(access.visible_quarantine(request.user).select_related("point", "resolved_by")
                   .order_by("resolved", "-received_at", "-id")[:spreadsheet.MAX_ROWS])
    points = {p.mn: p for p in MonitoringPoint.objects.filter(mn__in={q.mn for q in entries if q.point_id is None})}
    return spreadsheet.quarantine_response(entries, points)


# Which actions each reason offers; registering an unknown MN has its own view above.
PASSWORD_REASONS = (QuarantineReason.WRONG_PW,)
DISMISS_REASONS = (QuarantineReason.WRONG_PW, QuarantineReason.INACTIVE, QuarantineReason.DECOMMISSIONED,
                   QuarantineReason.UNKNOWN_MN)


def _quarantine_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Confirm (GET) and apply (POST) "update the point's password" or "dismiss" with a reason."""
    entry = access.access_quarantine(request.user, pk, for_write=True)
    allowed = PASSWORD_REASONS if action == "password" else DISMISS_REASONS
    if entry.resolved or entry.reason not in allowed:
        messages.error(request, _("This action does not apply to this entry (handled already, or another reason)."))
        return redirect("monitoring:quarantine")
    point = actions.point_of_entry(entry)
    if not access.can_handle_entry(request.user, point):
        raise PermissionDenied
    form = QuarantineActionForm(request.POST or None, initial={"seen": actions.password_seen(entry)})
    if request.method == "POST" and form.is_valid():
        try:
            if action == "password":
                actions.do_update_point_password_from_quarantine(
                    entry, acting_user=request.user, seen=form.cleaned_data["seen"],
                    reason=form.cleaned_data["reason"])
                messages.success(request, _("Password of %(point)s updated: packets from %(mn)s are accepted now.")
                                 % {"point": point, "mn": entry.mn})
            else:
                actions.do_dismiss_quarantine(entry, acting_user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Entry for %(mn)s dismissed; it is kept as evidence.") % {"mn": entry.mn})
        except actions.QuarantineRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("monitoring:quarantine")
    status = 400 if form.errors else 200
    context = {"entry": entry, "point": point, "form": form, "action": action}
    return render(request, "monitoring/quarantine_action.html", context, status=status)


def quarantine_password(request: HttpRequest, pk: int) -> HttpResponse:
    """A wrong-password entry: the point takes the password its re-configured device sends."""
    return _quarantine_action(request, pk, "password")


def quarantine_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """An intruder or a misconfigured device: the entry is marked handled and kept."""
    return _quarantine_action(request, pk, "dismiss")


def quarantine_register(request: HttpRequest, pk: int) -> HttpResponse:
    """The one quarantine action: register an unknown MN as a monitoring point."""
    entry = access.access_quarantine(request.user, pk, for_write=True)
    if entry.resolved or entry.reason != "unknown_mn":
        messages.error(request, _("Only an open unknown-MN entry can be registered."))
        return redirect("monitoring:quarantine")
    form = RegisterPointForm(request.POST or None, user=request.user, initial=initial_for_quarantine(entry))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.can_register_in(request.user, data["park"].pk):
            raise PermissionDenied
        try:
            point = actions.do_register_point_from_quarantine(
                entry, acting_user=request.user, outlet=data["outlet"], park=data["park"], name=data["name"],
                password=data["password"], protocol_version=data["protocol_version"], st=data["st"])
        except ValidationError as exc:  # the point's own checks (MN format, a point registered meanwhile)
            for message in exc.messages:
                form.add_error(None, message)
        except (ValueError, IntegrityError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Monitoring point registered: packets from %(mn)s are accepted now.")
                             % {"mn": point.mn})
            return redirect("monitoring:point", pk=point.pk)
    status = 400 if form.errors else 200
    return render(request, "monitoring/register.html", {"entry": entry, "form": form}, status=status)
