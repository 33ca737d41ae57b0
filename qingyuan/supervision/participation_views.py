"""Joining inspections: the office invites, a member asks, the other side decides, the member signs.
Posted from the participants box on the patrol and acceptance pages (``templatetags/supervision.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core.access import get_visible
from qingyuan.core.workflow import TransitionError
from qingyuan.inspections.access import access_patrol
from qingyuan.plans.access import access_plan
from qingyuan.plans.models import Acceptance
from qingyuan.supervision import access, participation
from qingyuan.supervision.forms import InviteForm, ReasonForm, SignForm
from qingyuan.supervision.models import Member
from qingyuan.supervision.workflow import PARTICIPATIONS


def _inspection(request: HttpRequest) -> tuple[dict[str, Any], str]:
    """The patrol or acceptance named in the POST, if the user sees it; its page's URL."""
    if request.POST.get("patrol"):
        patrol = access_patrol(request.user, request.POST["patrol"])
        return {"patrol": patrol}, patrol.get_absolute_url()
    if request.POST.get("acceptance"):
        try:
            plan_id = Acceptance.objects.filter(pk=int(request.POST["acceptance"])).values_list("plan_id", flat=True)[0]
        except (ValueError, IndexError):
            raise Http404 from None
        plan = access_plan(request.user, plan_id)
        acceptance = get_visible(Acceptance.objects.filter(plan=plan).select_related("plan__enterprise"),
                                 pk=request.POST["acceptance"])
        return {"acceptance": acceptance}, reverse("plans:acceptance", args=[plan.pk])
    raise Http404


def _report(request: HttpRequest, run: Any, done: str) -> None:
    try:
        run()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    target, url = _inspection(request)
    park_id = participation.inspection_of(**target)[0]
    if not access.manages(request.user, park_id):
        raise Http404
    form = InviteForm(request.POST, members=Member.objects.filter(park_id=park_id))
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(url)
    member = form.cleaned_data["member"]
    _report(request, lambda: participation.do_invite_member(member, acting_user=request.user,
                                                             note=form.cleaned_data["note"], **target),
            _("%(name)s invited.") % {"name": member.name})
    return redirect(url)


@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    target, url = _inspection(request)
    member = access.current_member(request.user, participation.inspection_of(**target)[0])
    if member is None:
        raise Http404
    _report(request, lambda: participation.do_request_participation(
        member, acting_user=request.user, note=request.POST.get("note", ""), **target),
        _("Request sent to the office."))
    return redirect(url)


@require_POST
def decide(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    p = access.access_participation(request.user, pk)
    if PARTICIPATIONS.get(name) is None:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    _report(request, lambda: participation.do_decide_participation(
        p, name, acting_user=request.user, reason=form.cleaned_data.get("reason", "")), _("Saved."))
    return redirect(p.inspection_url)


@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    p = access.access_participation(request.user, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type your name to sign."))
        return redirect(p.inspection_url)
    try:
        participation.do_sign_participation(p, acting_user=request.user,
                                            signature_name=form.cleaned_data["signature_name"])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Record signed."))
    return redirect(p.inspection_url)
