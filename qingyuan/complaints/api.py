"""/api/v1/complaints: public intake and tracking (no account), and the staff list.

The public endpoints have the same protections as the web form: per-IP rate limits (submissions,
and lookups by tracking code), honeypot, a single-use arithmetic challenge. Submitting returns the
complainant's PIN once; rating needs it. Photos are accepted only through the web form.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from qingyuan.complaints import actions, ratelimit
from qingyuan.complaints.access import (
    access_complaint,
    place_for,
    public_complaint,
    reference_for,
    sees_personal_data,
    sees_tracking_code,
)
from qingyuan.complaints.actions.pin import PinRefused, do_verify_complaint_pin
from qingyuan.complaints.choices import CaseType, Category, Channel
from qingyuan.complaints.choices import Status as S
from qingyuan.complaints.filters import apply_filters
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.public_views import tracking_context
from qingyuan.complaints.schemas import (
    ChallengeOut,
    ComplaintIn,
    ComplaintPage,
    CreatedOut,
    PublicComplaintOut,
    RatingIn,
    StaffComplaintOut,
)
from qingyuan.core.api import ERRORS, ErrorOut, Paging, paginate
from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Park

router = Router(tags=["complaints"])

StatusValue = Literal[tuple(S.values)]  # type: ignore[valid-type]
CategoryValue = Literal[tuple(Category.values)]  # type: ignore[valid-type]
ChannelValue = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
CaseTypeValue = Literal[tuple(CaseType.values)]  # type: ignore[valid-type]
PUBLIC_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
LOOKUPS_LIMITED = "Too many tracking-code lookups from this address; try again in a few minutes."


@router.get("/complaints/challenge", auth=None, response={200: ChallengeOut})
def challenge(request: HttpRequest) -> Any:
    """A question to answer in ``POST /complaints`` (valid two hours, once)."""
    c = ratelimit.new_challenge()
    return {"question": c.question, "token": c.token}


def _invalid(exc: ValidationError) -> Any:
    return Status(422, {"error": "Invalid input.", "detail": exc.message_dict})


@router.post("/complaints", auth=None, response={201: CreatedOut, **PUBLIC_ERRORS})
def submit(request: HttpRequest, payload: ComplaintIn) -> Any:
    hit = ratelimit.reserve(request, ratelimit.SUBMIT)
    if hit is None:
        return Status(429, {"error": "Too many complaints from this address in the last hour."})
    if payload.website:
        return Status(400, {"error": "The form was filled in automatically and was not sent."})
    park = Park.objects.filter(code=payload.park).first()
    if park is None:
        ratelimit.release(hit)
        return Status(404, {"error": "Not found."})
    if not ratelimit.answer_ok(payload.challenge_token, payload.challenge_answer):
        return Status(400, {"error": "Wrong or expired challenge answer.", "detail": {"challenge_answer": ["wrong"]}})
    enterprise = None
    if payload.enterprise_id is not None:
        enterprise = Enterprise.objects.filter(pk=payload.enterprise_id, park=park).first()
        if enterprise is None:
            ratelimit.release(hit)
            return _invalid(ValidationError({"enterprise_id": "Not one of the park's enterprises."}))
    try:
        with transaction.atomic():
            c = actions.do_submit_complaint(
                park=park, category=payload.category, description=payload.description, address=payload.address,
                longitude=payload.longitude, latitude=payload.latitude, enterprise=enterprise,
                observed_at=payload.observed_at, name=payload.name, phone=payload.phone)
            if not ratelimit.consume(payload.challenge_token):
                raise ratelimit.ChallengeReused
    except ratelimit.ChallengeReused:
        return Status(400, {"error": "This challenge was already used; ask for a new one."})
    except ValidationError as exc:
        ratelimit.release(hit)
        return _invalid(exc)
    return Status(201, {"code": c.code, "pin": c.pin, "status": c.status,
                        "tracking_url": request.build_absolute_uri(c.tracking_url())})


def public_out(c: Complaint) -> dict[str, Any]:
    ctx = tracking_context(c, timezone.localdate())
    case = ctx["case"]
    return {
        "code": c.code, "status": case.status, "status_label": str(ctx["status_label"]), "merged": ctx["merged"],
        "category": c.category, "category_label": str(c.get_category_display()), "received_on": c.received_on,
        "handling_unit": str(ctx["unit"]) if ctx["unit"] else None, "accept_deadline": case.accept_deadline,
        "handle_deadline": case.handle_deadline, "not_accepted_reason": case.not_accepted_reason,
        "reply": case.reply, "replied_on": case.replied_on, "rating": c.rating, "can_rate": ctx["rateable"],
        "review_deadline": ctx["review_deadline"],
        "reviews": [{"code": r.code, "level": r.review_level, "status": r.status,
                     "status_label": str(r.get_status_display()), "reply": r.reply, "replied_on": r.replied_on}
                    for r in ctx["reviews"]],
    }


@router.get("/complaints/track/{code}", auth=None, response={200: PublicComplaintOut, 404: ErrorOut,
                                                              429: ErrorOut})
def track(request: HttpRequest, code: str) -> Any:
    """Status, handling unit and public reply. Unknown and untrackable codes give the same 404."""
    if ratelimit.reserve(request, ratelimit.LOOKUP) is None:
        return Status(429, {"error": LOOKUPS_LIMITED})
    return public_out(public_complaint(code))


@router.post("/complaints/track/{code}/rating", auth=None, response={200: PublicComplaintOut, **PUBLIC_ERRORS})
def rate(request: HttpRequest, code: str, payload: RatingIn) -> Any:
    """Rate the reply with the PIN given at submission (403 without it, or with a wrong one)."""
    if ratelimit.reserve(request, ratelimit.LOOKUP) is None:
        return Status(429, {"error": LOOKUPS_LIMITED})
    c = public_complaint(code)
    try:
        do_verify_complaint_pin(c, payload.pin)
        actions.do_rate_complaint(c, rating=payload.rating, comment=payload.comment,
                                  request_review=payload.request_review, review_reason=payload.comment)
    except TransitionError as exc:
        return Status(403 if isinstance(exc, PinRefused) else 400, {"error": exc.message})
    except ValidationError as exc:
        return _invalid(exc)
    return public_out(public_complaint(code))


class ComplaintFilters(Paging):
    q: str = ""
    status: StatusValue | None = None
    category: CategoryValue | None = None
    channel: ChannelValue | None = None
    case_type: CaseTypeValue | None = None
    unit: int | None = None
    enterprise: int | None = None
    year: int | None = None
    due: Literal["overdue", "soon", "open"] | None = None


def staff_out(c: Complaint, user: Any, today: Any) -> dict[str, Any]:
    personal = sees_personal_data(user, c)
    unit = c.handling_unit
    merged_into = c.merged_into if c.merged_into_id else None
    return {
        "code": c.code if sees_tracking_code(user, c) else None,
        "reference": c.reference,
        **{f: getattr(c, f) for f in ("id", "park_id", "case_type", "channel", "category", "enterprise_id",
                                      "received_at", "status", "accept_deadline", "handle_deadline", "replied_on",
                                      "replied_on_time", "reply", "rating", "review_level", "assignment_id")},
        **place_for(user, c),  # description, address and position, masked for the supervision group
        "enterprise": str(c.enterprise) if c.enterprise_id else None,
        "handling_unit": {"id": unit.pk, "name": str(unit)} if unit is not None else None,
        "colour": c.colour(today).name.lower(),
        "merged_into": reference_for(user, merged_into) if merged_into is not None else None,
        "name": c.name if personal else None,
        "phone": c.phone if personal else None,
    }


@router.get("/complaints", response={200: ComplaintPage, **ERRORS})
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]) -> dict[str, Any]:
    qs = Complaint.objects.visible_to(request.user).select_related(
        "handling_unit", "enterprise", "assignment", "merged_into")
    qs = apply_filters(qs, q=filters.q, status=filters.status or "", category=filters.category or "",
                       channel=filters.channel or "", case_type=filters.case_type or "", unit=filters.unit,
                       enterprise=filters.enterprise, year=filters.year, due=filters.due or "", user=request.user)
    page = paginate(qs.order_by("-received_at", "-id"), filters)
    today = timezone.localdate()
    page["results"] = [staff_out(c, request.user, today) for c in page["results"]]
    return page


@router.get("/complaints/{complaint_id}", response={200: StaffComplaintOut, **ERRORS})
def get_complaint(request: HttpRequest, complaint_id: int) -> Any:
    return staff_out(access_complaint(request.user, complaint_id), request.user, timezone.localdate())
