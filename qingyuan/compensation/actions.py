"""Every change to a compensation case, each audited: opened, inventoried, appraised, negotiated,
agreed with its instalments, paid, disputed, resolved. Bad input raises ValidationError (nothing
changed); a role that may not act raises PermissionDenied."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.compensation import money, services
from qingyuan.compensation.access import case_roles
from qingyuan.compensation.choices import AssetKind, BudgetLine, DisputeStatus, Status
from qingyuan.compensation.models import (
    Appraisal,
    CompensationCase,
    Dispute,
    Instalment,
    InventoryItem,
    Negotiation,
    Payment,
)
from qingyuan.compensation.workflow import CASES, FINANCE, MANAGER
from qingyuan.core import audit
from qingyuan.core.workflow import TransitionError, fire


def _require(case_or_park_id: Any, user: Any, role: str) -> frozenset[str]:
    park_id = case_or_park_id if isinstance(case_or_park_id, int) else case_or_park_id.park_id
    roles = case_roles(user, park_id)
    if role not in roles:
        raise PermissionDenied
    return roles


def _not_future(day: dt.date, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("%(label)s (%(d)s) is in the future.") % {"label": label, "d": day}, code="future")


def _locked(case: CompensationCase) -> CompensationCase:
    """The case row locked for the rest of the transaction, with its current status."""
    fresh = CompensationCase.objects.select_for_update().get(pk=case.pk)
    case.status, case.agreed_amount = fresh.status, fresh.agreed_amount
    return case


def do_open_case(closure: Any, *, acting_user: Any) -> CompensationCase:
    """A case for a closure (one per closure), in the appraisal stage."""
    _require(closure.enterprise.park_id, acting_user, MANAGER)
    if CompensationCase.objects.filter(closure=closure).exists():
        raise ValidationError(_("This closure already has a compensation case."), code="exists")
    with transaction.atomic():
        case = CompensationCase.objects.create(park_id=closure.enterprise.park_id, enterprise=closure.enterprise,
                                               closure=closure, created_by_name=audit.user_name(acting_user))
        audit.record("compensation.open", case, acting_user=acting_user, related=closure,
                     after={"enterprise": case.enterprise_id, "closure": closure.pk})
    return case


def do_add_inventory_item(case: CompensationCase, *, kind: str, description: str, quantity: Any,
                          acting_user: Any) -> InventoryItem:
    _require(case, acting_user, MANAGER)
    if kind not in AssetKind.values:
        raise ValidationError(_("Unknown kind of asset."), code="kind")
    if not description.strip():
        raise ValidationError(_("Describe the asset."), code="description")
    qty = money.check_amount(quantity, label=_("The quantity"))
    with transaction.atomic():
        item = InventoryItem.objects.create(case=case, kind=kind, description=description.strip(), quantity=qty)
        audit.record("compensation.inventory", item, acting_user=acting_user, related=case, after=audit.snapshot(item))
    return item


def do_add_appraisal(case: CompensationCase, *, appraiser: str, report_number: str, appraised_on: dt.date,
                     amounts: dict[str, Any], acting_user: Any) -> Appraisal:
    """An appraisal report; ``amounts`` by category (land, building, equipment, other), at least one above zero."""
    _require(case, acting_user, MANAGER)
    _not_future(appraised_on, _("The report date"))
    labels = {"land": _("The land amount"), "building": _("The buildings amount"),
              "equipment": _("The equipment amount"), "other": _("The other amount")}
    clean = {k: money.check_amount(amounts.get(k) or 0, label=labels[k], allow_zero=True) for k in labels}
    if not any(clean.values()):
        raise ValidationError(_("An appraisal needs at least one amount above zero."), code="empty")
    with transaction.atomic():
        appraisal = Appraisal.objects.create(
            case=case, appraiser=appraiser.strip(), report_number=report_number.strip(), appraised_on=appraised_on,
            **{f"{k}_amount": v for k, v in clean.items()})
        audit.record("compensation.appraisal", appraisal, acting_user=acting_user, related=case,
                     after=audit.snapshot(appraisal))
    return appraisal


def do_fire_case(case: CompensationCase, name: str, *, acting_user: Any, reason: str = "") -> None:
    """A plain transition (``negotiate``); its guard's refusal is a TransitionError saying why."""
    why = CASES.refusal(case, name)
    if why:
        raise TransitionError(why, code="guard")
    fire(CASES, case, name, roles=case_roles(acting_user, case.park_id), acting_user=acting_user, reason=reason)


def do_add_negotiation(case: CompensationCase, *, held_on: dt.date, participants: str, summary: str,
                       offered: Any = None, requested: Any = None, acting_user: Any) -> Negotiation:
    _require(case, acting_user, MANAGER)
    if case.status != Status.NEGOTIATION:
        raise ValidationError(_("Negotiations are recorded while the case is in negotiation (it is “%(s)s”).")
                              % {"s": case.get_status_display()}, code="state")
    _not_future(held_on, _("The meeting date"))
    first = case.appraisals.order_by("appraised_on").first()
    if first is not None and held_on < first.appraised_on:
        raise ValidationError(_("The meeting (%(d)s) is before the appraisal report (%(a)s).")
                              % {"d": held_on, "a": first.appraised_on}, code="order")
    offer = money.check_amount(offered, label=_("The county's offer")) if offered not in (None, "") else None
    ask = money.check_amount(requested, label=_("The enterprise's request")) if requested not in (None, "") else None
    with transaction.atomic():
        row = Negotiation.objects.create(case=case, held_on=held_on, participants=participants.strip(),
                                         summary=summary.strip(), offered_amount=offer, requested_amount=ask,
                                         recorded_by_name=audit.user_name(acting_user))
        audit.record("compensation.negotiation", row, acting_user=acting_user, related=case, after=audit.snapshot(row))
    return row


def _check_instalments(case: CompensationCase, amount: Decimal, signed_on: dt.date,
                       instalments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    known = dict(services.step_choices())
    clean = []
    previous = signed_on
    for n, spec in enumerate(instalments, start=1):
        label = _("Instalment %(n)s") % {"n": n}
        value = money.check_amount(spec.get("amount"), label=label)
        due = spec.get("due_on")
        if due is None:
            raise ValidationError(_("%(label)s needs a due date.") % {"label": label}, code="due")
        if due < previous:
            raise ValidationError(_("%(label)s is due on %(d)s, before %(p)s (the signing or the instalment before).")
                                  % {"label": label, "d": due, "p": previous}, code="order")
        condition = spec.get("condition") or ""
        if condition and condition not in known:
            raise ValidationError(_("%(label)s: unknown closure step.") % {"label": label}, code="condition")
        clean.append({"sequence": n, "amount": value, "due_on": due, "condition": condition})
        previous = due
    money.check_schedule(amount, [c["amount"] for c in clean])
    return clean


def do_record_agreement(case: CompensationCase, *, number: str, signed_on: dt.date, amount: Any,
                        instalments: list[dict[str, Any]], acting_user: Any) -> CompensationCase:
    """The agreement and its payment schedule; the instalments must add up to the amount exactly."""
    roles = _require(case, acting_user, MANAGER)
    CASES.check(case.status, "agree", roles)
    if not number.strip():
        raise ValidationError(_("The agreement needs its number."), code="number")
    total = money.check_amount(amount, label=_("The agreed amount"))
    _not_future(signed_on, _("The signing date"))
    last = case.negotiations.order_by("-held_on").first()
    if last is not None and signed_on < last.held_on:
        raise ValidationError(_("The agreement (%(d)s) is signed before the last negotiation (%(n)s).")
                              % {"d": signed_on, "n": last.held_on}, code="order")
    rows = _check_instalments(case, total, signed_on, instalments)
    with transaction.atomic():
        _locked(case)
        fire(CASES, case, "agree", roles=roles, acting_user=acting_user,
             extra_updates={"agreement_number": number.strip(), "signed_on": signed_on, "agreed_amount": total},
             data={"amount": str(total), "instalments": len(rows)})
        Instalment.objects.bulk_create(Instalment(case=case, **r) for r in rows)
        audit.record("compensation.schedule", case, acting_user=acting_user,
                     after={"agreement_number": number.strip(), "signed_on": signed_on, "amount": total,
                            "instalments": [{**r, "amount": str(r["amount"])} for r in rows]})
    return case


def do_record_payment(instalment: Instalment, *, voucher_number: str, budget_line: str, paid_on: dt.date,
                      amount: Any, acting_user: Any) -> Payment:
    """A payment on an instalment: within the instalment and the balance, its closure step verified."""
    case = instalment.case
    roles = _require(case, acting_user, FINANCE)
    value = money.check_amount(amount, label=_("The payment"))
    if budget_line not in BudgetLine.values:
        raise ValidationError(_("Choose the budget line the payment is charged to."), code="budget_line")
    if not voucher_number.strip():
        raise ValidationError(_("The payment needs its voucher number."), code="voucher")
    with transaction.atomic():
        _locked(case)
        if case.status not in (Status.AGREED, Status.PAYING):
            raise ValidationError(_("Payments are recorded on an agreed case; this one is “%(s)s”.")
                                  % {"s": case.get_status_display()}, code="state")
        _check_payment(case, instalment, value, paid_on, voucher_number.strip())
        payment = Payment.objects.create(case=case, instalment=instalment, voucher_number=voucher_number.strip(),
                                         budget_line=budget_line, paid_on=paid_on, amount=value,
                                         recorded_by_name=audit.user_name(acting_user))
        audit.record("compensation.payment", payment, acting_user=acting_user, related=case,
                     after=audit.snapshot(payment, ["instalment", "voucher_number", "budget_line", "paid_on", "amount"]))
        if case.status == Status.AGREED:
            fire(CASES, case, "start_paying", roles=roles, acting_user=acting_user)
        if money.balance(case.agreed_amount, case.payments.values_list("amount", flat=True)) == 0:
            fire(CASES, case, "settle", roles=roles, acting_user=acting_user)
    return payment


def _check_payment(case: CompensationCase, instalment: Instalment, value: Decimal, paid_on: dt.date,
                   voucher: str) -> None:
    label = str(instalment)
    if instalment.condition:
        at = services.verified_at(case, instalment.condition)
        if at is None:
            raise ValidationError(
                _("%(i)s cannot be paid yet: its condition, the closure step “%(step)s”, is not verified.")
                % {"i": label, "step": services.step_label(instalment.condition)}, code="gated")
        if paid_on < timezone.localdate(at):
            raise ValidationError(_("The payment date (%(d)s) is before “%(step)s” was verified (%(v)s).")
                                  % {"d": paid_on, "step": services.step_label(instalment.condition),
                                     "v": timezone.localdate(at)}, code="order")
    if case.signed_on and paid_on < case.signed_on:
        raise ValidationError(_("The payment date (%(d)s) is before the agreement was signed (%(s)s).")
                              % {"d": paid_on, "s": case.signed_on}, code="order")
    _not_future(paid_on, _("The payment date"))
    paid_case = sum(case.payments.values_list("amount", flat=True), Decimal("0"))
    balance = (case.agreed_amount or Decimal("0")) - paid_case
    if value > balance:
        raise ValidationError(_("The payment (%(v)s yuan) is more than the case's balance (%(b)s yuan).")
                              % {"v": money.yuan(value), "b": money.yuan(balance)}, code="balance")
    outstanding = instalment.amount - sum(instalment.payments.values_list("amount", flat=True), Decimal("0"))
    if value > outstanding:
        raise ValidationError(_("The payment (%(v)s yuan) is more than what remains of %(i)s (%(o)s yuan).")
                              % {"v": money.yuan(value), "i": label, "o": money.yuan(outstanding)}, code="instalment")
    if Payment.objects.filter(case__park_id=case.park_id, voucher_number=voucher).exists():
        raise ValidationError(_("Voucher %(v)s is already recorded.") % {"v": voucher}, code="voucher_taken")


def do_raise_dispute(case: CompensationCase, *, raised_on: dt.date, raised_by: str, subject: str,
                     acting_user: Any) -> Dispute:
    roles = _require(case, acting_user, MANAGER)
    _not_future(raised_on, _("The date of the dispute"))
    if not subject.strip() or not raised_by.strip():
        raise ValidationError(_("Say who disputes what."), code="subject")
    with transaction.atomic():
        _locked(case)
        resumes = case.status
        fire(CASES, case, "dispute", roles=roles, acting_user=acting_user, reason=subject)
        dispute = Dispute.objects.create(case=case, raised_on=raised_on, raised_by=raised_by.strip(),
                                         subject=subject.strip(), resumes=resumes)
        audit.record("compensation.dispute", dispute, acting_user=acting_user, related=case,
                     after=audit.snapshot(dispute, ["raised_on", "raised_by", "subject", "resumes"]))
    return dispute


def do_resolve_dispute(dispute: Dispute, *, resolution: str, resolved_on: dt.date, acting_user: Any) -> Dispute:
    """Close the dispute with its resolution; the case returns to the status it was raised in."""
    case = dispute.case
    roles = _require(case, acting_user, MANAGER)
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError(_("This dispute is already resolved."), code="resolved")
    if not resolution.strip():
        raise ValidationError(_("Describe the resolution."), code="resolution")
    _not_future(resolved_on, _("The resolution date"))
    if resolved_on < dispute.raised_on:
        raise ValidationError(_("The resolution (%(r)s) is dated before the dispute was raised (%(d)s).")
                              % {"r": resolved_on, "d": dispute.raised_on}, code="order")
    with transaction.atomic():
        _locked(case)
        before = audit.snapshot(dispute, ["status", "resolution", "resolved_on"])
        Dispute.objects.filter(pk=dispute.pk).update(status=DisputeStatus.RESOLVED, resolution=resolution.strip(),
                                                     resolved_on=resolved_on)
        dispute.refresh_from_db()
        fire(CASES, case, f"resume_{dispute.resumes}", roles=roles, acting_user=acting_user, reason=resolution)
        audit.record("compensation.resolve", dispute, acting_user=acting_user, related=case, before=before,
                     after=audit.snapshot(dispute, ["status", "resolution", "resolved_on"]))
    return dispute
