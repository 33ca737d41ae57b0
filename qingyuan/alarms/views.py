"""The alarm board, an alarm's page with its explanation and verification, and evidence downloads.

Every page scopes alarms with ``Alarm.objects.visible_to`` (``alarms.access``):
another enterprise's alarm is a 404. The board runs a fixed number of queries
whatever the number of alarms (tests/test_pages.py).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingyuan.alarms import access, actions, services, spreadsheet
from qingyuan.alarms.choices import AlarmKind
from qingyuan.alarms.filters import AlarmFilterValues, apply_filters
from qingyuan.alarms.forms import BoardFilter, ExplainForm, NoteForm
from qingyuan.alarms.models import Alarm
from qingyuan.alarms.workflow import ALARMS
from qingyuan.core import attachments
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.core.templatetags.units import unit_label
from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.models import Enterprise, LimitVariant
from qingyuan.quality.models import HourlyValue
from qingyuan.quality.services import parameter_label

DEFAULT_STATUS = "active"
# What the keys of ``Alarm.detail`` mean, for the alarm page.
DETAIL_LABELS = {
    "period": gettext_lazy("Averaged over"), "basis": gettext_lazy("Averaging basis of the limit"),
    "source": gettext_lazy("Limit from"), "corrected": gettext_lazy("Judged on the O2-corrected value"),
    "multiple": gettext_lazy("Exceedance multiple"), "share": gettext_lazy("Share of the limit"),
    "judged_on": gettext_lazy("Judged on"), "flag": gettext_lazy("Data flag"),
    "records": gettext_lazy("Records"), "minutes": gettext_lazy("Minutes"), "from": gettext_lazy("Before the drop"),
    "to": gettext_lazy("After the drop"), "device": gettext_lazy("Device's value"),
    "computed": gettext_lazy("Computed from minute data"), "cou_kg": gettext_lazy("Device's total (kg)"),
    "mass_kg": gettext_lazy("Computed mass (kg)"), "pollutants": gettext_lazy("Pollutants"),
    "expected": gettext_lazy("Expected pollutants"), "unit": gettext_lazy("Unit"),
    "o2": gettext_lazy("O2 of the period (%)"), "o2_reference": gettext_lazy("Reference O2 (%)"),
    "measured": gettext_lazy("Measured value before correction"), "corrected_by": gettext_lazy("Corrected by"),
    "reason": gettext_lazy("Why it cannot be judged"), "variant": gettext_lazy("Limit variant applied"),
    "water_temperature": gettext_lazy("Water temperature of the period (°C)"),
    "consecutive": gettext_lazy("Consecutive periods above the limit"),
}
DETAIL_VALUES = {"hour": gettext_lazy("an hour"), "day": gettext_lazy("a day"),
                 "hourly_mean": gettext_lazy("hourly mean"), "daily_mean": gettext_lazy("daily mean"),
                 "permit": gettext_lazy("the permit"), "minute data": gettext_lazy("the minute data"),
                 "device": gettext_lazy("the device (ZsAvg)"), "platform": gettext_lazy("the platform, from the O2"),
                 "no_o2": gettext_lazy("no valid O2 reading for the period"),
                 "o2_near_air": gettext_lazy("O2 at or above 19 %: the flue gas is close to air"),
                 "no_reference_o2": gettext_lazy("the permit row names no category with a reference O2"),
                 "no_water_temperature": gettext_lazy("no valid water temperature decides between the limits"),
                 "water_temp_above_12c": gettext_lazy("Water temperature above 12 °C: the value outside the brackets"),
                 **{v.value: v.label for v in LimitVariant}}


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(gettext_lazy("yes") if value else gettext_lazy("no"))
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(parameter_label(v) if isinstance(v, str) else str(v) for v in value)
    return str(DETAIL_VALUES.get(value, value)) if isinstance(value, str) else str(value)


def _board_data(request: HttpRequest) -> Any:
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = DEFAULT_STATUS
    return data


def _filtered(request: HttpRequest) -> Any:
    """The board's alarms for this user and these filters (the board and its export)."""
    values = AlarmFilterValues.from_query(_board_data(request))
    return apply_filters(Alarm.objects.visible_to(request.user), values)


def board(request: HttpRequest) -> HttpResponse:
    data = _board_data(request)
    enterprises = list(Enterprise.objects.visible_to(request.user).order_by("name").values_list("pk", "name"))
    filtered = _filtered(request)
    page = Paginator(filtered.select_related("enterprise", "point").order_by("-last_detected_at", "-id"),
                     settings.QINGYUAN_PAGE_SIZE * 2).get_page(request.GET.get("page"))
    for alarm in page:
        alarm.parameter_label = parameter_label(alarm.parameter) if alarm.parameter else ""  # type: ignore[attr-defined]
    counts = services.board_counts(filtered)
    context = {
        "page": page, "filter": BoardFilter(data, enterprises=enterprises), "counts": counts,
        "charts": json.dumps({"kinds": counts["kinds"], "enterprises": counts["enterprises"]}, ensure_ascii=False),
        "query": _query_without_page(request),
        "own_enterprises": list(Enterprise.objects.filter(accounts__user_id=request.user.pk).order_by("name")),
    }
    return render_page(request, "alarms/board.html", context, partial="alarms/partials/board_body.html")


@reads_from_replica
def board_export(request: HttpRequest) -> HttpResponse:
    return spreadsheet.response(_filtered(request).order_by("-last_detected_at", "-id"))


def _query_without_page(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


def _chart(alarm: Alarm) -> dict[str, Any]:
    """Hourly means of the alarm's parameter from a day before it to a day after, with its limit."""
    if not alarm.parameter:
        return {}
    rows = (HourlyValue.objects.filter(point_id=alarm.point_id, parameter=alarm.parameter,
                                       start__gte=alarm.start - dt.timedelta(hours=24),
                                       start__lte=alarm.end + dt.timedelta(hours=24))
            .order_by("start").values_list("start", "mean", "valid")[:24 * 14])
    return {"name": parameter_label(alarm.parameter), "unit": unit_label(alarm.unit),
            "limit": alarm.limit if alarm.kind in (AlarmKind.EXCEEDANCE, AlarmKind.APPROACHING,
                                                   AlarmKind.EXCEEDANCE_WARNING) else None,
            "band": [int(alarm.start.timestamp() * 1000), int(alarm.end.timestamp() * 1000)],
            "points": [[int(t.timestamp() * 1000), m, v] for t, m, v in rows]}


def detail(request: HttpRequest, pk: int, *, forms: dict[str, Any] | None = None, status: int = 200
           ) -> HttpResponse:
    alarm = access.access_alarm(request.user, pk)
    roles = access.alarm_roles(request.user, alarm)
    available = ALARMS.available(alarm.status, roles)
    context = {
        "alarm": alarm, "parameter_label": parameter_label(alarm.parameter) if alarm.parameter else "",
        "available": available, "names": {t.name for t in available},
        "explain_form": (forms or {}).get("explain") or ExplainForm(),
        "note_form": (forms or {}).get("note") or NoteForm(),
        "history": services.history(alarm), "files": list(attachments.for_owner(alarm).order_by("id")),
        "chart": json.dumps(_chart(alarm), ensure_ascii=False),
        "detail_items": [(DETAIL_LABELS.get(k, k), unit_label(v) if k == "unit" else _shown(v))
                         for k, v in sorted((alarm.detail or {}).items()) if v not in (None, "", [])],
    }
    return render_page(request, "alarms/detail.html", context, status=status)


@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    alarm = access.access_alarm(request.user, pk, for_write=True)
    note = NoteForm(request.POST)
    reason = request.POST.get("reason", "").strip()
    try:
        if name == "acknowledge":
            actions.do_acknowledge(alarm, acting_user=request.user)
        elif name == "explain":
            form = ExplainForm(request.POST, request.FILES)
            form.is_valid()
            try:
                actions.do_explain(alarm, acting_user=request.user, kind=request.POST.get("kind", ""),
                                   text=request.POST.get("text", ""), files=request.FILES.getlist("files"))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                return detail(request, pk, forms={"explain": form}, status=422)
        elif name == "send_back":
            actions.do_send_back(alarm, acting_user=request.user, reason=reason)
        elif name in ("accept", "reject", "refer"):
            actions.do_verify(alarm, name, acting_user=request.user, note=reason)
        elif name == "close":
            actions.do_close(alarm, acting_user=request.user, note=reason)
        elif name == "dismiss":
            actions.do_dismiss(alarm, acting_user=request.user, reason=reason)
        else:
            raise TransitionError(_("Unknown action “%(name)s”.") % {"name": name}, code="unknown")
    except TransitionError as exc:
        if exc.code == "role":
            raise PermissionDenied from exc
        note.add_error(None, exc.message)
        return detail(request, pk, forms={"note": note}, status=409 if exc.code == "conflict" else 400)
    messages.success(request, _("Done: %(action)s.") % {"action": ALARMS.get(name).label})  # type: ignore[union-attr]
    return redirect(alarm.get_absolute_url())


def evidence(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    return attachments.serve(access.access_evidence(request.user, pk, attachment))
