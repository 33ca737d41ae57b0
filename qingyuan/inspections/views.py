"""Pages: patrol list, form and detail, findings → assignments, plans and calendar, draws, map, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingyuan.core import attachments, htmx, workflow
from qingyuan.core.access import get_visible
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.enterprises.access import access_enterprise
from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections import access, actions, checklists, services, spreadsheet
from qingyuan.inspections.choices import Answer, FindingStatus, Severity
from qingyuan.inspections.forms import (
    AssignFindingForm,
    DrawForm,
    OverrideForm,
    PatrolFilter,
    PatrolForm,
    ReasonForm,
    patrol_payload,
)
from qingyuan.inspections.models import DrawItem, Finding, Patrol, PatrolPlan, RandomDraw
from qingyuan.inspections.workflow import FINDINGS
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park


def _patrols(request: HttpRequest) -> Any:
    return (Patrol.objects.visible_to(request.user).select_related("enterprise", "park")
            .annotate(finding_count=Count("findings", distinct=True)))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# ---- patrols ----------------------------------------------------------------------------------

JS_MESSAGES = {
    "locating": gettext_lazy("Locating…"),
    "no_geolocation": gettext_lazy("This browser cannot give a position."),
    "position_failed": gettext_lazy("No position: %s"),
    "restored": gettext_lazy("An unsent patrol from %s was restored on this phone."),
    "sending": gettext_lazy("Sending…"),
    "offline": gettext_lazy("No connection: the patrol is kept on this phone and will be sent when the "
                            "connection returns."),
    "refused": gettext_lazy("The server did not accept the patrol (%s); it is kept on this phone. Log in again "
                            "if asked, then retry."),
    "invalid": gettext_lazy("Please correct the marked fields."),
    "pending": gettext_lazy("%s patrols are kept on this phone and not sent yet; retrying."),
    "sent": gettext_lazy("Patrol sent."),
    "not_image": gettext_lazy("%s is not a photo."),
    "quota": gettext_lazy("The phone's storage is full: photos will only be sent if the connection holds."),
    "remove": gettext_lazy("Remove"),
}


def _filtered_patrols(request: HttpRequest) -> tuple[PatrolFilter, Any]:
    """The patrols the list shows for this user and these filters (the list and its export)."""
    form = PatrolFilter(request.GET or None)
    qs = form.apply(_patrols(request)) if request.GET else _patrols(request)
    return form, qs.order_by("-started_at", "-id")


def patrol_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_patrols(request)
    page = Paginator(qs, settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    recordable = _recordable(request) if not htmx.is_htmx(request) else []
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "inspections/list.html", {
        "filter": form, "page": page, "reads_park": access.reads_any_park(request.user), "recordable": recordable,
        "messages_js": JS_MESSAGES, "query": query.urlencode(),
    }, partial="inspections/partials/patrol_table.html")


@reads_from_replica
def patrol_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered_patrols(request)
    return spreadsheet.patrols_response(qs)



def _recordable(request: HttpRequest) -> Any:
    """Enterprises the user may record a patrol of (an inspector's parks), by name; [] for the others."""
    actor = actor_for(request.user)
    inspector_parks = [p for p in actor.roles_by_park if access.can_record_in(request.user, p)]
    if not inspector_parks:
        return []
    return Enterprise.objects.filter(park_id__in=inspector_parks).order_by("name").only("pk", "name")


def _form_context(request: HttpRequest, enterprise: Enterprise, draw_item: DrawItem | None,
                  form: PatrolForm, checklist: checklists.Checklist, payload: dict[str, Any] | None,
                  errors: dict[str, list[str]]) -> dict[str, Any]:
    payload = payload or {"checklist": {}, "findings": []}
    items = [(item, payload["checklist"].get(item.key, {}).get("answer", ""),
              payload["checklist"].get(item.key, {}).get("note", ""),
              errors.get(f"item-{item.key}", []) + errors.get(f"note-{item.key}", []))
             for item in checklist.items]
    findings = [(str(i), row, {k: errors.get(f"findings-{i}-{k}", []) for k in ("text", "severity", "checklist_item")})
                for i, row in enumerate(payload["findings"])]
    findings.append((str(len(findings)), {}, {}))  # one blank row, so the form works without JavaScript too
    shown = {f"item-{i.key}" for i in checklist.items} | {f"note-{i.key}" for i in checklist.items}
    shown |= {key for key in errors if key.startswith("findings-")} | set(form.fields)
    return {
        "enterprise": enterprise, "draw_item": draw_item, "form": form, "checklist": checklist, "items": items,
        "answers": Answer.choices, "severities": Severity.choices, "findings": findings,
        "errors": errors, "other_errors": [m for k, ms in errors.items() if k not in shown for m in ms],
        "live": services.live_monitoring(enterprise),
        "draft_key": f"qy-patrol:{enterprise.pk}:{draw_item.pk if draw_item else ''}",
        "messages_js": JS_MESSAGES,
    }


def patrol_create(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("enterprise") and not request.GET.get("draw_item") and request.method != "POST":
        recordable = _recordable(request)  # "New patrol" without an enterprise: choose it first
        if not recordable:
            raise PermissionDenied
        return render(request, "inspections/choose.html", {"recordable": recordable})
    enterprise = access.access_recordable_enterprise(request.user, request.GET.get("enterprise"))
    draw_item = None
    if request.GET.get("draw_item"):
        draw_item = get_visible(DrawItem.objects.filter(draw__in=RandomDraw.objects.visible_to(request.user))
                                .select_related("draw", "inspector_1", "inspector_2"), pk=request.GET["draw_item"])
        answered = Patrol.objects.filter(draw_item=draw_item).first()
        if answered is not None and request.method != "POST":
            messages.info(request, _("This draw has already been answered by a patrol."))
            return redirect(answered)
    inspectors = actions.inspectors_of(enterprise.park).exclude(pk=request.user.pk)
    checklist = checklists.checklist_for(enterprise)
    if request.method != "POST":
        form = PatrolForm(inspectors=inspectors, initial={
            "checklist_key": checklist.key, "started_at": timezone.now().replace(microsecond=0).isoformat()})
        return render(request, "inspections/form.html",
                      _form_context(request, enterprise, draw_item, form, checklist, None, {}))
    form = PatrolForm(request.POST, inspectors=inspectors)
    payload = patrol_payload(request.POST, request.FILES)
    errors: dict[str, list[str]] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            checklist = checklists.checklist(data["checklist_key"])
        except KeyError:
            pass
        try:
            patrol = actions.do_record_patrol(
                enterprise=enterprise, acting_user=request.user, kind=data["kind"] or "planned",
                started_at=data["started_at"], finished_at=data["finished_at"] or timezone.now(),
                checklist_key=data["checklist_key"], latitude=data["latitude"], longitude=data["longitude"],
                gps_accuracy_m=data["gps_accuracy_m"], gps_at=data["gps_at"], notes=data["notes"],
                internal_notes=data["internal_notes"], co_inspectors=data["co_inspectors"], draw_item=draw_item,
                client_id=data["client_id"], **payload)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            if _wants_json(request):
                return JsonResponse({"ok": True, "id": patrol.pk, "url": patrol.get_absolute_url()}, status=201)
            messages.success(request, _("Patrol recorded."))
            return redirect(patrol)
    else:
        errors = {k: list(v) for k, v in form.errors.items()}
    for key, msgs in errors.items():
        if key in form.fields and key not in form.errors:
            for m in msgs:
                form.add_error(key, m)
    if _wants_json(request):
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    context = _form_context(request, enterprise, draw_item, form, checklist, payload, errors)
    return render(request, "inspections/form.html", context, status=400)


def live_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise's newest monitoring values, refreshed on the patrol screen every minute."""
    enterprise = access_enterprise(request.user, pk)
    if not access.reads_park(request.user, enterprise.park_id):
        raise Http404
    return render(request, "inspections/partials/live.html",
                  {"enterprise": enterprise, "live": services.live_monitoring(enterprise)})


def patrol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = access.access_patrol(request.user, pk)
    roles = access.patrol_roles(request.user, patrol)
    findings = list(patrol.findings.select_related("assignment__assignee_unit"))
    default_deadline = {s: timezone.localdate() + dt.timedelta(days=d) for s, d in actions.DEADLINE_DAYS.items()}
    rows = []
    for f in findings:
        available = {t.name for t in FINDINGS.available(f.status, roles)}
        form = AssignFindingForm(park_id=patrol.park_id, prefix=f"f{f.pk}", initial={
            "unit": patrol.enterprise.linked_unit_id, "deadline": default_deadline.get(f.severity)}) \
            if "assign" in available else None
        rows.append((f, form, "close" in available, "reopen" in available, workflow.history(f)))
    photos = attachments.for_owner(patrol).order_by("id")
    return render(request, "inspections/detail.html", {
        "patrol": patrol, "findings": rows, "photos": photos,
        "inspectors": patrol.inspectors.select_related("person"),
        "internal": access.sees_internal_notes(request.user, patrol),
        "reads_park": access.reads_park(request.user, patrol.park_id),
    })


def patrol_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    return attachments.serve(access.access_photo(request.user, pk, photo))


@require_POST
def finding_assign(request: HttpRequest, pk: int) -> HttpResponse:
    finding = access.access_finding(request.user, pk, for_write=True)
    form = AssignFindingForm(request.POST, park_id=finding.patrol.park_id, prefix=f"f{finding.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(finding.get_absolute_url())
    try:
        assignment = actions.do_assign_finding(finding, acting_user=request.user, **form.cleaned_data)
    except workflow.TransitionError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Assignment %(number)s issued to %(unit)s.") % {
            "number": assignment.number, "unit": assignment.assignee_unit})
    return redirect(finding.get_absolute_url())


@require_POST
def finding_decide(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    finding = access.access_finding(request.user, pk, for_write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required."))
        return redirect(finding.get_absolute_url())
    act = {"close": actions.do_close_finding, "reopen": actions.do_reopen_finding}.get(name)
    if act is None:
        raise Http404
    try:
        act(finding, acting_user=request.user, reason=form.cleaned_data["reason"])
    except workflow.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Finding updated."))
    return redirect(finding.get_absolute_url())


def enterprise_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every patrol of one enterprise (for the enterprise page to link to)."""
    enterprise = access.access_enterprise_patrols(request.user, pk)
    patrols = (Patrol.objects.visible_to(request.user).filter(enterprise=enterprise)
               .prefetch_related(Prefetch("findings", queryset=Finding.objects.select_related(
                   "assignment")), "inspectors__person").order_by("-started_at", "-id"))
    page = Paginator(patrols, settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    reads = access.reads_park(request.user, enterprise.park_id)
    return render(request, "inspections/history.html", {
        "enterprise": enterprise, "page": page, "reads_park": reads,
        "plan": PatrolPlan.objects.filter(enterprise=enterprise).first() if reads else None,
        "can_record": access.can_record_in(request.user, enterprise.park_id),
    })


# ---- plans and calendar -----------------------------------------------------------------------

def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
        return year, month
    except ValueError:
        return today.year, today.month


def plan_calendar(request: HttpRequest) -> HttpResponse:
    if not access.reads_any_park(request.user):
        raise Http404
    year, month = _month(request)
    first = dt.date(year, month, 1)
    plans = (PatrolPlan.objects.visible_to(request.user).select_related("enterprise")
             .order_by("next_due", "enterprise__name"))
    parks = Park.objects.filter(pk__in=[p for p in actor_for(request.user).roles_by_park])
    return render(request, "inspections/calendar.html", {
        "weeks": services.month_calendar(request.user, year, month), "month": first,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "previous": (first - dt.timedelta(days=1)).strftime("%Y-%m"),
        "next": (first + dt.timedelta(days=32)).strftime("%Y-%m"),
        "plans": plans, "today": timezone.localdate(),
        "manages": any(access.manages_park(request.user, p.pk) for p in parks) or request.user.is_superuser,
        "override_form": OverrideForm(),
    })


@require_POST
def plan_override(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_plan(request.user, pk, for_write=True)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            actions.do_override_plan(plan, acting_user=request.user, days=form.cleaned_data["days"],
                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Patrol interval of %(name)s saved.") % {"name": plan.enterprise.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{reverse('inspections:calendar')}#plan-{plan.pk}")


# ---- random draws -----------------------------------------------------------------------------

def _draw_park(request: HttpRequest) -> Park | None:
    actor = actor_for(request.user)
    parks = [p for p in actor.roles_by_park if access.can_draw_in(request.user, p)]
    return Park.objects.filter(pk__in=parks).order_by("pk").first()


def _draws(request: HttpRequest) -> Any:
    """The draws the page lists for this user (the page and its export)."""
    return (RandomDraw.objects.visible_to(request.user).select_related("park")
            .annotate(done=Count("items__patrol"), total=Count("items")).order_by("-created_at", "-id"))


@reads_from_replica
def draw_export(request: HttpRequest) -> HttpResponse:
    if not access.reads_any_park(request.user):
        raise Http404
    return spreadsheet.draws_response(_draws(request))


def draw_list(request: HttpRequest) -> HttpResponse:
    if not access.reads_any_park(request.user):
        raise Http404
    park = _draw_park(request)
    inspectors = actions.inspectors_of(park) if park else []
    form = DrawForm(request.POST or None, inspectors=inspectors) if park else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                d = actions.do_draw(
                    park=park, acting_user=request.user, title=data["title"], sample_size=data["sample_size"],
                    deadline=data["deadline"], risk_classes=data["risk_classes"], industries=data["industries"],
                    statuses=data["statuses"],
                    inspector_ids=[u.pk for u in data["inspectors"]] if data["inspectors"] else None)
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(key if key in form.fields else None, error)
            else:
                messages.success(request, _("Draw made; the seed is recorded so anyone can check it."))
                return redirect(d)
    page = Paginator(_draws(request), settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/draws.html", {"form": form, "page": page},
                  status=400 if form is not None and form.errors else 200)


def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = access.access_draw(request.user, pk)
    items = list(d.items.select_related("enterprise", "inspector_1__person", "inspector_2__person", "patrol"))
    pool = {e.pk: e for e in Enterprise.objects.filter(pk__in=d.enterprise_pool).only("pk", "name")}
    return render(request, "inspections/draw_detail.html", {
        "draw": d, "items": items, "pool": [pool.get(pk, pk) for pk in d.enterprise_pool],
        "inspector_pool": actions.User.objects.filter(pk__in=d.inspector_pool).select_related("person"),
        "can_publish": access.manages_park(request.user, d.park_id) and not d.published,
        "me": request.user.pk,
    })


def draw_verify(request: HttpRequest, pk: int) -> HttpResponse:
    d = access.access_draw(request.user, pk)
    result = services.verify_draw(d)
    return render_page(request, "inspections/verify.html", {"draw": d, "verification": result},
                       partial="inspections/partials/verify.html")


@require_POST
def draw_publish(request: HttpRequest, pk: int) -> HttpResponse:
    d = access.access_draw(request.user, pk, for_write=True)
    actions.do_publish_draw(d, acting_user=request.user)
    messages.success(request, _("Draw published."))
    return redirect(d)


# ---- map --------------------------------------------------------------------------------------

MAP_DAYS = 90


def _map_patrols(request: HttpRequest) -> list[dict[str, Any]]:
    """Patrols of the last MAP_DAYS days with a place: the GPS fix, else the enterprise's coordinates."""
    since = timezone.now() - dt.timedelta(days=MAP_DAYS)
    patrols = (Patrol.objects.visible_to(request.user).filter(started_at__gte=since)
               .filter(Q(latitude__isnull=False) | Q(enterprise__latitude__isnull=False))
               .select_related("enterprise").annotate(
                   finding_count=Count("findings", distinct=True),
                   open_count=Count("findings", filter=Q(findings__status=FindingStatus.OPEN), distinct=True))
               .order_by("-started_at")[:2000])
    points = []
    for p in patrols:
        lat = p.latitude if p.latitude is not None else p.enterprise.latitude
        lon = p.longitude if p.longitude is not None else p.enterprise.longitude
        points.append({"lat": float(lat), "lon": float(lon), "gps": p.has_position, "name": p.enterprise.name,
                       "date": timezone.localtime(p.started_at).strftime("%Y-%m-%d %H:%M"),
                       "kind": p.get_kind_display(), "findings": p.finding_count, "open": p.open_count,
                       "url": p.get_absolute_url(), "park": p.park_id})
    return points


def patrol_layer(request: HttpRequest) -> JsonResponse:
    """The patrol layer as GeoJSON, for maps that combine layers (complaints and patrols)."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.pop("lon"), p.pop("lat")]},
                 "properties": p} for p in _map_patrols(request)]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def patrol_map(request: HttpRequest) -> HttpResponse:
    points = _map_patrols(request)
    parks = Park.objects.filter(pk__in={p["park"] for p in points} or list(actor_for(request.user).roles_by_park))
    return render(request, "inspections/map.html", {
        "map_data": {"points": points,
                     "parks": [{"name": p.name, "boundary": p.boundary,
                                "center": [float(p.latitude), float(p.longitude)] if p.latitude else None}
                               for p in parks],
                     "tiles": getattr(settings, "QINGYUAN_MAP_TILE_URL", ""),
                     "labels": {"findings": _("problems found"), "open": _("still open"), "no_gps": _("no GPS fix: shown at the "
                                                                                          "enterprise")}},
        "count": len(points), "days": MAP_DAYS, "reads_park": access.reads_any_park(request.user),
    })

