"""The citizen's pages under /public/complaints/: no account, phone-first.

Nothing here shows anyone's name or phone, internal notes, or photos staff did not mark
public. A tracking code that does not exist and one that is not trackable get the same
404 page, byte for byte (the page carries no per-request token).

The tracking code reads; rating and asking for a review also need the complainant's PIN
(``actions.pin``), shown once on the confirmation page. Lookups by code are limited per
address (``QINGYUAN_COMPLAINT_LOOKUP_LIMIT``), so codes cannot be guessed in bulk.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qingyuan.complaints import actions, conf, geo, ratelimit
from qingyuan.complaints.access import public_complaint, public_photo
from qingyuan.complaints.actions.pin import PinRefused, do_verify_complaint_pin
from qingyuan.complaints.choices import PUBLIC_PHOTO, Rating, Status
from qingyuan.complaints.forms import PublicComplaintForm, RatingForm, TrackForm
from qingyuan.complaints.models import Complaint
from qingyuan.core import attachments
from qingyuan.core.workflow import TransitionError
from qingyuan.org.models import Park


def index(request: HttpRequest) -> HttpResponse:
    parks = list(Park.objects.order_by("name"))
    if len(parks) == 1:
        return redirect("complaints_public:submit", park_code=parks[0].code)
    return render(request, "complaints/public/index.html", {"parks": parks, "track_form": TrackForm()})


def _park(code: str) -> Park:
    park = Park.objects.filter(code=code).first()
    if park is None:
        raise Http404
    return park


def map_context(park: Park) -> dict[str, Any]:
    centre = geo.park_centre(park)
    return {"map": {"boundary": park.boundary, "centre": centre, "tiles": conf.get("QINGYUAN_MAP_TILE_URL"),
                    "attribution": conf.get("QINGYUAN_MAP_TILE_ATTRIBUTION")}}


def submit(request: HttpRequest, park_code: str) -> HttpResponse:
    park = _park(park_code)
    status = 200
    if request.method == "POST":
        form = PublicComplaintForm(request.POST, request.FILES, park=park)
        hit = ratelimit.reserve(request, ratelimit.SUBMIT)  # counted before the work, in every process
        if hit is None:
            form.add_error(None, _("Too many complaints from this connection in the last hour. Please try again "
                                   "later, or call the 12369 hotline."))
            status = 429
        elif form.is_bot:
            form.add_error(None, _("The form was filled in automatically and was not sent."))
            status = 400
        elif form.is_valid():
            complaint = _submit(request, form, park, hit)
            if complaint is not None:
                # the PIN is shown once, on the confirmation page (the session forgets it there)
                request.session[_pin_key(complaint.code)] = complaint.pin
                return redirect(reverse("complaints_public:track", args=[complaint.code]) + "?new=1")
            status = 400
        else:
            ratelimit.release(hit)  # mistakes in the form: nothing was sent
            status = 400
        form.new_challenge()  # a refused form always asks a fresh question
    else:
        form = PublicComplaintForm(park=park, initial={"observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    context = {"form": form, "park": park, "track_form": TrackForm(), **map_context(park)}
    return render(request, "complaints/public/submit.html", context, status=status)


def _pin_key(code: str) -> str:
    return f"qingyuan.complaints.pin.{code}"


def _submit(request: HttpRequest, form: PublicComplaintForm, park: Park, hit: Any) -> Complaint | None:
    """File the complaint; a wrong or replayed answer counts against the address, other mistakes do not."""
    data = form.cleaned_data
    if not ratelimit.answer_ok(data["challenge"], data["answer"]):
        form.add_error("answer", _("That is not the right answer. Please try the new question."))
        return None
    try:
        with transaction.atomic():
            complaint = actions.do_submit_complaint(
                park=park, category=data["category"], description=data["description"], address=data["address"],
                longitude=data["longitude"], latitude=data["latitude"], enterprise=data["enterprise"],
                observed_at=data["observed_at"], name=data["name"], phone=data["phone"], photos=data["photos"],
                publish_reply=data["publish_reply"])
            if not ratelimit.consume(data["challenge"]):
                raise ratelimit.ChallengeReused
    except ratelimit.ChallengeReused:
        form.add_error("answer", _("This form was already sent once. Please answer the new question."))
        return None
    except ValidationError as exc:
        ratelimit.release(hit)
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    return complaint


def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("complaints_public:track", code=form.cleaned_data["code"].strip().upper())
    return render(request, "complaints/public/lookup.html", {"track_form": form})


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/public/not_found.html", {}, status=404)


def _looked_up(request: HttpRequest, code: str) -> tuple[Complaint | None, HttpResponse | None]:
    """The complaint behind a code, counted against the address: (complaint, None) or (None, refusal)."""
    if ratelimit.reserve(request, ratelimit.LOOKUP) is None:
        return None, render(request, "complaints/public/limited.html", {}, status=429)
    try:
        return public_complaint(code), None
    except Http404:
        return None, _not_found(request)


def tracking_context(c: Complaint, today: Any) -> dict[str, Any]:
    """What the public may know about a complaint: never personal data, never internal notes."""
    case = c.case
    merged = c.status == Status.MERGED
    rateable = (not c.rating) and ((merged and case.status in (Status.REPLIED, Status.CLOSED))
                                  or c.status == Status.REPLIED)
    return {
        "c": c, "case": case, "merged": merged, "today": today,
        "status_label": case.get_status_display(),
        "status": case.status,
        "unit": case.handling_unit if case.status not in (Status.RECEIVED, Status.NOT_ACCEPTED) else None,
        "photos": list(attachments.for_owner(c).filter(purpose=PUBLIC_PHOTO))
        + (list(attachments.for_owner(case).filter(purpose=PUBLIC_PHOTO)) if merged else []),
        "rateable": rateable,
        "rating_form": RatingForm() if rateable else None,
        "has_pin": bool(c.pin_hash),
        "pin_locked": c.pin_failures >= conf.get("QINGYUAN_COMPLAINT_PIN_ATTEMPTS"),
        "review_deadline": actions.review_deadline(c),
        "reviews": [r for r in c.reviews.all() if r.trackable],
        "review_of": c.review_of if c.review_of_id and c.review_of.trackable else None,
        "dissatisfied": c.rating == Rating.DISSATISFIED,
        "can_request_review": c.rating == Rating.DISSATISFIED and actions.can_request_review(c, today),
    }


@never_cache
def track(request: HttpRequest, code: str) -> HttpResponse:
    c, refused = _looked_up(request, code)
    if c is None:
        return refused  # type: ignore[return-value]
    new = request.GET.get("new") == "1"
    pin = request.session.pop(_pin_key(c.code), "") if new and hasattr(request, "session") else ""
    context = {**tracking_context(c, timezone.localdate()), "new": new, "pin": pin}
    return render(request, "complaints/public/track.html", context)


def _refused(request: HttpRequest, c: Complaint, exc: Exception, status: int = 400) -> HttpResponse:
    message = exc.message if isinstance(exc, TransitionError) else " ".join(exc.messages)  # type: ignore[attr-defined]
    if isinstance(exc, PinRefused):
        status = 403
    return render(request, "complaints/public/track.html",
                  {**tracking_context(c, timezone.localdate()), "error": message}, status=status)


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    c, refused = _looked_up(request, code)
    if c is None:
        return refused  # type: ignore[return-value]
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            do_verify_complaint_pin(c, form.cleaned_data["pin"])
            actions.do_rate_complaint(c, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"],
                                      request_review=form.cleaned_data["request_review"],
                                      review_reason=form.cleaned_data["comment"])
        except (TransitionError, ValidationError) as exc:
            return _refused(request, c, exc)
        return redirect(reverse("complaints_public:track", args=[c.code]) + "?rated=1")
    context = {**tracking_context(c, timezone.localdate()), "rating_form": form}
    return render(request, "complaints/public/track.html", context, status=400)


@require_POST
def review(request: HttpRequest, code: str) -> HttpResponse:
    """A dissatisfied complainant asks for a review after rating (within the window), with the PIN."""
    c, refused = _looked_up(request, code)
    if c is None:
        return refused  # type: ignore[return-value]
    try:
        do_verify_complaint_pin(c, request.POST.get("pin", ""))
        actions.do_request_review(c, reason=request.POST.get("reason", ""))
    except (TransitionError, ValidationError) as exc:
        return _refused(request, c, exc)
    return redirect(reverse("complaints_public:track", args=[c.code]) + "?review=1")


def photo(request: HttpRequest, code: str, attachment_id: int) -> HttpResponse:
    try:
        c = public_complaint(code)
        attachment = public_photo(c, attachment_id)
    except Http404:
        return _not_found(request)
    return attachments.serve(attachment)
