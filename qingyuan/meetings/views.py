"""The meeting pages: calendar, scheduling, the meeting itself, replies, sign-in, .ics and .docx.

Writes to the agenda, minutes and decisions are in ``views_agenda``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import attachments
from qingyuan.core.models import Attachment
from qingyuan.core.workflow import TransitionError
from qingyuan.meetings import actions, ics, minutes, status
from qingyuan.meetings import render as rendering
from qingyuan.meetings.access import INVITEE, access_meeting, can_schedule, meeting_roles
from qingyuan.meetings.choices import DecisionState, MinutesStatus
from qingyuan.meetings.forms import (
    CorrectionForm,
    DecisionForm,
    ItemForm,
    MaterialForm,
    MeetingForm,
    MinutesForm,
    ReportForm,
    ResponseForm,
)
from qingyuan.meetings.models import AgendaItem, Meeting
from qingyuan.meetings.workflow import MEETINGS, MINUTES, OFFICE
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import PARK_MANAGER_ROLES
from qingyuan.org.models import Park


def _park(request: HttpRequest) -> Park | None:
    actor = actor_for(request.user)
    ids = sorted(actor.park_ids_with(PARK_MANAGER_ROLES))
    return Park.objects.filter(pk__in=ids).first() if ids else None


def errors_of(exc: Exception) -> str:
    if isinstance(exc, TransitionError):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("Not allowed.")


def calendar(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings by month, then the recent past."""
    qs = Meeting.objects.visible_to(request.user).select_related("park")
    since = timezone.now() - dt.timedelta(hours=3)
    upcoming = list(qs.filter(starts_at__gte=since).order_by("starts_at")[:100])
    months: dict[str, list[Meeting]] = {}
    for m in upcoming:
        months.setdefault(f"{timezone.localtime(m.starts_at):%Y-%m}", []).append(m)
    park = _park(request)
    return render(request, "meetings/calendar.html", {
        "months": months, "past": qs.filter(starts_at__lt=since).order_by("-starts_at")[:40],
        "can_schedule": bool(park and can_schedule(request.user, park.pk))})


def new(request: HttpRequest) -> HttpResponse:
    park = _park(request)
    if park is None or not can_schedule(request.user, park.pk):
        raise Http404
    form = MeetingForm(request.POST or None, park_id=park.pk)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        units, people = d.pop("units"), d.pop("people")
        try:
            meeting = actions.do_schedule_meeting(park, acting_user=request.user, units=units, people=people, **d)
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            messages.error(request, errors_of(exc))
        else:
            messages.success(request, _("Meeting scheduled. Send the notice when the agenda is ready."))
            return redirect(meeting)
    return render(request, "meetings/form.html", {"form": form})


def _page(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    roles = meeting_roles(request.user, meeting)
    today = timezone.localdate()
    items = list(meeting.items.prefetch_related("reports", "reviews__decision__assignment",
                                                 "reviews__decision__meeting", "reviews__decision__responsible_unit"))
    decisions = list(meeting.decisions.select_related("responsible_unit", "assignment").prefetch_related("co_units"))
    by_item: dict[int, list[dict[str, Any]]] = {}
    for row in status.rows(decisions, today):
        by_item.setdefault(row["decision"].item_id, []).append(row)
    materials: dict[int, list[Attachment]] = {}
    for att in Attachment.objects.filter(owner_type__app_label="meetings", owner_type__model="agendaitem",
                                         owner_id__in=[str(i.pk) for i in items]).order_by("id"):
        materials.setdefault(int(att.owner_id), []).append(att)
    office = OFFICE in roles
    draft = meeting.minutes_status == MinutesStatus.DRAFT
    park_id = meeting.park_id
    return {
        "meeting": meeting, "roles": roles, "office": office, "today": today,
        "items": [{"item": i, "decisions": by_item.get(i.pk, []), "materials": materials.get(i.pk, []),
                   "reviews": [{"entry": e, "now": status.state_of(e.decision, today),
                               "then_label": DecisionState(e.state_then).label} for e in i.reviews.all()],
                   "minutes_form": MinutesForm(initial={"minutes": i.minutes}, prefix=f"i{i.pk}"),
                   # One set of forms per item, each with its own ids, so every label names its own field.
                   "decision_form": DecisionForm(park_id=park_id, auto_id=f"id_i{i.pk}_%s"),
                   "material_form": MaterialForm(auto_id=f"id_i{i.pk}_%s"),
                   "report_form": ReportForm(park_id=park_id, auto_id=f"id_i{i.pk}_%s")}
                  for i in items],
        "decision_rows": status.rows(decisions, today),
        "invitations": list(meeting.invitations.select_related("unit")),
        "mine": meeting.invitations.filter(user=request.user).first() if INVITEE in roles else None,
        "meeting_transitions": [t for t in MEETINGS.possible(meeting, roles)],
        "minutes_transitions": MINUTES.available(meeting.minutes_status, roles),
        "editable": office and draft,
        "response_form": ResponseForm(),
        "item_form": ItemForm(), "material_form": MaterialForm(), "report_form": ReportForm(park_id=park_id),
        "decision_form": DecisionForm(park_id=park_id), "correction_form": CorrectionForm(),
        "receipts": list(meeting.receipts.select_related("unit")) if office else None,
        "corrections": list(meeting.corrections.all()),
        "issued": meeting.minutes_status == MinutesStatus.ISSUED,
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    minutes.do_record_read(meeting, acting_user=request.user)
    return render(request, "meetings/detail.html", _page(request, meeting))


@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    invitation = meeting.invitations.filter(user=request.user).first()
    if invitation is None:
        raise Http404
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose attend, deputy or absent."))
        return redirect(meeting)
    try:
        actions.do_respond(invitation, acting_user=request.user, **form.cleaned_data)
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, _("Your reply is recorded."))
    return redirect(meeting)


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's transitions (notice, held, cancel) and the minutes' (submit, return, approve, issue)."""
    meeting = access_meeting(request.user, pk)
    name, reason = request.POST.get("name", ""), request.POST.get("reason", "")
    roles = meeting_roles(request.user, meeting)
    if not roles - {INVITEE}:
        raise Http404
    try:
        if request.POST.get("machine") == "minutes":
            minutes.do_fire_minutes(meeting, name, acting_user=request.user, reason=reason)
        else:
            actions.do_fire_meeting(meeting, name, acting_user=request.user, reason=reason)
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, _("Done."))
    return redirect(meeting)


def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    if meeting.minutes_status != MinutesStatus.ISSUED and OFFICE not in meeting_roles(request.user, meeting):
        raise Http404
    response = HttpResponse(rendering.docx(meeting), content_type=rendering.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(rendering.filename(meeting))}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def calendar_file(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    response = HttpResponse(ics.calendar(meeting, url, request.get_host() or "qingyuan"),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=meeting-{meeting.pk}.ics"
    return response


def material(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """An agenda item's material, for those who see the meeting (invitees, their units, the office)."""
    meeting = access_meeting(request.user, pk)
    items = [str(i) for i in AgendaItem.objects.filter(meeting=meeting).values_list("pk", flat=True)]
    att = Attachment.objects.filter(pk=attachment_id, owner_type__app_label="meetings",
                                    owner_type__model="agendaitem", owner_id__in=items).first()
    if att is None:
        raise Http404
    return attachments.serve(att)


def qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-in QR code to show in the room (the office): a signed link to this meeting's sign-in."""
    import segno

    meeting = access_meeting(request.user, pk, for_write=True)
    url = request.build_absolute_uri(reverse("meetings:sign_in", args=[meeting.pk])) + "?t=" + actions.sign_in_token(
        meeting)
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2)
    opens, closes = meeting.sign_in_window()
    return render(request, "meetings/qr.html", {"meeting": meeting, "svg": svg, "url": url,
                                                "opens": opens, "closes": closes})


def sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Opened from the QR code on a phone: GET shows the button, POST signs in (invitee, in the window)."""
    meeting = access_meeting(request.user, pk)
    token = request.POST.get("t") or request.GET.get("t", "")
    refusal = (None if actions.token_matches(meeting, token) else
               _("This sign-in code is not valid for this meeting.")) or actions.sign_in_refusal(meeting, request.user)
    invitation = meeting.invitations.filter(user=request.user).first()
    if request.method == "POST" and refusal is None:
        invitation = actions.do_sign_in(meeting, acting_user=request.user, token=token)
        messages.success(request, _("Signed in at %(t)s.") % {"t": f"{timezone.localtime(invitation.signed_in_at):%H:%M}"})
        return redirect("meetings:sign_in_done", meeting.pk)
    return render(request, "meetings/sign_in.html", {"meeting": meeting, "refusal": refusal, "token": token,
                                                     "invitation": invitation},
                  status=403 if request.method == "POST" and refusal else 200)


def sign_in_done(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    invitation = meeting.invitations.filter(user=request.user).first()
    return render(request, "meetings/sign_in.html", {"meeting": meeting, "invitation": invitation, "done": True})


