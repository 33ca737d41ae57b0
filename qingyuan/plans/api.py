"""GET /api/v1/plans and /api/v1/plans/{id}: the same access rules as the pages."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from qingyuan.core.api import ERRORS, Paging, paginate
from qingyuan.core.models import Attachment
from qingyuan.plans.access import access_plan, plan_roles
from qingyuan.plans.choices import PlanStatus
from qingyuan.plans.forms import apply_filters
from qingyuan.plans.models import EnterprisePlan, Measure
from qingyuan.plans.progress import money
from qingyuan.plans.schemas import PlanDetailOut, PlanPage
from qingyuan.plans.workflow import EXPERT

router = Router(tags=["plans"])

StatusValue = Literal[tuple(PlanStatus.values)]  # type: ignore[valid-type]


class PlanFilters(Paging):
    q: str = ""
    status: StatusValue | None = None
    enterprise: int | None = None
    park_plan: int | None = None


def _row(plan: EnterprisePlan) -> dict[str, Any]:
    return {"id": plan.pk, "park_plan_id": plan.park_plan_id,
            "enterprise": {"id": plan.enterprise_id, "name": plan.enterprise.name},
            "title": plan.title, "outcome": plan.outcome, "status": plan.status, "version": plan.version,
            "start_date": plan.start_date, "deadline": plan.deadline, "revision_due": plan.revision_due,
            "n_measures": getattr(plan, "n_measures", 0), "n_done": getattr(plan, "n_done", 0),
            "investment": money(getattr(plan, "investment", None))}


@router.get("/plans", response={200: PlanPage, **ERRORS})
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, Any]:
    qs = apply_filters(EnterprisePlan.objects.visible_to(request.user), q=filters.q, status=filters.status or "",
                       enterprise=filters.enterprise, park_plan=filters.park_plan)
    page = paginate(qs.with_totals().order_by("deadline", "id"), filters)
    page["results"] = [_row(p) for p in page["results"]]
    return page


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS})
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = access_plan(request.user, plan_id)
    roles = plan_roles(request.user, plan)
    plan = EnterprisePlan.objects.filter(pk=plan.pk).with_totals().get()
    measures = list(plan.measures.select_related("owner_user__person"))
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(Measure),
                                       owner_id__in=[str(m.pk) for m in measures]):
        evidence[a.owner_id].append({"id": a.pk, "name": a.name, "mime": a.mime, "size": a.size,
                                     "url": reverse("plans:evidence", args=[plan.pk, a.pk])})
    versions = list(plan.versions.prefetch_related("reviews__reviewer__person"))
    acceptances = list(plan.acceptances.select_related("version").prefetch_related("items", "panel"))
    return {
        **_row(plan), "summary": plan.summary,
        "measures": [{
            "id": m.pk, "kind": m.kind, "title": m.title, "description": m.description,
            "responsible": m.responsible, "start_date": m.start_date, "deadline": m.deadline,
            "investment": m.investment, "status": m.status, "done_on": m.done_on,
            "reductions": {k: str(v) for k, v in (m.reductions or {}).items()},
            "evidence": evidence.get(str(m.pk), [])} for m in measures],
        "versions": [{
            "number": v.number, "author_name": v.author_name, "created_at": v.created_at, "note": v.note,
            "changes": v.changes, "conclusion": v.conclusion, "conclusion_text": v.conclusion_text,
            "concluded_at": v.concluded_at,
            "reviews": _reviews(request, v, roles)} for v in versions],
        "acceptances": [{
            "id": a.pk, "number": a.number, "version": a.version.number, "status": a.status,
            "requested_by_name": a.requested_by_name, "requested_at": a.requested_at,
            "inspection_date": a.inspection_date, "organiser": a.organiser, "verdict_text": a.verdict_text,
            "decided_at": a.decided_at,
            "items": [{"order": i.order, "measure_id": i.measure_id, "text": i.text, "result": i.result,
                       "note": i.note} for i in a.items.all()],
            "panel": [{"name": p.name, "organisation": p.organisation, "position": p.position,
                       "is_lead": p.is_lead} for p in a.panel.all()],
            "record_url": reverse("plans:acceptance_record", args=[plan.pk, a.pk]) if a.inspection_date else None,
        } for a in acceptances],
    }


def _reviews(request: HttpRequest, version: Any, roles: frozenset[str]) -> list[dict[str, Any]]:
    reviews = list(version.reviews.all())
    waiting = EXPERT in roles and any(r.reviewer_id == request.user.pk and r.submitted_at is None for r in reviews)
    return [{
        "reviewer": r.reviewer.person.name if hasattr(r.reviewer, "person") else r.reviewer.get_username(),
        "is_lead": r.is_lead, "due_date": r.due_date,
        # An expert still writing their own opinion does not see the others' (independent review).
        "recommendation": "" if waiting and r.reviewer_id != request.user.pk else r.recommendation,
        "opinion": "" if waiting and r.reviewer_id != request.user.pk else r.opinion,
        "submitted_at": r.submitted_at} for r in reviews]
