"""The office's writes to a meeting's agenda, minutes and decisions (all POST, all through actions).

The item, decision or invitation is named in the form and looked up within the meeting, so an id
of another meeting is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core.access import get_visible
from qingyuan.core.workflow import TransitionError
from qingyuan.meetings import actions, minutes
from qingyuan.meetings.access import access_meeting
from qingyuan.meetings.forms import (
    CorrectionForm,
    DecisionForm,
    ItemForm,
    MaterialForm,
    MinutesForm,
    ReportForm,
)
from qingyuan.meetings.models import AgendaItem, Decision, Invitation, Meeting
from qingyuan.meetings.views import errors_of

REFUSALS = (ValidationError, TransitionError, PermissionDenied)


def _item(meeting: Meeting, request: HttpRequest) -> AgendaItem:
    return get_visible(AgendaItem.objects.filter(meeting=meeting), pk=request.POST.get("item"))


def _run(request: HttpRequest, meeting: Meeting, anchor: str, act: Callable[[], Any], done: str) -> HttpResponse:
    try:
        act()
    except REFUSALS as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, done)
    return redirect(f"{meeting.get_absolute_url()}{anchor}")


def _invalid(request: HttpRequest, meeting: Meeting, form: Any) -> HttpResponse:
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(meeting)


@require_POST
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _run(request, meeting, "#agenda", lambda: actions.do_add_item(meeting, acting_user=request.user,
                                                                         **form.cleaned_data), _("Item added."))


@require_POST
def item_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    item = _item(meeting, request)
    form = MinutesForm(request.POST, prefix=f"i{item.pk}")
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _run(request, meeting, f"#item-{item.pk}", lambda: minutes.do_record_minutes(
        item, text=form.cleaned_data["minutes"], acting_user=request.user), _("Minutes saved."))


@require_POST
def add_material(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    item = _item(meeting, request)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _run(request, meeting, f"#item-{item.pk}", lambda: actions.do_add_material(
        item, upload=form.cleaned_data["file"], acting_user=request.user), _("Material uploaded."))


@require_POST
def attach_report(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    item = _item(meeting, request)
    form = ReportForm(request.POST, park_id=meeting.park_id)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _run(request, meeting, f"#item-{item.pk}", lambda: actions.do_attach_report(
        item, kind=form.cleaned_data["kind"], obj=form.cleaned_data["enterprise"], acting_user=request.user),
        _("Report attached."))


@require_POST
def add_decision(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    item = _item(meeting, request)
    form = DecisionForm(request.POST, park_id=meeting.park_id)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _run(request, meeting, f"#item-{item.pk}", lambda: minutes.do_record_decision(
        item, acting_user=request.user, **form.cleaned_data), _("Decision recorded."))


@require_POST
def remove_decision(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    decision = get_visible(Decision.objects.filter(meeting=meeting), pk=request.POST.get("decision"))
    return _run(request, meeting, f"#item-{decision.item_id}", lambda: minutes.do_remove_decision(
        decision, acting_user=request.user), _("Decision removed."))


@require_POST
def carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    return _run(request, meeting, "#agenda", lambda: minutes.do_carry_over(meeting, acting_user=request.user),
                _("Open decisions of earlier meetings carried over."))


@require_POST
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    invitation = get_visible(Invitation.objects.filter(meeting=meeting), pk=request.POST.get("invitation"))
    return _run(request, meeting, "#attendance", lambda: actions.do_record_presence(
        invitation, acting_user=request.user, present_as=request.POST.get("present_as", "")), _("Presence recorded."))


@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, for_write=True)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    kind, _sep, rest = form.cleaned_data["target"].partition("-")
    obj_pk, _sep, field = rest.partition("-")
    model = {"item": AgendaItem, "decision": Decision}.get(kind)
    if model is None:
        raise Http404
    target = get_visible(model.objects.filter(meeting=meeting), pk=obj_pk)
    return _run(request, meeting, "#corrections", lambda: minutes.do_correct_minutes(
        meeting, target=target, field=field, new=form.cleaned_data["new"], reason=form.cleaned_data["reason"],
        acting_user=request.user), _("Correction recorded."))
