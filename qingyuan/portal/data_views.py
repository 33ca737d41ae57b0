"""Open data: published daily values and compliance of an enterprise, as CSV or JSON, under CC BY 4.0.

Only what ``portal.rules`` publishes: valid daily means up to yesterday, compliance counted from
them. A bad filter answers 400 with the reason (JSON for .json, text for .csv).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.portal import rules
from qingyuan.portal.forms import DownloadForm
from qingyuan.portal.throttle import cached, rate_limited
from qingyuan.portal.views import LICENCE, LICENCE_URL, park_by_code

FORMATS = ("csv", "json")
DAILY_FIELDS = ["enterprise", "point", "outlet", "parameter", "parameter_name", "day", "mean", "unit", "limit",
                "compliant"]
COMPLIANCE_FIELDS = ["enterprise", "point", "parameter", "parameter_name", "limit", "window_days", "days",
                     "compliant_days", "rate"]


def _licence_note(park: Any) -> str:
    return (f"{park.name}: published data of the disclosure portal. Licence: {LICENCE} ({LICENCE_URL}); "
            f"attribute \"{park.name} / Qingyuan\".")


def _refuse(fmt: str, form: DownloadForm) -> HttpResponse:
    errors = [str(e) for field in form.errors.values() for e in field]
    if fmt == "json":
        return JsonResponse({"error": " ".join(errors)}, status=400)
    return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")


def _respond(fmt: str, park: Any, name: str, fields: list[str], rows: list[dict[str, Any]],
             meta: dict[str, Any]) -> HttpResponse:
    note = _licence_note(park)
    if fmt == "json":
        body = json.dumps({"licence": LICENCE, "licence_url": LICENCE_URL, "attribution": note, **meta,
                           "rows": rows}, cls=DjangoJSONEncoder, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        out.write("\ufeff# " + note + "\n")
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    response["X-Licence"] = LICENCE
    return response


@login_not_required
@rate_limited
@reads_from_replica
def daily(request: HttpRequest, park_code: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    park = park_by_code(park_code)
    form = DownloadForm(request.GET, park=park)
    if not form.is_valid():
        return _refuse(fmt, form)
    e, start, end = form.cleaned_data["enterprise"], form.cleaned_data["start"], form.cleaned_data["end"]
    rows = cached(f"daily:{e.pk}:{start}:{end}:{rules.today()}", lambda: rules.daily_rows(e, start, end))
    meta = {"enterprise": e.name, "from": start, "to": end}
    return _respond(fmt, park, f"daily-{e.pk}-{start}-{end}", DAILY_FIELDS, rows, meta)


def compliance_rows(e: Any) -> list[dict[str, Any]]:
    rows = []
    for r in rules.compliance(e):
        for days, w in sorted(r["windows"].items()):
            rows.append({"enterprise": e.name, "point": r["point"], "parameter": r["code"],
                         "parameter_name": r["name"], "limit": r["limit"], "window_days": days, "days": w["days"],
                         "compliant_days": w["compliant"],
                         "rate": round(w["rate"], 4) if w["rate"] is not None else None})
    return rows


@login_not_required
@rate_limited
@reads_from_replica
def compliance(request: HttpRequest, park_code: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    park = park_by_code(park_code)
    form = DownloadForm(request.GET, park=park)
    if not form.is_valid():
        return _refuse(fmt, form)
    e = form.cleaned_data["enterprise"]
    rows = cached(f"compliance:{e.pk}:{rules.today()}", lambda: compliance_rows(e))
    meta = {"enterprise": e.name, "last_public_day": rules.last_public_day()}
    return _respond(fmt, park, f"compliance-{e.pk}", COMPLIANCE_FIELDS, rows, meta)
