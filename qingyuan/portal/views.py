"""The public disclosure portal: open without login, phone first, data only through ``portal.rules``.

The overview, the map and the cards are served whole from the cache (``pagecache.cached_page``: one
cache read, keyed by path, language and publication day, stale as soon as a notice is published or
withdrawn). Rendering one reads the page data from the data cache (``throttle.cached``, keyed by the
local date so the daily publication rule turns over at midnight) and the latest notices live; a
request that has to compute data counts against its address's budget per minute
(``limited_on_miss``), as does every request of a page that always queries (``rate_limited``).
An unknown park, enterprise or notice, and a notice that is not published, answer 404 alike.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from qingyuan.complaints import conf as complaints_conf
from qingyuan.complaints import geo
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Park
from qingyuan.portal import rules
from qingyuan.portal.pagecache import cached_page
from qingyuan.portal.throttle import cached, limited_on_miss, rate_limited

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def park_by_code(code: str) -> Park:
    park = Park.objects.filter(code=code).first()
    if park is None:
        raise Http404
    return park


def public_enterprise(pk: int) -> Enterprise:
    e = Enterprise.objects.select_related("park").filter(pk=pk).first()
    if e is None:
        raise Http404
    return e


def public_page(template: str, context: dict[str, Any]) -> HttpResponse:
    """A page the same for every visitor: rendered without the request, so no context processor reads
    the user or the session (which would add ``Vary: Cookie``) and no CSRF token is made; the whole
    answer can then be cached for everyone (``pagecache``)."""
    return HttpResponse(render_to_string(template, context))


def _day() -> str:
    return rules.today().isoformat()


@login_not_required
@reads_from_replica
def index(request: HttpRequest) -> HttpResponse:
    parks = list(Park.objects.order_by("name"))
    if len(parks) == 1:
        return redirect("portal:overview", park_code=parks[0].code)
    return render(request, "portal/index.html", {"parks": parks})


def overview_data(park: Park) -> dict[str, Any]:
    year = rules.today().year
    return {"statuses": rules.status_counts(park), "progress": rules.park_progress(park),
            "section": rules.section_classes(park), "loads": rules.loads_against_target(park),
            "complaints": rules.complaint_statistics(park, year),
            "exceedances": rules.exceedances(park, limit=5)}


@login_not_required
@cached_page
@limited_on_miss
@reads_from_replica
def overview(request: HttpRequest, park_code: str) -> HttpResponse:
    park = park_by_code(park_code)
    data = cached(f"overview:{park.pk}:{_day()}", lambda: overview_data(park), request=request)
    chart = {"section": data["section"], "loads": data["loads"], "complaints": data["complaints"]}
    return public_page("portal/overview.html", {
        "park": park, **data, "notices": rules.notices(park, limit=5),
        "chart": json.loads(json.dumps(chart, default=str)), "year": rules.today().year})


@login_not_required
@cached_page
@limited_on_miss
@reads_from_replica
def park_map(request: HttpRequest, park_code: str) -> HttpResponse:
    park = park_by_code(park_code)
    markers = cached(f"map:{park.pk}:{_day()}", lambda: rules.enterprises(park), request=request)
    for m in markers:
        m["url"] = reverse("portal:enterprise", args=[m["id"]])
    config = {"boundary": park.boundary, "centre": geo.park_centre(park),
              "tiles": complaints_conf.get("QINGYUAN_MAP_TILE_URL"),
              "attribution": complaints_conf.get("QINGYUAN_MAP_TILE_ATTRIBUTION"),
              "markers": [m for m in markers if m["longitude"] is not None]}
    return public_page("portal/map.html", {"park": park, "map": config, "enterprises": markers})


def card_data(e: Enterprise) -> dict[str, Any]:
    limits = rules.permit_limits(e)
    return {"enterprise": rules.enterprise_row(e), "limits": limits, "compliance": rules.compliance(e, limits=limits),
            "exceedances": rules.exceedances(e.park, e, limit=30), "plan": rules.plan_progress(e),
            "last_public_day": rules.last_public_day()}


@login_not_required
@cached_page
@limited_on_miss
@reads_from_replica
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    e = public_enterprise(pk)
    data = cached(f"card:{e.pk}:{_day()}", lambda: card_data(e), request=request)
    return public_page("portal/enterprise.html", {
        "park": e.park, **data, "windows": rules.WINDOWS, "notices": rules.notices(e.park, enterprise=e, limit=10)})


@login_not_required
@rate_limited
@reads_from_replica
def notices(request: HttpRequest, park_code: str) -> HttpResponse:
    park = park_by_code(park_code)
    return render(request, "portal/notices.html", {"park": park, "notices": rules.notices(park, limit=200)})


@login_not_required
@rate_limited
@reads_from_replica
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    row = rules.notice(pk)
    if row is None:
        raise Http404
    park = park_by_code(row["park_code"])
    return render(request, "portal/notice.html", {"park": park, "notice": row})


@login_not_required
@limited_on_miss
@reads_from_replica
def replies(request: HttpRequest, park_code: str) -> HttpResponse:
    park = park_by_code(park_code)
    data = cached(f"replies:{park.pk}:{_day()}", lambda: rules.published_replies(park, limit=50),
                  request=request)
    return render(request, "portal/replies.html", {"park": park, "replies": data})


@login_not_required
@reads_from_replica
def open_data(request: HttpRequest, park_code: str) -> HttpResponse:
    park = park_by_code(park_code)
    return render(request, "portal/data.html", {
        "park": park, "enterprises": cached(f"map:{park.pk}:{_day()}", lambda: rules.enterprises(park)),
        "licence": LICENCE, "licence_url": LICENCE_URL, "last_public_day": rules.last_public_day(),
        "now": timezone.now()})
