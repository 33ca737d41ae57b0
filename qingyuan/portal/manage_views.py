"""The office's side of notices under /public/manage/: login required (the /public/ prefix is open
in LoginRequiredMiddleware, so each view says so itself). Draft, edit, approve, publish, withdraw."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qingyuan.core.workflow import TransitionError, history
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park
from qingyuan.portal import actions
from qingyuan.portal.access import access_notice, drafting_parks, manages_notices, notice_roles
from qingyuan.portal.forms import NoticeForm, TransitionForm
from qingyuan.portal.models import Notice
from qingyuan.portal.workflow import NOTICES


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.visible_to(request.user).select_related("park", "enterprise").order_by(
        "status", "-created_at")
    if not manages_notices(actor_for(request.user)):
        raise Http404
    return render(request, "portal/manage/list.html", {"notices": notices[:300],
                                                       "can_draft": bool(drafting_parks(request.user))})


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    parks = drafting_parks(request.user)
    if not parks:
        raise Http404
    park = Park.objects.get(pk=parks[0])
    form = NoticeForm(request.POST or None, park=park)
    if request.method == "POST" and form.is_valid():
        notice = actions.do_create_notice(park, form.cleaned_data, acting_user=request.user)
        return redirect("portal:manage_notice", pk=notice.pk)
    return render(request, "portal/manage/form.html", {"form": form, "park": park},
                  status=400 if form.is_bound else 200)


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notice(request.user, pk, for_write=True)
    if "office" not in notice_roles(request.user, notice.park_id) or notice.status != "draft":
        raise Http404
    form = NoticeForm(request.POST or None, instance=Notice.objects.get(pk=notice.pk), park=notice.park)
    if request.method == "POST" and form.is_valid():
        actions.do_update_notice(notice, form.cleaned_data, acting_user=request.user)
        return redirect("portal:manage_notice", pk=notice.pk)
    return render(request, "portal/manage/form.html", {"form": form, "park": notice.park, "notice": notice},
                  status=400 if form.is_bound else 200)


@login_required
def notice_detail(request: HttpRequest, pk: int, error: str = "") -> HttpResponse:
    notice = access_notice(request.user, pk)
    roles = notice_roles(request.user, notice.park_id)
    return render(request, "portal/manage/detail.html", {
        "notice": notice, "transitions": NOTICES.possible(notice, roles),
        "history": [{"time": h.time, "user": h.user_name, "from": NOTICES.label(h.from_state),
                     "to": NOTICES.label(h.to_state), "reason": h.reason} for h in history(notice)],
        "can_edit": "office" in roles and notice.status == "draft", "error": error}, status=400 if error else 200)


@login_required
@require_POST
def notice_transition(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notice(request.user, pk, for_write=True)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return notice_detail(request, pk, error=" ".join(e for errs in form.errors.values() for e in errs))
    try:
        actions.do_transition_notice(notice, form.cleaned_data["transition"], acting_user=request.user,
                                     reason=form.cleaned_data["reason"])
    except TransitionError as exc:
        return notice_detail(request, pk, error=exc.message)
    return redirect("portal:manage_notice", pk=notice.pk)
