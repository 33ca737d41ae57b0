"""The case list (filtered by status and budget line), a case's page with the forms its reader may use,
and the POST endpoints that call the actions. A refusal is shown as the action's message; nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.compensation import actions, documents, services
from qingyuan.compensation.access import access_case, case_roles
from qingyuan.compensation.forms import (
    AgreementForm,
    AppraisalForm,
    DisputeForm,
    FilterForm,
    InstalmentFormSet,
    InventoryForm,
    NegotiationForm,
    OpenCaseForm,
    PaymentForm,
    ResolveForm,
)
from qingyuan.compensation.models import CompensationCase, Dispute, Instalment
from qingyuan.compensation.workflow import CASES, FINANCE, MANAGER
from qingyuan.core import audit
from qingyuan.core.audit_display import readable
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.workflow import TransitionError
from qingyuan.org.actor import actor_for

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def listed(user: Any, params: Any) -> tuple[FilterForm, Any]:
    """The filter and the cases it selects, with what was paid on each (one query)."""
    form = FilterForm(params or None)
    qs = CompensationCase.objects.visible_to(user).select_related("enterprise")
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["line"]:
            qs = qs.filter(payments__budget_line=form.cleaned_data["line"]).distinct()
    qs = qs.annotate(paid=Coalesce(Sum("payments__amount"), ZERO))
    return form, qs.order_by("-created_at", "-id")


def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    form, cases = listed(request.user, request.GET)
    rows = [{"case": c, "paid": c.paid, "balance": (c.agreed_amount or 0) - c.paid} for c in cases]
    may_open = actor.is_superuser or any(MANAGER in case_roles(request.user, p) for p in actor.roles_by_park)
    return render(request, "compensation/list.html", {"form": form, "rows": rows, "may_open": may_open})


def case_new(request: HttpRequest) -> HttpResponse:
    from qingyuan.closures.models import ClosureCase

    actor = actor_for(request.user)
    parks = [p for p in actor.roles_by_park if MANAGER in case_roles(request.user, p)]
    if not parks and not actor.is_superuser:
        raise Http404
    closures = ClosureCase.objects.visible_to(request.user).filter(compensation__isnull=True).exclude(
        status="cancelled").select_related("enterprise")
    if not actor.is_superuser:
        closures = closures.filter(park_id__in=parks)
    form = OpenCaseForm(request.POST or None, closures=closures)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.do_open_case(form.cleaned_data["closure"], acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        else:
            return redirect(case)
    return render(request, "compensation/new.html", {"form": form})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    roles = case_roles(request.user, case.park_id)
    today = timezone.localdate()
    ledger = services.ledger(case, today)
    manager, finance = MANAGER in roles, FINANCE in roles
    paying = case.status in ("agreed", "paying")
    context = {
        "case": case, "ledger": ledger, "roles": roles, "today": today,
        "inventory": case.inventory.all(), "appraisals": case.appraisals.all(),
        "negotiations": case.negotiations.all(), "disputes": case.disputes.all(),
        "open_dispute": case.disputes.filter(status="open").last(),
        "manager": manager, "finance": finance and paying,
        "transitions": [t for t in CASES.possible(case, roles) if t.name == "negotiate"],
        "negotiate_refusal": CASES.refusal(case, "negotiate") if manager and case.status == "appraisal" else None,
        "pay_rows": [{"row": r, "form": PaymentForm(auto_id=f"pay{r.instalment.pk}_%s",
                                                    initial={"amount": r.outstanding})
                      if finance and paying and r.outstanding > 0 else None} for r in ledger.rows],
        "audit_trail": readable(audit.trail(case)[:30], workflows=[CASES]) if roles else [],
    }
    if manager:
        context.update({
            "inventory_form": InventoryForm(), "appraisal_form": AppraisalForm(),
            "negotiation_form": NegotiationForm() if case.status == "negotiation" else None,
            "agreement_form": AgreementForm() if case.status == "negotiation" else None,
            "instalments": InstalmentFormSet(prefix="i", form_kwargs={"steps": _steps(case)})
            if case.status == "negotiation" else None,
            "dispute_form": DisputeForm(initial={"raised_on": today})
            if case.status in CASES.get("dispute").sources else None,
            "resolve_form": ResolveForm(initial={"resolved_on": today}),
        })
    return render(request, "compensation/detail.html", context)


def _steps(case: CompensationCase) -> list[tuple[str, str]]:
    from qingyuan.closures.choices import STEPS

    kinds = STEPS.get(case.closure.kind, ())
    return [(k, services.step_label(k)) for k in kinds]


def _message(exc: Exception) -> str:
    if isinstance(exc, TransitionError):
        return exc.message
    if isinstance(exc, PermissionDenied):
        return _("Your role may not do this.")
    return " ".join(getattr(exc, "messages", [str(exc)]))


def _handle(request: HttpRequest, case: CompensationCase, form: Any, act: Callable[[dict[str, Any]], Any],
            anchor: str, done: str) -> HttpResponse:
    if not form.is_valid():
        errors = [f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                  for f, e in form.errors.items()]
        messages.error(request, " ".join(errors))
    else:
        try:
            act(form.cleaned_data)
        except (ValidationError, PermissionDenied, TransitionError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, done)
    return redirect(f"{case.get_absolute_url()}#{anchor}")


@require_POST
def inventory(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    return _handle(request, case, InventoryForm(request.POST), lambda d: actions.do_add_inventory_item(
        case, acting_user=request.user, **d), "inventory", _("Asset recorded."))


@require_POST
def appraisal(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    return _handle(request, case, AppraisalForm(request.POST), lambda d: actions.do_add_appraisal(
        case, appraiser=d["appraiser"], report_number=d["report_number"], appraised_on=d["appraised_on"],
        amounts={k: d[k] for k in ("land", "building", "equipment", "other")}, acting_user=request.user),
        "appraisals", _("Appraisal report recorded."))


@require_POST
def negotiation(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    return _handle(request, case, NegotiationForm(request.POST), lambda d: actions.do_add_negotiation(
        case, acting_user=request.user, **d), "negotiations", _("Negotiation recorded."))


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    try:
        actions.do_fire_case(case, request.POST.get("name", ""), acting_user=request.user)
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(s)s.") % {"s": case.get_status_display()})
    return redirect(case)


@require_POST
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    form = AgreementForm(request.POST)
    rows = InstalmentFormSet(request.POST, prefix="i", form_kwargs={"steps": _steps(case)})
    if not rows.is_valid():
        messages.error(request, _("Check the instalments: each needs an amount and a valid due date."))
        return redirect(f"{case.get_absolute_url()}#agreement")
    schedule = [r for r in rows.cleaned_data if r and (r.get("amount") or r.get("due_on"))]
    return _handle(request, case, form, lambda d: actions.do_record_agreement(
        case, number=d["number"], signed_on=d["signed_on"], amount=d["amount"], instalments=schedule,
        acting_user=request.user), "agreement", _("Agreement and payment schedule recorded."))


@require_POST
def pay(request: HttpRequest, pk: int, instalment_pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    instalment = get_object_or_404(Instalment, pk=instalment_pk, case=case)
    instalment.case = case
    return _handle(request, case, PaymentForm(request.POST), lambda d: actions.do_record_payment(
        instalment, acting_user=request.user, **d), "schedule", _("Payment recorded."))


@require_POST
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    return _handle(request, case, DisputeForm(request.POST), lambda d: actions.do_raise_dispute(
        case, acting_user=request.user, **d), "disputes", _("Dispute recorded; payments are held."))


@require_POST
def resolve(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    row = get_object_or_404(Dispute, pk=dispute_pk, case=case)
    row.case = case
    return _handle(request, case, ResolveForm(request.POST), lambda d: actions.do_resolve_dispute(
        row, acting_user=request.user, **d), "disputes", _("Dispute resolved."))


def agreement_docx(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    if case.agreed_amount is None:
        raise Http404
    return documents.docx_response(case, timezone.localdate())


@reads_from_replica
def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    return documents.xlsx_response(case, timezone.localdate())


