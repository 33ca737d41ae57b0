"""The scope sweep's engine: samples of each route for a role, the requests, and the verdicts.

For a route and a role the sweep takes an object the role may see and one it may not (the
access oracle is the target's ``visible(user)``), and for a child addressed under a parent
(a measure under its plan) also a visible child under a visible parent it does not belong
to. Each sample is requested with GET, POST without data and POST with plausible data; a
refused request and any request of a read-only role must leave the audit log as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils import timezone

from qingyuan.demo.tests.sweep_data import READ_ONLY
from qingyuan.demo.tests.sweep_routes import (
    API_TARGETS,
    TARGETS,
    Route,
    Target,
    public_operations,
    request_body,
)

# A wrong complaint PIN, and the lockout it leads to, are recorded on purpose (issue 10, item 4 and 6):
# those entries are the refusal's trace, not a change the refused request made.
SECURITY_EVENTS = {"complaint.pin_failed", "complaint.pin_locked", "auth.lockout", "auth.login_failed"}
REFUSED = {400, 401, 403, 404, 405, 422}
# Sign-in and language endpoints are about the session, not domain data: POSTing to them would
# log the client out, count failed logins for a lockout, or switch the language of later pages.
# One's own account (tokens, password) is self-service, not domain data: read-only roles manage theirs too.
# A subscription to the public portal is the holder's own (its links carry a signed token), like an account.
SELF_SERVICE = ("account/", "/api/v1/auth/tokens", "public/subscription/")
# The supervision group reads the park and writes only its own work: opinions, ratings, joining inspections.
READER_WRITES = {"supervisor": ("supervision/",)}
NO_POST = {"login/", "logout/", "i18n/setlang/", "/api/v1/auth/token"}
# Reads that run in the worker: a reader (a supervisor too) asks for the .docx/PDF of a briefing they may read; the
# POST queues a job for them, and the queueing is audited ('job.submit'): the trace of a download, not a change.
QUEUED_READS = {"briefings/<int:pk>/render/": {"job.submit"}}


@dataclass(frozen=True)
class Sample:
    values: dict[str, Any]
    visible: bool
    what: str  # "visible", "hidden" or "foreign child"


def samples(route: Route, user: Any) -> list[Sample]:
    if not route.params:
        return [Sample({}, True, "page")]
    target = (API_TARGETS if route.api else TARGETS).get(route.pattern)
    if target is None:
        raise LookupError(f"no target for {route.pattern}: add it to TARGETS/API_TARGETS in sweep_routes.py")
    return _samples(target, user)


def _samples(target: Target, user: Any) -> list[Sample]:
    objects = list(target.pick().order_by("pk"))
    visible = set(target.visible(user).values_list("pk", flat=True))
    seen = [o for o in objects if o.pk in visible]
    hidden = [o for o in objects if o.pk not in visible]
    out = []
    if hidden:
        out.append(Sample(target.kwargs(hidden[0]), False, "hidden"))
    if seen:
        out.append(Sample(target.kwargs(seen[0]), True, "visible"))
    if target.parent and seen:
        child = target.kwargs(seen[0])
        others = (target.kwargs(o) for o in seen[1:])
        other = next((k for k in others if k[target.parent] != child[target.parent]), None)
        if other is not None:
            out.append(Sample({**child, target.parent: other[target.parent]}, False, "foreign child"))
    return out


def plausible(user: Any) -> dict[str, Any]:
    """Form data most forms of the site accept: texts, dates, numbers and ids the user may see."""
    from qingyuan.enterprises.models import Enterprise
    from qingyuan.org.models import Park, Unit

    today = timezone.localdate()
    later = today + dt.timedelta(days=30)
    now = timezone.localtime().replace(microsecond=0, tzinfo=None)
    enterprise = Enterprise.objects.visible_to(user).order_by("pk").first() if user else None
    park = Park.objects.order_by("pk").first()
    unit = Unit.objects.filter(kind="township").order_by("pk").first()
    text = "巡查测试说明"
    data: dict[str, Any] = {k: text for k in (
        "name", "title", "reason", "note", "notes", "text", "description", "summary", "reply", "opinion", "comment",
        "requirements", "subject", "content", "address", "applicant", "organiser", "approved_by", "internal_note",
        "internal_notes", "external", "compiled_by", "owner_name", "outcome", "legal_representative")}
    data.update({k: later.isoformat() for k in ("deadline", "due_date", "new_deadline", "revision_due", "planned_on",
                                                 "until", "valid_to")})
    data.update({k: today.isoformat() for k in ("date", "effective_date", "since", "start_date", "inspection_date",
                                                 "approved_on", "valid_from")})
    data.update({k: now.isoformat(sep=" ") for k in ("started_at", "finished_at", "observed_at", "received_at",
                                                     "start", "end", "gps_at")})
    data.update({"percent": 50, "load_t": "1.5", "baseline_t": "10", "target_t": "8", "days": 7, "seconds": 60,
                 "sample_size": 2, "phone": "13900000000", "pollutant_code": "w01018", "rating": "satisfied",
                 "verdict": "pass", "conclusion": "pass", "decision": "approve", "kind": "maintenance",
                 "longitude": "116.41", "latitude": "27.83", "medium": "water", "code": "DW009", "mn": "361123SWEEP0001",
                 "password": "123456", "st": "32", "protocol_version": "2017", "risk_class": "major", "industry": "C26"})
    data.update({k: v for k, v in (("park", park and park.pk), ("enterprise", enterprise and enterprise.pk),
                                   ("unit", unit and unit.pk), ("assignee_unit", unit and unit.pk),
                                   ("township", unit and unit.pk), ("suggested_unit", unit and unit.pk)) if v})
    return data


def audit_mark() -> int:
    from qingyuan.core.models import AuditEntry

    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def audited_since(mark: int) -> list[str]:
    """What was written to the audit log after ``mark``, other than the record of a refused secret."""
    from qingyuan.core.models import AuditEntry

    actions = AuditEntry.objects.filter(pk__gt=mark).values_list("action", flat=True)
    return [a for a in actions if a not in SECURITY_EVENTS]


class Sweeper:
    """Runs every request of one role and collects what went wrong, one line each."""

    def __init__(self, username: str | None, user: Any) -> None:
        self.username = username or "anonymous"
        self.user = user
        self.client = Client(enforce_csrf_checks=False)
        if user is not None:
            self.client.force_login(user)
        self.data = plausible(user)
        self.problems: list[str] = []
        self.requests = 0
        self.public_api = public_operations()

    def route(self, route: Route) -> None:
        for sample in samples(route, self.user):
            url = route.url(sample.values)
            extra = {k: v for k, v in sample.values.items() if k not in route.params}
            methods = ["GET", "POST"] if not route.api else sorted({"GET", *route.methods})
            for method in methods:
                bodies: list[Any] = [None] if method == "GET" else [{}, {**self.data, **extra}]
                if route.api and method != "GET":
                    body = request_body(route.pattern, method)
                    bodies = [{}, body if body is not None else {}]
                if method == "POST" and (route.pattern in NO_POST):
                    bodies = bodies[:1] if route.api else []
                for body in bodies:
                    self._one(route, sample, method, url, body)

    def _one(self, route: Route, sample: Sample, method: str, url: str, body: Any) -> None:
        before = audit_mark()
        status, location, error = self._send(route, method, url, body)
        self.requests += 1
        label = f"{self.username} {method} {url} ({sample.what}{', data' if body else ''}) -> {status}"
        if error:
            self.problems.append(f"{label}: {error}")
            return
        login = status == 302 and "/login/" in location
        anonymous = self.user is None
        public = route.public or (route.pattern, method) in self.public_api
        if anonymous and not public:
            expected = {401, 405} if route.api else None
            if (expected and status not in expected) or (not expected and not login and status not in REFUSED):
                self.problems.append(f"{label}: anonymous must be sent to log in{location and ' not ' + location}")
        elif not sample.visible and status not in REFUSED and not (anonymous and login):
            self.problems.append(f"{label}: outside the role's scope, must be 404/403{location and ' not ' + location}")
        written = audited_since(before) if audit_mark() != before else []
        if written and (status in REFUSED or login):
            self.problems.append(f"{label}: refused, yet the audit log changed: {written}")
        elif written and self.username in READ_ONLY and not route.pattern.startswith(SELF_SERVICE) \
                and not route.pattern.startswith(READER_WRITES.get(self.username, ())) \
                and not set(written) <= QUEUED_READS.get(route.pattern, set()):
            self.problems.append(f"{label}: read-only role changed the audit log: {written}")

    def _send(self, route: Route, method: str, url: str, body: Any) -> tuple[int, str, str]:
        try:
            if method == "GET":
                response = self.client.get(url)
            elif route.api:
                response = self.client.post(url, json.dumps(body or {}), content_type="application/json")
            else:
                response = self.client.post(url, body or {})
        except Exception as exc:  # the test client re-raises what the view raised: that is a 500
            return 500, "", f"500: {type(exc).__name__}: {exc}"[:300]
        if response.status_code >= 500:
            return response.status_code, "", f"{response.status_code}"
        return response.status_code, response.get("Location", ""), ""
