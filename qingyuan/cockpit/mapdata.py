"""The park map's layers as JSON, each scoped by ``visible_to(user)``: an enterprise user gets its own
enterprise and outlets, the sections of its park, and no complaint or patrol it could not open.

Layers: park boundaries (GeoJSON of ``org.Park.boundary``), enterprises (status and alarm state; the
status labels and the links' patterns are given once, not per marker), outlets, automatic stations and river sections, complaints of the last 90 days and patrol routes
(each inspector's patrols of a day joined in time order) of the last 30 days. A fixed number of
queries whatever the number of rows. Text is plain here; the page escapes it (cockpit/map.js).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, FloatField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.alarms.choices import ACTIVE_STATUSES, AlarmKind
from qingyuan.alarms.models import Alarm
from qingyuan.complaints.models import Complaint
from qingyuan.enterprises.choices import EnterpriseStatus, Medium
from qingyuan.enterprises.models import Enterprise, Outlet
from qingyuan.inspections.access import can_record_in
from qingyuan.inspections.models import Patrol
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park
from qingyuan.sections.models import Section

COMPLAINT_DAYS = 90
# Coordinates as floats from the database: a DecimalField would build two Decimals per row (15,000 rows
# at a province's size) only for the JSON to turn them back into floats.
_FLOAT_AT = (Cast("latitude", FloatField()), Cast("longitude", FloatField()))
PATROL_DAYS = 30


def _ll(obj: Any) -> list[float] | None:
    return _at(obj.latitude, obj.longitude)


def _at(latitude: Any, longitude: Any) -> list[float] | None:
    if latitude is None or longitude is None:
        return None
    return [float(latitude), float(longitude)]  # Decimal on model rows, float from _FLOAT_AT


def labels() -> dict[str, str]:
    return {
        "boundary": _("Park boundary"), "enterprises": _("Enterprises"), "outlets": _("Outlets"),
        "sections": _("River sections and stations"), "complaints": _("Complaints (90 days)"),
        "patrols": _("Patrol routes (30 days)"), "exceeding": _("exceeding now"), "alarm": _("open alarms"),
        "open": _("Open the enterprise page"), "details": _("Details"), "station": _("automatic station"),
        "target": _("target"), "empty": _("Nothing to show on the map yet."), "start_patrol": _("Start a patrol"),
    }


def _alarm_state(user: Any) -> dict[int, str]:
    rows = (Alarm.objects.visible_to(user).filter(status__in=ACTIVE_STATUSES, enterprise__isnull=False).order_by()
            .values_list("enterprise_id").annotate(n=Count("id"), ex=Count("id", filter=Q(kind=AlarmKind.EXCEEDANCE))))
    return {ent: ("exceeding" if ex else "alarm") for ent, n, ex in rows if n}


def _rows(qs: Any) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows straight from the cursor: the coordinates are already floats (``_FLOAT_AT``)
    and the other columns text or integers, so Django's per-row converters (15,000 rows) do nothing useful."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a scope that can match nothing (no parks)
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def layers(user: Any, today: dt.date) -> dict[str, Any]:
    actor = actor_for(user)
    parks = Park.objects.all() if actor.is_superuser else Park.objects.filter(pk__in=list(actor.roles_by_park))
    visible = Enterprise.objects.visible_to(user)
    state = _alarm_state(user)
    recording = {p for p in actor.roles_by_park if can_record_in(user, p)}  # inspectors: a patrol link
    enterprises = []
    for pk, name, status, lat, lng, park in _rows(visible.order_by("name", "id").values_list(
            "pk", "name", "status", *_FLOAT_AT, "park_id")):
        row = {"id": pk, "name": name, "status": status, "alarm": state.get(pk, ""), "at": _at(lat, lng)}
        if park in recording:
            row["patrol"] = True
        enterprises.append(row)
    order = {e["id"]: i for i, e in enumerate(enterprises)}
    rows = _rows(Outlet.objects.filter(enterprise__in=visible.values("pk"), latitude__isnull=False).values_list(
        "name", "code", "medium", *_FLOAT_AT, "enterprise_id"))
    rows.sort(key=lambda r: (order.get(r[5], 0), r[1]))
    outlets = [{"name": name, "code": code, "medium": medium, "enterprise_id": ent, "at": _at(lat, lng)}
               for name, code, medium, lat, lng, ent in rows]
    sections = [{
        "name": s.name, "kind": s.kind, "kind_label": s.get_kind_display(), "target": s.target_label,
        "station": s.point.name if s.point_id else "", "at": _ll(s), "url": s.get_absolute_url(),
    } for s in Section.objects.visible_to(user).filter(is_active=True).select_related("point").order_by("order")]
    since = timezone.now() - dt.timedelta(days=COMPLAINT_DAYS)
    complaints = [{
        "category": c.get_category_display(), "status": c.get_status_display(),
        "day": timezone.localtime(c.received_at).date().isoformat(), "at": _ll(c), "url": c.get_absolute_url(),
    } for c in Complaint.objects.visible_to(user).filter(received_at__gte=since, latitude__isnull=False)
        .order_by("-received_at")[:500]]
    return {
        "tiles": getattr(settings, "QINGYUAN_MAP_TILE_URL", ""),
        # Said once rather than on each of a province's 15,000 markers: labels, and links with {} for the id.
        "statuses": {value: str(label) for value, label in EnterpriseStatus.choices},
        "media": {value: str(label) for value, label in Medium.choices},
        "urls": {"enterprise": reverse("enterprises:detail", args=[0]).replace("/0/", "/{}/"),
                 "patrol": reverse("inspections:create") + "?enterprise={}"},
        "parks": [{"name": p.name, "boundary": p.boundary, "center": _ll(p)} for p in parks.order_by("pk")],
        "enterprises": enterprises, "outlets": outlets, "sections": sections, "complaints": complaints,
        "routes": _routes(user, today),
    }


def _routes(user: Any, today: dt.date) -> list[dict[str, Any]]:
    """Each inspector's patrols of one day, in time order: a route (or a single stop)."""
    since = timezone.now() - dt.timedelta(days=PATROL_DAYS)
    patrols = (Patrol.objects.visible_to(user).filter(started_at__gte=since).select_related("enterprise")
               .prefetch_related("inspectors").order_by("started_at", "id"))
    routes: dict[tuple[str, int], list[Patrol]] = defaultdict(list)
    for p in patrols:
        day = timezone.localtime(p.started_at).date().isoformat()
        first = min((u.pk for u in p.inspectors.all()), default=p.recorded_by_id or 0)
        routes[(day, first)].append(p)
    out = []
    for (day, _inspector), stops in sorted(routes.items(), reverse=True):
        points = [{"at": _ll(p) or _ll(p.enterprise), "name": p.enterprise.name, "url": p.get_absolute_url(),
                   "time": timezone.localtime(p.started_at).strftime("%H:%M")} for p in stops]
        points = [pt for pt in points if pt["at"]]
        if points:
            out.append({"day": day, "today": day == today.isoformat(), "stops": points})
    return out
