"""Homes per role (the cockpit for the leading group and the office) and the park map.

``home`` picks the page from the user's roles: park managers (leader, office, admin) get the
cockpit of their park; everyone else gets ``home.html`` with the panels of their roles. The map
page loads its layers from ``map_data``, scoped by ``visible_to(user)`` like every list.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.assessment import outputs
from qingyuan.assessment.services import interim_ranking
from qingyuan.cockpit import figures, homes, mapdata
from qingyuan.core import plugins, work
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.models import Notification
from qingyuan.loads.cache import paused_gc
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import PARK_MANAGER_ROLES
from qingyuan.org.models import Park


def managed_park(user: Any, wanted: str | None = None) -> Park | None:
    """The park whose cockpit the user sees: one they manage (``?park=`` picks among several)."""
    actor = actor_for(user)
    parks = Park.objects.all() if actor.is_superuser else Park.objects.filter(
        pk__in=actor.park_ids_with(PARK_MANAGER_ROLES))
    parks = parks.order_by("pk")
    if wanted and wanted.isdigit():
        return parks.filter(pk=int(wanted)).first() or parks.first()
    return parks.first()


def home(request: HttpRequest) -> HttpResponse:
    park = managed_park(request.user, request.GET.get("park"))
    if park is not None:
        return cockpit(request, park)
    today = timezone.localdate()
    items = work.items_for(request.user, today)
    context: dict[str, Any] = {
        "actor": actor_for(request.user), "today": today, "work_items": items,
        "work_counts": homes.counts_by_kind(items),
        "notifications": Notification.objects.filter(recipient=request.user, read_at__isnull=True)
        .order_by("-created_at")[:5],
        **homes.role_panels(request.user, today),
        "panels": plugins.panels_for("home", request, None, today),
    }
    if "inspector" in context:
        context["map_labels"] = mapdata.labels()
    return render(request, "home.html", context)


@reads_from_replica
def cockpit(request: HttpRequest, park: Park) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    loads = figures.load_rows(park.pk, today)
    section = figures.section_tile(park.pk, today)
    capacity = figures.capacity_rows(park.pk, today)
    status = figures.status_tile(user)
    complaints = figures.complaints_tile(user, today)
    chart = {
        "status": [{"name": str(r.label), "value": r.n, "key": r.css} for r in status.rows],
        "section": {"name": section.section.name, "target": section.target_rank, "data": section.trend,
                    "target_label": _("Target"), "class_label": _("Water quality class")} if section else None,
        "loads": [{"name": r.row.name, "ytd": round(r.row.ytd_t, 3), "projected": round(r.row.projected_t, 3),
                   "target": round(r.row.target_t, 3) if r.row.target_t is not None else None} for r in loads],
        "labels": {"ytd": _("Year to date"), "projected": _("Projected"), "target": _("Target"), "tonnes": _("t")},
    }
    context = {
        "park": park, "today": today, "status": status, "exceedance": figures.exceedance_tile(user),
        "loads": loads, "section": section, "tasks": figures.tasks_tile(user, today), "complaints": complaints,
        "patrols": figures.patrol_tile(user, today), "capacity": capacity,
        "work_items": work.items_for(user, today)[:5],
        "chart": chart, "assessment": assessment_tile(park, today),
        "panels": plugins.panels_for("cockpit", request, park, today),
    }
    return render(request, "cockpit/cockpit.html", context)


def assessment_tile(park: Park, today: Any) -> dict[str, Any]:
    """This quarter's interim ranking of the park's assessment: rank, unit, total, grade, a veto and its reason."""
    quarter = (today.month - 1) // 3 + 1
    return {"year": today.year, "quarter": quarter, "label": outputs.quarter_label(quarter),
            "rows": interim_ranking(park, today.year, quarter)}


@reads_from_replica
def park_map(request: HttpRequest) -> HttpResponse:
    if not actor_for(request.user).roles_by_park and not request.user.is_superuser:
        raise Http404
    return render(request, "cockpit/map.html", {"labels": mapdata.labels()})


@reads_from_replica
def map_data(request: HttpRequest) -> JsonResponse:
    if not actor_for(request.user).roles_by_park and not request.user.is_superuser:
        raise Http404
    with paused_gc():  # 15,000 markers' dicts at a province's size: no full collections while they are built
        return JsonResponse(mapdata.layers(request.user, timezone.localdate()), json_dumps_params={"ensure_ascii": False})
