"""Staff pages: the complaint board, staff intake, the detail page with its actions, photos, export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.complaints import actions, duplicates, public_views, spreadsheet, stats
from qingyuan.complaints.access import (
    access_complaint,
    access_photo,
    complaint_roles,
    place_for,
    registering_parks,
    sees_all_photos,
    sees_personal_data,
)
from qingyuan.complaints.choices import PHOTO, PUBLIC_PHOTO
from qingyuan.complaints.filters import ComplaintFilter
from qingyuan.complaints.forms import (
    MergeForm,
    ParkChoiceForm,
    PolicyForm,
    RatingForm,
    ReasonForm,
    ReplyForm,
    ReturnForm,
    RulesForm,
    StaffComplaintForm,
    UnitForm,
)
from qingyuan.complaints.models import CategoryRule, Complaint, ComplaintPolicy
from qingyuan.complaints.workflow import COMPLAINTS, OFFICE
from qingyuan.core import attachments, audit, workflow
from qingyuan.core.audit_display import readable
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.core.workflow import TransitionError
from qingyuan.org.models import Park


def _filtered(request: HttpRequest) -> tuple[ComplaintFilter, Any]:
    form = ComplaintFilter(request.GET or None, user=request.user)
    qs = Complaint.objects.visible_to(request.user).select_related("handling_unit", "enterprise", "assignment")
    return form, (form.apply(qs) if request.GET else qs)


def board(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs.order_by("-received_at", "-id"), settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(c, c.colour(today)) for c in page]
    return render_page(request, "complaints/board.html",
                       {"filter": form, "page": page, "rows": rows, "today": today,
                        "can_register": registering_parks(request.user).exists(),
                        "can_see_stats": bool(stats.visible_parks(request.user))},
                       partial="complaints/partials/board_table.html")


@reads_from_replica
def board_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    return spreadsheet.response(request.user, qs.order_by("-received_at", "-id"))


def register(request: HttpRequest) -> HttpResponse:
    """Staff intake: hotline calls, letters, visits, transfers and petitions."""
    parks = registering_parks(request.user)
    if not parks.exists():
        raise PermissionDenied
    chooser = ParkChoiceForm(request.GET or None, parks=parks)
    park = chooser.cleaned_data["park"] if chooser.is_valid() else parks.first()
    form = StaffComplaintForm(request.POST or None, request.FILES or None, park=park)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            c = actions.do_register_complaint(park=park, acting_user=request.user, photos=form.cleaned_data["photos"],
                                              **data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Registered as %(code)s. Give the complainant this code to track it.")
                             % {"code": c.code})
            return redirect(c)
    return render(request, "complaints/register.html",
                  {"form": form, "chooser": chooser, "park": park, "parks": parks, **public_views.map_context(park)},
                  status=400 if form.errors else 200)


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _action_label(name: str) -> Any:
    t = COMPLAINTS.get(name)
    return t.label if t is not None else name


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = access_complaint(request.user, pk)
    roles = complaint_roles(request.user, c)
    personal = sees_personal_data(request.user, c)
    is_office = OFFICE in roles
    today = timezone.localdate()
    merged = list(Complaint.objects.filter(merged_into=c).order_by("received_at"))
    photos = list(attachments.for_owner(c).filter(
        purpose__in=[PHOTO, PUBLIC_PHOTO] if sees_all_photos(request.user, c) else [PUBLIC_PHOTO]))
    transitions = [t for t in COMPLAINTS.possible(c, roles) if t.name != "rate_merged"]
    context = {
        "c": c, "case": c.case, "can": {t.name: t for t in transitions}, "roles": roles, "personal": personal,
        "place": place_for(request.user, c),
        "is_office": is_office, "today": today, "colour": c.colour(today),
        "history": [(h, _action_label(h.transition), COMPLAINTS.label(h.to_state)) for h in workflow.history(c)],
        "audit_trail": readable(audit.trail(c)[:30], workflows=[COMPLAINTS]),
        "photos": photos,
        "merged": merged,
        "reviews": list(c.reviews.select_related("handling_unit")),
        "duplicates": duplicates.for_complaint(c) if is_office else [],
        "review_deadline": actions.review_deadline(c),
        "may_record_receipt": is_office and c.reply_received_on is None and c.case.replied_on is not None
        and c.status != "not_accepted",
        "can_request_review": is_office and actions.can_request_review(c, today),
        "sms": list(c.sms.order_by("-created_at")[:10]) if personal else [],
        "policy": ComplaintPolicy.for_park(c.park_id),
        "unit_form": UnitForm(park_id=c.park_id, initial={"unit": c.suggested_unit_id}),
        "return_form": ReturnForm(park_id=c.park_id),
        "reason_form": ReasonForm(),
        "reply_form": ReplyForm(),
        "merge_form": MergeForm(),
        "rating_form": RatingForm(),
    }
    return render(request, "complaints/detail.html", context)


def _reason(request: HttpRequest) -> str:
    return request.POST.get("reason", "")


def _unit(request: HttpRequest, c: Complaint, field: str) -> Any:
    form = UnitForm({"unit": request.POST.get(field)}, park_id=c.park_id)
    return form.cleaned_data["unit"] if form.is_valid() else None


def _day(text: str | None) -> Any:
    try:
        return parse_date((text or "").strip())
    except ValueError:
        return None


def _merge_target(request: HttpRequest, c: Complaint) -> Complaint:
    code = request.POST.get("into", "").strip().upper()
    target = Complaint.objects.visible_to(request.user).filter(code=code, park_id=c.park_id).first()
    if target is None:
        raise ValidationError({"into": _("No complaint of this park has the code “%(code)s”.") % {"code": code}})
    return target


HANDLERS = {
    "accept": lambda r, c: actions.do_accept_complaint(c, unit=_unit(r, c, "unit"), acting_user=r.user),
    "not_accept": lambda r, c: actions.do_not_accept_complaint(c, acting_user=r.user, reason=_reason(r)),
    "reroute": lambda r, c: actions.do_reroute_complaint(c, unit=_unit(r, c, "unit"), acting_user=r.user,
                                                         reason=_reason(r)),
    "start": lambda r, c: actions.do_start_handling(c, acting_user=r.user),
    "return": lambda r, c: actions.do_return_complaint(c, acting_user=r.user, reason=_reason(r),
                                                       suggested_unit=_unit(r, c, "suggested_unit")),
    "request_extension": lambda r, c: actions.do_request_extension(c, acting_user=r.user, reason=_reason(r)),
    "approve_extension": lambda r, c: actions.do_decide_extension(c, acting_user=r.user, approve=True,
                                                                  reason=_reason(r)),
    "refuse_extension": lambda r, c: actions.do_decide_extension(c, acting_user=r.user, approve=False,
                                                                 reason=_reason(r)),
    "reply": lambda r, c: actions.do_reply_complaint(c, acting_user=r.user, reply=r.POST.get("reply", ""),
                                                     internal_note=r.POST.get("internal_note", "")),
    "close": lambda r, c: actions.do_close_complaint(c, acting_user=r.user),
    "merge": lambda r, c: actions.do_merge_complaint(c, into=_merge_target(r, c), acting_user=r.user,
                                                     reason=_reason(r)),
    "rate": lambda r, c: actions.do_rate_complaint(c, rating=r.POST.get("rating", ""), comment=r.POST.get(
        "comment", ""), acting_user=r.user, as_complainant=False,
        request_review=r.POST.get("request_review") == "on", review_reason=r.POST.get("comment", "")),
    "receipt": lambda r, c: actions.do_record_signed_receipt(c, received_on=_day(r.POST.get("received_on")),
                                                             upload=r.FILES.get("receipt_file"), acting_user=r.user),
    "review": lambda r, c: actions.do_request_review(c, reason=_reason(r), acting_user=r.user,
                                                     as_complainant=False),
}


@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Every action on the detail page: the action decides whether this user may do it now."""
    handler = HANDLERS.get(name)
    if handler is None:
        raise Http404
    c = access_complaint(request.user, pk)
    try:
        result = handler(request, c)
    except TransitionError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        if name == "review":
            messages.success(request, _("Review case %(code)s opened.") % {"code": result.code})
            return redirect(result)
        messages.success(request, _("Done: %(status)s.") % {"status": c.get_status_display()})
    return redirect(c)


def photo(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    c = access_complaint(request.user, pk)
    return attachments.serve(access_photo(request.user, c, attachment_id))


@require_POST
def photo_public(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    c = access_complaint(request.user, pk)
    attachment = access_photo(request.user, c, attachment_id)
    actions.do_set_photo_public(c, attachment, public=request.POST.get("public") == "1", acting_user=request.user)
    messages.success(request, _("Photo visibility changed."))
    return redirect(c)


def statistics(request: HttpRequest) -> HttpResponse:
    """Counts by year, month, category, channel, enterprise, township and unit; hotspots on the park map."""
    park_ids = stats.visible_parks(request.user)
    if not park_ids:
        raise PermissionDenied
    parks = Park.objects.filter(pk__in=park_ids).order_by("name")
    try:
        park = parks.get(pk=int(request.GET.get("park") or park_ids[0]))
    except (Park.DoesNotExist, ValueError):
        raise Http404 from None
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    whole = stats.whole_park(request.user, park.pk)
    report = stats.report(stats.scope(request.user, park.pk), year, today, park_id=park.pk if whole else None)
    charts = {
        "years": [[str(y), n] for y, n in report.years],
        "months": report.months, "months_last": report.months_last,
        "category": [{"name": str(label), "value": n} for _v, label, n in report.by_category],
        "channel": [{"name": str(label), "value": n} for _v, label, n in report.by_channel],
        "enterprise": [[name, n] for name, n in report.by_enterprise],
        "labels": {"this_year": str(year), "last_year": str(year - 1)},
    }
    context = {"report": report, "park": park, "parks": parks, "year": year,
               "year_choices": sorted({y for y, _n in report.years} | {today.year}, reverse=True),
               "charts": charts, "hotspots": report.hotspots, **public_views.map_context(park)}
    return render(request, "complaints/stats.html", context)


def policy(request: HttpRequest) -> HttpResponse:
    """The office sets the park's complaint deadlines, distances and category rules."""
    parks = registering_parks(request.user)
    if not parks.exists():
        raise PermissionDenied
    chooser = ParkChoiceForm(request.GET or None, parks=parks)
    park = chooser.cleaned_data["park"] if chooser.is_valid() else parks.first()
    current = ComplaintPolicy.for_park(park)
    rules = {r.category: r.unit_id for r in CategoryRule.objects.filter(park=park)}
    data = request.POST if request.method == "POST" else None
    policy_form = PolicyForm(data, instance=current, park=park, prefix="policy")
    rules_form = RulesForm(data, park=park, prefix="rules", initial=rules)
    if request.method == "POST" and policy_form.is_valid() and rules_form.is_valid():
        try:
            actions.do_set_complaint_policy(park, acting_user=request.user, **{
                name: policy_form.cleaned_data[name] for name in policy_form.Meta.fields})
            actions.do_set_category_rules(park, acting_user=request.user, rules=rules_form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(policy_form, exc)
        else:
            messages.success(request, _("Complaint settings saved."))
            return redirect(f"{request.path}?park={park.pk}")
    return render(request, "complaints/policy.html",
                  {"policy_form": policy_form, "rules_form": rules_form, "park": park, "parks": parks,
                   "chooser": chooser}, status=400 if request.method == "POST" else 200)
