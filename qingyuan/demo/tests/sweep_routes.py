"""Every URL of the site and every API operation, with real ids to fill them, for the sweeps.

``web_routes()`` walks the URL resolver (the admin apart); ``api_operations()`` reads the
OpenAPI schema. A route with parameters must be named in ``TARGETS`` (web) or ``API_TARGETS``
(API): the target says which objects fill the parameters and which queryset is the access
oracle (``visible(user)``: the objects that user may see, from ``Model.objects.visible_to``).
A new view with an id in its URL and no entry here fails the sweep until it gets one.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
API_PARAM = re.compile(r"\{(?P<name>[^}]+)\}")


@dataclass(frozen=True)
class Route:
    pattern: str                 # "enterprises/<int:pk>/" or, for the API, "/api/v1/enterprises/{enterprise_id}"
    params: tuple[str, ...]
    methods: tuple[str, ...] = ("GET", "POST")
    api: bool = False
    public: bool = False         # open to the anonymous public (no login redirect)

    def url(self, values: dict[str, Any]) -> str:
        if self.api:
            return API_PARAM.sub(lambda m: str(values[m["name"]]), self.pattern)
        return "/" + PARAM.sub(lambda m: str(values[m["name"]]), self.pattern)


@dataclass(frozen=True)
class Target:
    """What fills a route's parameters: objects of ``pick()``, ``kwargs(obj)``, the oracle ``visible(user)``.

    ``parent``: the URL parameter naming the object the picked one belongs to; the sweep also
    pairs a child with a visible parent it does not belong to, which must be refused too.
    """

    pick: Callable[[], QuerySet[Any]]
    kwargs: Callable[[Any], dict[str, Any]]
    visible: Callable[[Any], QuerySet[Any]]
    parent: str | None = None


def web_routes() -> list[Route]:
    from qingyuan.core.middleware import LoginRequiredMiddleware

    routes: dict[str, Route] = {}
    api_paths = {p.removeprefix("/") for p in _api_paths()}
    for pattern, view in _walk(get_resolver().url_patterns, ""):
        if pattern.startswith("admin/") or _api_style(pattern) in api_paths:
            continue
        params = tuple(m["name"] for m in PARAM.finditer(pattern))
        public = ("/" + pattern).startswith(LoginRequiredMiddleware.open_prefixes) or getattr(
            view, "login_required", True) is False
        routes[pattern] = Route(pattern, params, public=public)
    return list(routes.values())


def api_operations() -> list[Route]:
    ops = []
    for path, methods in _api_paths().items():
        params = tuple(m["name"] for m in API_PARAM.finditer(path))
        ops.append(Route(path, params, methods=tuple(sorted(m.upper() for m in methods)), api=True))
    return ops


@functools.cache
def openapi() -> dict[str, Any]:
    from qingyuan.api import api

    return dict(api.get_openapi_schema())


def _api_paths() -> dict[str, dict[str, Any]]:
    return dict(openapi()["paths"])


def _api_style(pattern: str) -> str:
    return PARAM.sub(lambda m: "{" + m["name"] + "}", pattern).rstrip("/")


def _walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def public_operations() -> set[tuple[str, str]]:
    """(path, METHOD) of the API operations open without authentication."""
    return {(path, method.upper()) for path, ops in _api_paths().items() for method, op in ops.items()
            if not op.get("security")}


def request_body(path: str, method: str) -> dict[str, Any] | None:
    """A plausible JSON body for an API operation, from its schema (strings, numbers, enums, dates)."""
    schema = openapi()
    op = schema["paths"][path].get(method.lower(), {})
    ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if ref is None:
        return None
    return _sample(ref, schema["components"]["schemas"])


def _sample(s: dict[str, Any], components: dict[str, Any]) -> Any:
    if "$ref" in s:
        return _sample(components[s["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("anyOf", "allOf", "oneOf"):
        if key in s:
            return _sample(s[key][0], components)
    if "enum" in s:
        return s["enum"][0]
    kind = s.get("type")
    if kind == "object":
        return {k: _sample(v, components) for k, v in s.get("properties", {}).items()}
    if kind == "array":
        return [_sample(s.get("items", {}), components)] if s.get("items") else []
    if s.get("format") == "date":
        return "2026-06-30"
    if s.get("format") == "date-time":
        return "2026-06-30T08:00:00+08:00"
    return {"integer": 1, "number": 1.5, "boolean": True, "string": "巡查测试", "null": None}.get(kind, "x")


# ----- what fills the ids -------------------------------------------------------------------------

def _m(label: str) -> type[Model]:
    from django.apps import apps

    return apps.get_model(label)


def _visible(label: str) -> Callable[[Any], QuerySet[Any]]:
    return lambda user: _m(label).objects.visible_to(user)


def _under(label: str, via: str, parent: str) -> Callable[[Any], QuerySet[Any]]:
    """Rows of ``label`` whose ``via`` is visible (``parent``'s ``visible_to``)."""
    return lambda user: _m(label).objects.filter(**{f"{via}__in": _m(parent).objects.visible_to(user).values("pk")})


def _attachments(owner: str) -> Callable[[], QuerySet[Any]]:
    def pick() -> QuerySet[Any]:
        from qingyuan.core.models import Attachment

        app, model = owner.lower().split(".")
        return Attachment.objects.filter(owner_type=ContentType.objects.get(app_label=app, model=model))

    return pick


def _attachments_under(owner: str, parent: str, via: str = "pk") -> Callable[[Any], QuerySet[Any]]:
    """Attachments of ``owner`` rows whose ``via`` is in ``parent``'s visible set."""
    def visible(user: Any) -> QuerySet[Any]:
        ids = _m(owner).objects.filter(**{f"{via}__in": _m(parent).objects.visible_to(user).values("pk")})
        return _attachments(owner)().filter(owner_id__in=[str(i) for i in ids.values_list("pk", flat=True)])

    return visible


def _owner(att: Any, owner: str) -> Any:
    return _m(owner).objects.get(pk=att.owner_id)


def _first(workflow: Any, state: str, default: str) -> str:
    """A transition that applies to the object's state (so a permitted POST can succeed)."""
    names = [t.name for t in workflow.transitions if state in t.sources]
    return names[0] if names else default


def _wf(path: str) -> Any:
    module, name = path.rsplit(".", 1)
    return getattr(__import__(module, fromlist=[name]), name)


def _all(label: str) -> Callable[[], QuerySet[Any]]:
    return lambda: _m(label).objects.all()


def _pk(obj: Any) -> dict[str, Any]:
    return {"pk": obj.pk}


def _everyone(label: str) -> Callable[[Any], QuerySet[Any]]:
    return lambda user: _m(label).objects.all()


ENTERPRISE = Target(_all("enterprises.Enterprise"), _pk, _visible("enterprises.Enterprise"))
POINT = Target(_all("enterprises.MonitoringPoint"), _pk, _visible("enterprises.MonitoringPoint"))
PLAN = Target(_all("plans.EnterprisePlan"), _pk, _visible("plans.EnterprisePlan"))
PARK_PLAN = Target(_all("plans.ParkPlan"), _pk, _visible("plans.ParkPlan"))
MEASURE = Target(_all("plans.Measure"), lambda o: {"pk": o.plan_id, "measure_id": o.pk},
                 _under("plans.Measure", "plan", "plans.EnterprisePlan"), parent="pk")
ACCEPTANCE = Target(_all("plans.Acceptance"), lambda o: {"pk": o.plan_id, "acceptance_id": o.pk},
                    _under("plans.Acceptance", "plan", "plans.EnterprisePlan"), parent="pk")
ASSIGNMENT = Target(_all("tasks.Assignment"), _pk, _visible("tasks.Assignment"))
CHECK = Target(_all("tasks.SupervisionCheck"), _pk, _visible("tasks.SupervisionCheck"))
PATROL = Target(_all("inspections.Patrol"), _pk, _visible("inspections.Patrol"))
DRAW = Target(_all("inspections.RandomDraw"), _pk, _visible("inspections.RandomDraw"))
COMPLAINT = Target(_all("complaints.Complaint"), _pk, _visible("complaints.Complaint"))
ALARM = Target(_all("alarms.Alarm"), _pk, _visible("alarms.Alarm"))
DECLARATION = Target(_all("quality.StopDeclaration"), _pk, _visible("quality.StopDeclaration"))
SECTION = Target(_all("sections.Section"), _pk, _visible("sections.Section"))
PROJECT = Target(_all("loads.NewProject"), _pk, _visible("loads.NewProject"))
FLAG = Target(_all("loads.ReboundFlag"), _pk, _visible("loads.ReboundFlag"))


def _quarantine_visible(user: Any) -> QuerySet[Any]:
    from qingyuan.monitoring.access import visible_quarantine
    from qingyuan.monitoring.models import Quarantine

    return visible_quarantine(user) if user is not None else Quarantine.objects.none()


def _notes_of(user: Any) -> QuerySet[Any]:
    from qingyuan.core.models import Notification

    return Notification.objects.filter(recipient=user) if user is not None else Notification.objects.none()


def _tokens_of(user: Any) -> QuerySet[Any]:
    from qingyuan.core.models import ApiToken

    if user is None:
        return ApiToken.objects.none()
    return ApiToken.objects.all() if user.is_superuser else ApiToken.objects.filter(user=user)


def _trackable(user: Any) -> QuerySet[Any]:
    return _m("complaints.Complaint").objects.filter(trackable=True)


def _public_photos(user: Any) -> QuerySet[Any]:
    trackable = [str(pk) for pk in _trackable(user).values_list("pk", flat=True)]
    return _attachments("complaints.Complaint")().filter(purpose="public_photo", owner_id__in=trackable)


QUARANTINE = Target(_all("monitoring.Quarantine"), _pk, _quarantine_visible)


# ----- issue 12: assessment (a unit officer reads only their own unit's rows), briefings, jobs ----------------

def _assessment_rows(label: str) -> Callable[[Any], QuerySet[Any]]:
    """Rows of ``label`` (with scheme and unit) in a visible scheme, of a unit ``visible_unit_ids`` lets the user read."""
    def visible(user: Any) -> QuerySet[Any]:
        from django.db.models import Q

        from qingyuan.assessment.access import visible_unit_ids

        rule = Q(pk__in=[])
        for scheme in _m("assessment.Scheme").objects.visible_to(user):
            units = visible_unit_ids(user, scheme)
            rule |= Q(scheme=scheme) if units is None else Q(scheme=scheme, unit_id__in=units)
        return _m(label).objects.filter(rule)

    return visible


def _assessment_files() -> QuerySet[Any]:
    from qingyuan.core.models import Attachment

    kinds = [ContentType.objects.get(app_label="assessment", model=m) for m in ("veto", "score")]
    return Attachment.objects.filter(owner_type__in=kinds)


def _assessment_file_owner(att: Any) -> Any:
    return att.owner_type.model_class().objects.get(pk=att.owner_id)


def _assessment_files_visible(user: Any) -> QuerySet[Any]:
    ids = [a.pk for a in _assessment_files().select_related("owner_type")
           if _assessment_rows(f"assessment.{a.owner_type.model}")(user).filter(pk=a.owner_id).exists()]
    return _assessment_files().filter(pk__in=ids)


def _jobs_of(user: Any) -> QuerySet[Any]:
    from qingyuan.core.job_views import jobs_visible_to

    return jobs_visible_to(user)


SCHEME = Target(_all("assessment.Scheme"), _pk, _visible("assessment.Scheme"))
ASSESSED = Target(_all("assessment.AssessedUnit"), lambda o: {"pk": o.scheme_id, "unit_id": o.unit_id},
                  _assessment_rows("assessment.AssessedUnit"), parent="pk")
BRIEFING = Target(_all("briefings.Briefing"), _pk, _visible("briefings.Briefing"))
JOB = Target(_all("core.Job"), _pk, _jobs_of)
ISSUE_12: dict[str, Target] = {
    "assessment/<int:pk>/": SCHEME, "assessment/<int:pk>/indicators/": SCHEME, "assessment/<int:pk>/vetoes/": SCHEME,
    "assessment/<int:pk>/adjustments/": SCHEME, "assessment/<int:pk>/compute/": SCHEME,
    "assessment/<int:pk>/scores.xlsx": SCHEME, "assessment/<int:pk>/notice.docx": SCHEME,
    "assessment/<int:pk>/act/<slug:name>/": Target(
        SCHEME.pick, lambda o: {"pk": o.pk, "name": _first(_wf("qingyuan.assessment.workflow.SCHEMES"), o.status,
                                                           "publish")}, SCHEME.visible),
    "assessment/<int:pk>/indicators/<int:indicator_id>/remove/": Target(
        _all("assessment.Indicator"), lambda o: {"pk": o.scheme_id, "indicator_id": o.pk},
        _under("assessment.Indicator", "scheme", "assessment.Scheme"), parent="pk"),
    "assessment/<int:pk>/units/<int:unit_id>/": ASSESSED, "assessment/<int:pk>/units/<int:unit_id>/self/": ASSESSED,
    "assessment/<int:pk>/units/<int:unit_id>/score/": ASSESSED,
    "assessment/<int:pk>/units/<int:unit_id>/appeal/": ASSESSED,
    "assessment/<int:pk>/appeals/<int:appeal_id>/answer/": Target(
        _all("assessment.Appeal"), lambda o: {"pk": o.scheme_id, "appeal_id": o.pk},
        _assessment_rows("assessment.Appeal"), parent="pk"),
    "assessment/<int:pk>/scores/<int:score_id>/evidence/": Target(
        _all("assessment.Score"), lambda o: {"pk": o.scheme_id, "score_id": o.pk},
        _assessment_rows("assessment.Score"), parent="pk"),
    "assessment/<int:pk>/files/<int:attachment_id>/": Target(
        _assessment_files, lambda a: {"pk": _assessment_file_owner(a).scheme_id, "attachment_id": a.pk},
        _assessment_files_visible, parent="pk"),
    "briefings/<int:pk>/": BRIEFING, "briefings/<int:pk>/transition/": BRIEFING,
    "briefings/<int:pk>/recipients/": BRIEFING, "briefings/<int:pk>/render/": BRIEFING,
    "briefings/<int:pk>/sections/<int:section_pk>/": Target(
        _all("briefings.BriefingSection"), lambda o: {"pk": o.briefing_id, "section_pk": o.pk},
        _under("briefings.BriefingSection", "briefing", "briefings.Briefing"), parent="pk"),
    "jobs/<int:pk>/": JOB, "jobs/<int:pk>/download/": JOB,
}
TARGETS: dict[str, Target] = {
    "enterprises/<int:pk>/": ENTERPRISE, "enterprises/<int:pk>/edit/": ENTERPRISE,
    "enterprises/<int:pk>/transition/": ENTERPRISE, "enterprises/<int:pk>/outlets/new/": ENTERPRISE,
    "enterprises/<int:pk>/points/new/": ENTERPRISE, "enterprises/<int:pk>/permits/new/": ENTERPRISE,
    "enterprises/<int:pk>/outlets/<int:outlet_pk>/edit/": Target(
        _all("enterprises.Outlet"), lambda o: {"pk": o.enterprise_id, "outlet_pk": o.pk},
        _under("enterprises.Outlet", "enterprise", "enterprises.Enterprise"), parent="pk"),
    "units/<int:pk>/": Target(_all("org.Unit"), _pk, _visible("org.Unit")),
    "monitoring/points/<int:pk>/": POINT, "monitoring/points/<int:pk>/chart.json": POINT,
    "monitoring/points/<int:pk>/packets/": POINT, "monitoring/points/<int:pk>/commands/": POINT,
    "monitoring/points/<int:pk>/setup/": POINT,
    "monitoring/packets/<int:pk>/": Target(_all("monitoring.RawPacket"), _pk,
                                           _under("monitoring.RawPacket", "point", "enterprises.MonitoringPoint")),
    "monitoring/quarantine/<int:pk>/register/": QUARANTINE, "monitoring/quarantine/<int:pk>/password/": QUARANTINE,
    "monitoring/quarantine/<int:pk>/dismiss/": QUARANTINE,
    "plans/<int:pk>/": PLAN, "plans/<int:pk>/edit/": PLAN, "plans/<int:pk>/submit/": PLAN,
    "plans/<int:pk>/return/": PLAN, "plans/<int:pk>/measures/new/": PLAN, "plans/<int:pk>/review/": PLAN,
    "plans/<int:pk>/review/assign/": PLAN, "plans/<int:pk>/review/opinion/": PLAN,
    "plans/<int:pk>/review/conclude/": PLAN, "plans/<int:pk>/acceptance/": PLAN,
    "plans/<int:pk>/acceptance/request/": PLAN,
    "plans/<int:pk>/measures/<int:measure_id>/edit/": MEASURE, "plans/<int:pk>/measures/<int:measure_id>/delete/": MEASURE,
    "plans/<int:pk>/measures/<int:measure_id>/transition/": Target(
        MEASURE.pick, lambda o: {"pk": o.plan_id, "measure_id": o.pk,
                                 "transition": _first(_wf("qingyuan.plans.workflow.MEASURE"), o.status, "start")},
        MEASURE.visible, parent="pk"),
    "plans/<int:pk>/measures/<int:measure_id>/evidence/": MEASURE,
    "plans/<int:pk>/evidence/<int:attachment_id>/": Target(
        _attachments("plans.Measure"), lambda a: {"pk": _owner(a, "plans.Measure").plan_id, "attachment_id": a.pk},
        _attachments_under("plans.Measure", "plans.EnterprisePlan", "plan"), parent="pk"),
    "plans/<int:pk>/acceptance/<int:acceptance_id>/schedule/": ACCEPTANCE,
    "plans/<int:pk>/acceptance/<int:acceptance_id>/findings/": ACCEPTANCE,
    "plans/<int:pk>/acceptance/<int:acceptance_id>/verdict/": ACCEPTANCE,
    "plans/<int:pk>/acceptance/<int:acceptance_id>/record.docx": ACCEPTANCE,
    "plans/park/<int:pk>/": PARK_PLAN, "plans/park/<int:pk>/edit/": PARK_PLAN, "plans/park/<int:pk>/approve/": PARK_PLAN,
    "plans/park/<int:pk>/targets/": PARK_PLAN, "plans/park/<int:pk>/loads/": PARK_PLAN,
    "plans/park/<int:pk>/milestones/": PARK_PLAN,
    "plans/park/<int:pk>/<str:kind>/<int:row_id>/remove/": Target(
        _all("plans.PlanTarget"), lambda o: {"pk": o.park_plan_id, "kind": "target", "row_id": o.pk},
        _under("plans.PlanTarget", "park_plan", "plans.ParkPlan"), parent="pk"),
    "tasks/files/<int:pk>/": Target(_attachments("tasks.Assignment"), _pk,
                                    _attachments_under("tasks.Assignment", "tasks.Assignment")),
    "tasks/<int:pk>/": ASSIGNMENT,
    "tasks/<int:pk>/do/<slug:name>/": Target(
        ASSIGNMENT.pick, lambda o: {"pk": o.pk, "name": _first(_wf("qingyuan.tasks.workflow.ASSIGNMENTS"), o.status, "sign")},
        ASSIGNMENT.visible),
    "tasks/checks/<int:pk>/": CHECK, "tasks/checks/<int:pk>/findings/": CHECK,
    "tasks/checks/<int:pk>/complete/": CHECK, "tasks/checks/<int:pk>/cancel/": CHECK,
    "tasks/findings/<int:pk>/spawn/": Target(_all("tasks.Finding"), _pk,
                                             _under("tasks.Finding", "supervision_check", "tasks.SupervisionCheck")),
    "inspections/<int:pk>/": PATROL,
    "inspections/<int:pk>/photos/<int:photo>/": Target(
        _attachments("inspections.Patrol"), lambda a: {"pk": a.owner_id, "photo": a.pk},
        _attachments_under("inspections.Patrol", "inspections.Patrol"), parent="pk"),
    "inspections/findings/<int:pk>/assign/": Target(
        _all("inspections.Finding"), _pk, _under("inspections.Finding", "patrol", "inspections.Patrol")),
    "inspections/findings/<int:pk>/<str:name>/": Target(
        _all("inspections.Finding"),
        lambda o: {"pk": o.pk, "name": _first(_wf("qingyuan.inspections.workflow.FINDINGS"), o.status, "close")},
        _under("inspections.Finding", "patrol", "inspections.Patrol")),
    "inspections/plans/<int:pk>/override/": Target(_all("inspections.PatrolPlan"), _pk,
                                                   _visible("inspections.PatrolPlan")),
    "inspections/draws/<int:pk>/": DRAW, "inspections/draws/<int:pk>/verify/": DRAW,
    "inspections/draws/<int:pk>/publish/": DRAW,
    "inspections/enterprise/<int:pk>/": ENTERPRISE, "inspections/enterprise/<int:pk>/live/": ENTERPRISE,
    "complaints/<int:pk>/": COMPLAINT,
    "complaints/<int:pk>/act/<slug:name>/": Target(
        COMPLAINT.pick,
        lambda o: {"pk": o.pk, "name": _first(_wf("qingyuan.complaints.workflow.COMPLAINTS"), o.status, "accept")},
        COMPLAINT.visible),
    "complaints/<int:pk>/photos/<int:attachment_id>/": Target(
        _attachments("complaints.Complaint"), lambda a: {"pk": a.owner_id, "attachment_id": a.pk},
        _attachments_under("complaints.Complaint", "complaints.Complaint"), parent="pk"),
    "complaints/<int:pk>/photos/<int:attachment_id>/public/": Target(
        _attachments("complaints.Complaint"), lambda a: {"pk": a.owner_id, "attachment_id": a.pk},
        _attachments_under("complaints.Complaint", "complaints.Complaint"), parent="pk"),
    "alarms/<int:pk>/": ALARM,
    "alarms/<int:pk>/act/<slug:name>/": Target(
        ALARM.pick, lambda o: {"pk": o.pk, "name": _first(_wf("qingyuan.alarms.workflow.ALARMS"), o.status, "accept")},
        ALARM.visible),
    "alarms/<int:pk>/evidence/<int:attachment>/": Target(
        _attachments("alarms.Alarm"), lambda a: {"pk": a.owner_id, "attachment": a.pk},
        _attachments_under("alarms.Alarm", "alarms.Alarm"), parent="pk"),
    "quality/enterprises/<int:pk>/": ENTERPRISE,
    "quality/declarations/<int:pk>/": DECLARATION,
    "quality/declarations/<int:pk>/act/<slug:name>/": Target(
        DECLARATION.pick,
        lambda o: {"pk": o.pk, "name": _first(_wf("qingyuan.quality.workflow.DECLARATIONS"), o.status, "approve")},
        DECLARATION.visible),
    "quality/declarations/<int:pk>/evidence/<int:attachment>/": Target(
        _attachments("quality.StopDeclaration"), lambda a: {"pk": a.owner_id, "attachment": a.pk},
        _attachments_under("quality.StopDeclaration", "quality.StopDeclaration"), parent="pk"),
    "loads/enterprises/<int:pk>/": ENTERPRISE, "loads/enterprises/<int:pk>/baseline/": ENTERPRISE,
    "loads/projects/<int:pk>/": PROJECT,
    "loads/projects/<int:pk>/<slug:decision>/": Target(PROJECT.pick, lambda o: {"pk": o.pk, "decision": "approve"},
                                                       PROJECT.visible),
    "loads/rebound/<int:pk>/": FLAG, "loads/rebound/<int:pk>/close/": FLAG,
    "sections/<int:pk>/": SECTION, "sections/<int:pk>/samples/new/": SECTION,
    "public/complaints/track/<str:code>/": Target(_all("complaints.Complaint"), lambda o: {"code": o.code}, _trackable),
    "public/complaints/track/<str:code>/rate/": Target(_all("complaints.Complaint"), lambda o: {"code": o.code},
                                                       _trackable),
    "public/complaints/track/<str:code>/review/": Target(_all("complaints.Complaint"), lambda o: {"code": o.code},
                                                         _trackable),
    "public/complaints/track/<str:code>/photos/<int:attachment_id>/": Target(
        _attachments("complaints.Complaint"),
        lambda a: {"code": _owner(a, "complaints.Complaint").code, "attachment_id": a.pk}, _public_photos),
    "public/complaints/<slug:park_code>/": Target(_all("org.Park"), lambda o: {"park_code": o.code},
                                                  _everyone("org.Park")),
    "inbox/<int:pk>/read/": Target(_all("core.Notification"), _pk, _notes_of),
    "account/tokens/<int:pk>/revoke/": Target(_all("core.ApiToken"), _pk, _tokens_of),
    **ISSUE_12,
}

API_TARGETS: dict[str, Target] = {
    "/api/v1/enterprises/{enterprise_id}": Target(ENTERPRISE.pick, lambda o: {"enterprise_id": o.pk},
                                                  ENTERPRISE.visible),
    "/api/v1/plans/{plan_id}": Target(PLAN.pick, lambda o: {"plan_id": o.pk}, PLAN.visible),
    "/api/v1/assignments/{assignment_id}": Target(ASSIGNMENT.pick, lambda o: {"assignment_id": o.pk},
                                                  ASSIGNMENT.visible),
    "/api/v1/assignments/{assignment_id}/transitions": Target(ASSIGNMENT.pick, lambda o: {"assignment_id": o.pk},
                                                              ASSIGNMENT.visible),
    "/api/v1/patrols/{patrol_id}": Target(PATROL.pick, lambda o: {"patrol_id": o.pk}, PATROL.visible),
    "/api/v1/complaints/{complaint_id}": Target(COMPLAINT.pick, lambda o: {"complaint_id": o.pk}, COMPLAINT.visible),
    "/api/v1/complaints/track/{code}": Target(COMPLAINT.pick, lambda o: {"code": o.code}, _trackable),
    "/api/v1/complaints/track/{code}/rating": Target(COMPLAINT.pick, lambda o: {"code": o.code}, _trackable),
    "/api/v1/alarms/{alarm_id}": Target(ALARM.pick, lambda o: {"alarm_id": o.pk}, ALARM.visible),
    "/api/v1/auth/tokens/{token_id}": Target(_all("core.ApiToken"), lambda o: {"token_id": o.pk}, _tokens_of),
    "/api/v1/assessment/schemes/{pk}/results": SCHEME,
}


# Apps added later keep their targets next to their code: ``qingyuan/<app>/tests/sweep_targets.py`` with
# ``TARGETS`` / ``API_TARGETS`` dicts (and, in ``sweep_data``, an optional ``seed(users)`` for rows the demo lacks).
APP_SWEEPS = ("closures", "compensation", "meetings", "supervision", "surveys", "portal", "quality", "monitoring")


def app_sweep_modules() -> list[Any]:
    names = [f"qingyuan.{app}.tests.sweep_targets" for app in APP_SWEEPS]
    return [importlib.import_module(n) for n in names if importlib.util.find_spec(n) is not None]


for _module in app_sweep_modules():
    TARGETS.update(getattr(_module, "TARGETS", {}))
    API_TARGETS.update(getattr(_module, "API_TARGETS", {}))
