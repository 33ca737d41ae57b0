"""A point's calibrations and comparisons, its out-of-control periods and the hours they invalidated.

Whoever sees the point (``MonitoringPoint.objects.visible_to``) reads the page; the
park's managers and the point's enterprise record checks. Anything else is a 404
(not visible) or 403 (visible, may not record).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.access import get_visible
from qingyuan.core.htmx import render_page
from qingyuan.core.pollutants import pollutant_name
from qingyuan.enterprises.models import EnterpriseAccount, MonitoringPoint
from qingyuan.org.actor import actor_for
from qingyuan.quality import actions, calibration
from qingyuan.quality.forms import CalibrationForm
from qingyuan.quality.models import Calibration, HourlyValue, MonthlyValue

SHOWN_HOURS = 200


def may_record(user: Any, point: MonitoringPoint) -> bool:
    """The park's managers, and the users of the point's enterprise (its operator enters its checks)."""
    actor = actor_for(user)
    if actor.manages_park(point.park_id):
        return True
    enterprise_id = point.outlet.enterprise_id if point.outlet_id else None  # type: ignore[union-attr]
    return enterprise_id is not None and actor.is_authenticated and EnterpriseAccount.objects.filter(
        user_id=actor.user_id, enterprise_id=enterprise_id).exists()


def access_point_checks(user: Any, pk: Any, *, for_write: bool = False) -> MonitoringPoint:
    point = get_visible(MonitoringPoint.objects.visible_to(user).select_related("outlet__enterprise"), pk=pk)
    if for_write and not may_record(user, point):
        raise PermissionDenied
    return point


def _parameters(point: MonitoringPoint) -> list[tuple[str, str]]:
    """The parameters the point has values of (its monthly values: a dozen rows a parameter a year)."""
    codes = sorted(set(MonthlyValue.objects.filter(point=point).values_list("parameter", flat=True)))
    return [(c, f"{pollutant_name(c)} ({c})") for c in codes]


def _invalidated(point: MonitoringPoint, spans: dict[str, list[calibration.Span]]) -> list[dict[str, Any]]:
    """The hourly values inside the out-of-control spans, newest first, each with the span that voids it."""
    out: list[dict[str, Any]] = []
    for code, code_spans in spans.items():
        for a, b in code_spans:
            qs = HourlyValue.objects.filter(point=point, parameter=code, start__gt=a - dt.timedelta(hours=1))
            if b is not None:
                qs = qs.filter(start__lt=b)
            for h in qs.order_by("-start")[:SHOWN_HOURS]:
                out.append({"value": h, "name": pollutant_name(code), "since": a, "until": b})
    out.sort(key=lambda r: r["value"].start, reverse=True)
    return out[:SHOWN_HOURS]


def point_checks(request: HttpRequest, pk: int, *, form: CalibrationForm | None = None, status: int = 200
                 ) -> HttpResponse:
    point = access_point_checks(request.user, pk)
    parameters = _parameters(point)
    spans = calibration.spans_of_point(point.pk, [c for c, _label in parameters], timezone.now())
    context = {
        "point": point,
        "checks": Calibration.objects.filter(point=point).order_by("-at", "-id")[:100],
        "spans": [{"code": c, "name": pollutant_name(c), "spans": s} for c, s in spans.items()],
        "invalidated": _invalidated(point, spans),
        "can_record": may_record(request.user, point),
        "form": form or CalibrationForm(parameters=parameters),
    }
    return render_page(request, "quality/point_checks.html", context, status=status)


def record_check(request: HttpRequest, pk: int) -> HttpResponse:
    point = access_point_checks(request.user, pk, for_write=True)  # before anything: hidden points are a 404
    if request.method != "POST":
        return redirect("quality:point_checks", pk)
    form = CalibrationForm(request.POST, parameters=_parameters(point))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_calibration(point, acting_user=request.user, kind=data["kind"], at=data["at"],
                                          passed=data["passed"], parameter=data["parameter"], note=data["note"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Check recorded; the affected hours and days are computed again."))
            return redirect("quality:point_checks", pk)
    return point_checks(request, pk, form=form, status=422)
