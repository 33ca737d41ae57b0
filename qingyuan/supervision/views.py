"""Pages of the supervision group's workspace: opinions (list, file, answer, rate), members, the
participation record and the annual report. Participation in inspections: ``participation_views``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import attachments, audit, workflow
from qingyuan.core.access import get_visible
from qingyuan.core.audit_display import readable
from qingyuan.core.workflow import TransitionError
from qingyuan.supervision import access, actions, report, services
from qingyuan.supervision.choices import OpinionStatus
from qingyuan.supervision.forms import AnswerForm, MemberForm, OpinionForm, RatingForm, ReasonForm
from qingyuan.supervision.models import Member, Opinion
from qingyuan.supervision.workflow import AUTHOR, OFFICE, OPINIONS, UNIT


def put_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def opinion_list(request: HttpRequest) -> HttpResponse:
    visible = Opinion.objects.visible_to(request.user)
    status = request.GET.get("status", "")
    qs = visible.filter(status=status) if status in OpinionStatus.values else visible
    return render(request, "supervision/list.html", {
        "opinions": qs.select_related("member", "unit").order_by("-filed_at", "-id")[:200],
        "statuses": OpinionStatus.choices, "status": status, "today": timezone.localdate(),
        "member": access.current_member(request.user),
        "manages": access.managed_parks(request.user).exists(),
    })


def opinion_create(request: HttpRequest) -> HttpResponse:
    member = access.current_member(request.user)
    if member is None:
        raise Http404
    form = OpinionForm(request.POST or None, request.FILES or None, park_id=member.park_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opinion = actions.do_file_opinion(member, acting_user=request.user, subject=data["subject"],
                                              text=data["text"], unit=data["unit"], deadline=data["deadline"],
                                              files=data["files"])
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Opinion %(number)s filed; %(unit)s has been told.") % {
                "number": opinion.number, "unit": opinion.unit})
            return redirect(opinion)
    return render(request, "supervision/form.html", {"form": form, "member": member},
                  status=400 if form.errors else 200)


def _detail(request: HttpRequest, opinion: Opinion, status: int = 200, **forms: Any) -> HttpResponse:
    roles = access.opinion_roles(request.user, opinion)
    can = {t.name for t in OPINIONS.possible(opinion, roles)}
    return render(request, "supervision/detail.html", {
        "o": opinion, "can": can, "today": timezone.localdate(),
        "files": attachments.for_owner(opinion),
        "history": [(h, OPINIONS.label(h.to_state)) for h in workflow.history(opinion)],
        "audit_trail": readable(audit.trail(opinion)[:30], workflows=[OPINIONS]),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "is_unit": UNIT in roles, "is_author": AUTHOR in roles, "is_office": OFFICE in roles,
    }, status=status)


def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.access_opinion(request.user, pk))


def _act(request: HttpRequest, opinion: Opinion, form: Any, key: str, run: Any, done: str) -> HttpResponse:
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect(opinion)
    return _detail(request, opinion, status=400, **{key: form})


@require_POST
def opinion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = access.access_opinion(request.user, pk)
    return _act(request, opinion, AnswerForm(request.POST), "answer_form", lambda d: actions.do_answer_opinion(
        opinion, acting_user=request.user, answer=d["answer"]), _("Answer sent to the member."))


@require_POST
def opinion_rate(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = access.access_opinion(request.user, pk)
    return _act(request, opinion, RatingForm(request.POST), "rating_form", lambda d: actions.do_rate_opinion(
        opinion, acting_user=request.user, rating=d["rating"], comment=d["comment"]), _("Rating recorded."))


@require_POST
def opinion_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = access.access_opinion(request.user, pk)
    return _act(request, opinion, ReasonForm(request.POST), "reason_form", lambda d: actions.do_withdraw_opinion(
        opinion, acting_user=request.user, reason=d["reason"]), _("Opinion withdrawn."))


def opinion_file(request: HttpRequest, pk: int, attachment_id: int) -> Any:
    opinion = access.access_opinion(request.user, pk)
    return attachments.serve(get_visible(attachments.for_owner(opinion), pk=attachment_id))


# ---- members -----------------------------------------------------------------------------------

def member_list(request: HttpRequest) -> HttpResponse:
    visible = Member.objects.visible_to(request.user)
    parks = list(access.managed_parks(request.user)[:2])
    park = parks[0] if len(parks) == 1 else None
    form = MemberForm(request.POST or None, park_id=park.pk) if park is not None else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                member = actions.do_create_member(park, acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("%(name)s added to the group.") % {"name": member.name})
                return redirect("supervision:members")
    today = timezone.localdate()
    return render(request, "supervision/members.html", {
        "members": visible.select_related("user").order_by("type", "name"), "form": form, "today": today,
    }, status=400 if form is not None and form.errors else 200)


def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.access_member(request.user, pk, for_write=True)
    form = MemberForm(request.POST or None, instance=member, park_id=member.park_id)
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            member.refresh_from_db()  # the ModelForm set the fields on the instance; the action compares
            try:
                actions.do_update_member(member, acting_user=request.user, **fields)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Member saved."))
                return redirect("supervision:members")
    return render(request, "supervision/member_form.html", {"form": form, "member": member,
                                                            "trail": readable(audit.trail(member)[:20])},
                  status=400 if form.errors else 200)


# ---- participation record and annual report ----------------------------------------------------

def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _group_parks(request: HttpRequest) -> list[int]:
    parks = sorted(set(Member.objects.visible_to(request.user).values_list("park_id", flat=True)))
    if not parks and not access.sees_group(access.actor_for(request.user)):
        raise Http404
    return parks


def record(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = services.year_records(_group_parks(request), year)
    this = timezone.localdate().year
    return render(request, "supervision/record.html", {"rows": rows, "year": year,
                                                       "years": list(range(this, this - 4, -1))})


def annual_report(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    parks = _group_parks(request)
    if not parks:
        raise Http404
    data = report.render(parks, year)
    response = HttpResponse(data, content_type=report.DOCX)
    response["Content-Disposition"] = f'attachment; filename="supervision-{year}.docx"'
    return response
