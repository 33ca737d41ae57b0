"""Pages of closure cases: the list (with filters and Excel export), a case with its steps and
the online-data proof of the stop, opening a case, recording and verifying a step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.closures import actions, capacity, proof
from qingyuan.closures.access import access_case, can_open, can_record, can_verify, case_roles
from qingyuan.closures.choices import StepKind
from qingyuan.closures.forms import CancelForm, CaseFilter, OpenCaseForm, StepForm, VerifyForm
from qingyuan.closures.models import ClosureCase
from qingyuan.closures.spreadsheet import response as xlsx
from qingyuan.core import attachments, workflow
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.core.models import Attachment
from qingyuan.enterprises.access import access_enterprise
from qingyuan.inspections.models import Patrol
from qingyuan.loads.choices import EntryKind
from qingyuan.loads.models import LedgerEntry


def _filtered(request: HttpRequest) -> tuple[CaseFilter, QuerySet[ClosureCase]]:
    form = CaseFilter(request.GET or None)
    qs = ClosureCase.objects.visible_to(request.user).select_related("enterprise", "responsible_unit")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(enterprise__name__icontains=d["q"]) | Q(decision_number__icontains=d["q"]))
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
    return form, qs


def case_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    form, qs = _filtered(request)
    return render_page(request, "closures/list.html", {"form": form, "cases": list(qs[:200]),
                                                        "query": request.GET.urlencode()})


@reads_from_replica
def case_export(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    _form, qs = _filtered(request)
    return xlsx(qs)


def case_open(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, enterprise_pk)
    if not can_open(request.user, enterprise.park_id):
        raise Http404
    form = OpenCaseForm(request.POST or None, park_id=enterprise.park_id)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.do_open_case(enterprise=enterprise, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Case opened."))
            return redirect(case.get_absolute_url())
    return render(request, "closures/open.html", {"form": form, "enterprise": enterprise},
                  status=400 if form.errors else 200)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _steps(case: ClosureCase) -> list[dict[str, Any]]:
    have = {s.kind: s for s in case.steps.select_related("patrol")}
    return [{"kind": k, "label": StepKind(k).label, "step": have.get(k)} for k in case.step_kinds]


def _compensation_of(user: Any, case: ClosureCase) -> Any:
    """The case's compensation case if the reader may see it. Compensation sits above closures (its case
    points at the closure case), so the model is reached through that relation, not imported."""
    compensation = ClosureCase._meta.get_field("compensation").related_model
    return compensation.objects.visible_to(user).filter(closure=case).first()


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    roles = case_roles(request.user, case)
    steps = _steps(case)
    stop = next((s["step"] for s in steps if s["kind"] == StepKind.PRODUCTION_STOPPED and s["step"]), None)
    photos = {s["step"].pk: attachments.for_owner(s["step"]) for s in steps if s["step"]}
    for s in steps:
        s["photos"] = list(photos.get(s["step"].pk, [])) if s["step"] else []
        s["can_record"] = can_record(roles) and not (s["step"] and s["step"].is_verified)
        s["can_verify"] = can_verify(roles, s["kind"]) and s["step"] is not None and not s["step"].is_verified
    return render(request, "closures/detail.html", {
        "case": case, "steps": steps, "roles": roles,
        # its compensation case, if there is one and the reader may see it (finance, managers, the enterprise)
        "compensation": _compensation_of(request.user, case),
        "proof": proof.stop_proof(case.enterprise, stop.done_on) if stop else [],
        "stop": stop,
        "ledger": list(LedgerEntry.objects.filter(enterprise=case.enterprise, kind=EntryKind.CLOSURE)
                       .order_by("pollutant_code")),
        "preview": capacity.compute(case, stop.done_on)[1] if stop and not case.completed_at else [],
        "history": workflow.history(case),
        "can_cancel": "manager" in roles and case.status in actions.LIVE,
        "cancel_form": CancelForm(),
    })


def _kind(case: ClosureCase, kind: str) -> str:
    if kind not in case.step_kinds:
        raise Http404
    return kind


def step_record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = access_case(request.user, pk)
    kind = _kind(case, kind)
    if not can_record(case_roles(request.user, case)):
        raise Http404
    step = case.steps.filter(kind=kind).first()
    initial = {"done_on": timezone.localdate()}
    if step is not None:
        initial = {f: getattr(step, f) for f in ("done_on", "evidence", "utility_records", "manifest_numbers",
                                                 "report_number", "report_org", "report_conclusion",
                                                 "permit_numbers")}
    form = StepForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_step(case, kind, acting_user=request.user, done_on=form.cleaned_data["done_on"],
                                   evidence=form.cleaned_data["evidence"], **form.extra())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("“%(step)s” recorded.") % {"step": StepKind(kind).label})
            return redirect(case.get_absolute_url())
    return render(request, "closures/step_form.html",
                  {"case": case, "form": form, "label": StepKind(kind).label, "verify": False},
                  status=400 if form.errors else 200)


def step_verify(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = access_case(request.user, pk)
    kind = _kind(case, kind)
    if not can_verify(case_roles(request.user, case), kind):
        raise Http404
    step = case.steps.filter(kind=kind).first()
    patrols = Patrol.objects.visible_to(request.user).filter(enterprise=case.enterprise).order_by("-started_at")
    form = VerifyForm(request.POST or None, request.FILES or None, patrols=patrols, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_verify_step(case, kind, acting_user=request.user, patrol=form.cleaned_data.get("patrol"),
                                   photos=form.cleaned_data.get("photos") or [], note=form.cleaned_data["note"])
        except ValidationError as exc:
            _add_errors(form, exc)
        except workflow.TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("“%(step)s” verified.") % {"step": StepKind(kind).label})
            return redirect(case.get_absolute_url())
    return render(request, "closures/step_form.html",
                  {"case": case, "form": form, "label": StepKind(kind).label, "verify": True, "step": step},
                  status=400 if form.errors else 200)


@require_POST
def case_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to cancel the case."))
        return redirect(case.get_absolute_url())
    try:
        actions.do_cancel_case(case, acting_user=request.user, reason=form.cleaned_data["reason"])
    except workflow.TransitionError as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(case.get_absolute_url())


def step_photo(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    photo = Attachment.objects.filter(pk=attachment_pk).first()
    if photo is None or not case.steps.filter(pk=photo.owner_id).exists() \
            or photo.owner_type.model != "closurestep":
        raise Http404
    return attachments.serve(photo)
