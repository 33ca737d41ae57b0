"""Payments: gated by verified closure steps, within the instalment and the balance; the case settles; disputes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingyuan.closures.choices import StepKind
from qingyuan.compensation import actions, services
from qingyuan.compensation.models import Payment
from qingyuan.compensation.tests.county import AGREED, agreed
from qingyuan.core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("december")


def _pay(county: Any, sequence: int, amount: Any, *, voucher: str = "记-2026-0601", paid_on: dt.date | None = None,
         user: Any = None, line: str = "county") -> Payment:
    case = county.closure.compensation
    return actions.do_record_payment(case.instalments.get(sequence=sequence), voucher_number=voucher,
                                     budget_line=line, paid_on=paid_on or dt.date(2026, 7, 1), amount=amount,
                                     acting_user=user or county.finance)


def test_it_records_a_payment_and_the_balance_falls(county: Any) -> None:
    case = agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    payment = _pay(county, 1, "2000000.00")
    case.refresh_from_db()
    assert case.status == "paying"
    ledger = services.ledger(case, dt.date(2026, 12, 5))
    assert ledger.paid == Decimal("2000000.00") and ledger.balance == AGREED - Decimal("2000000.00")
    assert [r.state for r in ledger.rows] == ["paid", "gated", "gated"]
    county.verify("equipment_dismantled", dt.date(2026, 8, 20))  # due 31 August, unpaid on 5 December
    assert [r.state for r in services.ledger(case, dt.date(2026, 12, 5)).rows] == ["paid", "overdue", "gated"]
    assert [r.state for r in services.ledger(case, dt.date(2026, 8, 31)).rows] == ["paid", "payable", "gated"]
    entry = AuditEntry.objects.get(action="compensation.payment")
    assert entry.object_id == str(payment.pk) and entry.user_name == "财政局股长"
    assert entry.after["amount"] == "2000000.00" and entry.after["voucher_number"] == "记-2026-0601"


def test_it_refuses_a_payment_before_its_condition_is_verified_naming_the_step(county: Any) -> None:
    agreed(county)
    with pytest.raises(ValidationError) as exc:
        _pay(county, 2, "1000")
    assert exc.value.code == "gated"
    assert f"“{StepKind.EQUIPMENT_DISMANTLED.label}”" in exc.value.message
    assert not Payment.objects.exists() and not AuditEntry.objects.filter(action="compensation.payment").exists()


def test_it_refuses_a_payment_dated_before_the_step_was_verified(county: Any) -> None:
    agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 20))
    with pytest.raises(ValidationError) as exc:
        _pay(county, 1, "1000", paid_on=dt.date(2026, 6, 18))
    assert exc.value.code == "order" and "2026-06-20" in exc.value.message
    assert not Payment.objects.exists()


def test_it_refuses_a_payment_beyond_the_instalment(county: Any) -> None:
    agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    _pay(county, 1, "1500000")
    with pytest.raises(ValidationError) as exc:
        _pay(county, 1, "500000.01", voucher="记-2", paid_on=dt.date(2026, 7, 2))
    assert exc.value.code == "instalment" and "500,000.00" in exc.value.message
    assert Payment.objects.count() == 1


def test_it_refuses_a_payment_beyond_the_balance(county: Any) -> None:
    agreed(county)
    for kind in ("production_stopped", "equipment_dismantled", "waste_disposed"):
        county.verify(kind, dt.date(2026, 6, 10))
    _pay(county, 1, "2000000", voucher="v1")
    _pay(county, 2, "2500000", voucher="v2")
    _pay(county, 3, "1800000", voucher="v3")
    with pytest.raises(ValidationError) as exc:
        _pay(county, 3, "1.00", voucher="v4")
    assert exc.value.code == "balance" and "0.25" in exc.value.message
    assert Payment.objects.count() == 3


@pytest.mark.parametrize(("amount", "code"), [("-1", "not_positive"), ("0", "not_positive"), ("10.001", "precision")])
def test_it_refuses_negative_zero_or_over_precise_payments(county: Any, amount: str, code: str) -> None:
    agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    with pytest.raises(ValidationError) as exc:
        _pay(county, 1, amount)
    assert exc.value.code == code
    assert not Payment.objects.exists()


def test_it_refuses_a_voucher_twice_and_a_payment_before_signing(county: Any) -> None:
    agreed(county)
    county.verify("production_stopped", dt.date(2026, 5, 1))
    _pay(county, 1, "1000")
    with pytest.raises(ValidationError) as exc:
        _pay(county, 1, "1000", paid_on=dt.date(2026, 7, 2))
    assert exc.value.code == "voucher_taken"
    with pytest.raises(ValidationError) as exc:
        _pay(county, 1, "1000", voucher="x2", paid_on=dt.date(2026, 5, 20))
    assert exc.value.code == "order"
    assert Payment.objects.count() == 1


def test_it_lets_only_finance_record_payments(county: Any) -> None:
    agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    for user in (county.world.regulator, county.world.supervisor, county.world.ent_a, county.world.outsider):
        with pytest.raises(PermissionDenied):
            _pay(county, 1, "1000", user=user)
    assert not Payment.objects.exists()


def test_it_settles_the_case_when_the_last_fen_is_paid(county: Any) -> None:
    case = agreed(county)
    for kind in ("production_stopped", "equipment_dismantled", "waste_disposed"):
        county.verify(kind, dt.date(2026, 6, 10))
    _pay(county, 1, "2000000", voucher="v1", line="county")
    _pay(county, 2, "2500000", voucher="v2", line="subsidy")
    _pay(county, 3, "1800000.25", voucher="v3", line="park")
    case.refresh_from_db()
    assert case.status == "paid"
    assert services.ledger(case, dt.date(2026, 12, 5)).balance == 0
    assert AuditEntry.objects.filter(action="compensation.settle").count() == 1


def test_it_holds_payments_while_disputed_and_resumes_where_it_was(county: Any) -> None:
    case = agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    _pay(county, 1, "1000000", voucher="v1")
    office = county.world.regulator
    dispute = actions.do_raise_dispute(case, raised_on=dt.date(2026, 7, 5), raised_by="企业法人",
                                       subject="对设备评估价有异议", acting_user=office)
    case.refresh_from_db()
    assert case.status == "disputed"
    with pytest.raises(ValidationError) as exc:
        _pay(county, 1, "1000", voucher="v2", paid_on=dt.date(2026, 7, 6))
    assert exc.value.code == "state"
    with pytest.raises(ValidationError) as exc:
        actions.do_resolve_dispute(dispute, resolution="维持原协议", resolved_on=dt.date(2026, 7, 1), acting_user=office)
    assert exc.value.code == "order"
    actions.do_resolve_dispute(dispute, resolution="复核后维持原协议", resolved_on=dt.date(2026, 7, 20),
                               acting_user=office)
    case.refresh_from_db()
    dispute.refresh_from_db()
    assert case.status == "paying" and dispute.status == "resolved"
    assert AuditEntry.objects.filter(action="compensation.resolve", object_id=str(dispute.pk)).exists()
    _pay(county, 1, "1000", voucher="v2", paid_on=dt.date(2026, 7, 21))
