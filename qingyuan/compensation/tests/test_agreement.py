"""Opening a case, appraisal, negotiation and the agreement with its schedule: audited, refusals change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingyuan.compensation import actions
from qingyuan.compensation.models import CompensationCase, Instalment
from qingyuan.compensation.tests.county import AGREED, SCHEDULE, SIGNED, negotiating
from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.core.workflow import TransitionError

pytestmark = pytest.mark.usefixtures("december")


def _agree(case: Any, user: Any, **over: Any) -> Any:
    args = {"number": "青补协〔2026〕1号", "signed_on": SIGNED, "amount": AGREED, "instalments": SCHEDULE}
    args.update(over)
    return actions.do_record_agreement(case, acting_user=user, **args)


def test_it_walks_a_case_from_appraisal_to_agreed_with_an_audit_entry_for_each_step(county: Any) -> None:
    case = negotiating(county)
    _agree(case, county.world.regulator)
    case.refresh_from_db()
    assert case.status == "agreed" and case.agreed_amount == AGREED and case.signed_on == SIGNED
    assert [(i.sequence, i.amount, i.condition) for i in case.instalments.all()] == [
        (1, Decimal("2000000.00"), "production_stopped"), (2, Decimal("2500000.00"), "equipment_dismantled"),
        (3, Decimal("1800000.25"), "waste_disposed")]
    actions_written = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions_written == ["compensation.open", "compensation.inventory", "compensation.appraisal",
                               "compensation.negotiate", "compensation.negotiation", "compensation.agree",
                               "compensation.schedule"]
    assert case.appraisals.get().total == Decimal("6580000.50")
    assert list(TransitionRecord.objects.values_list("to_state", flat=True)) == ["negotiation", "agreed"]


def _unchanged(case: Any, audits: int) -> None:
    case.refresh_from_db()
    assert case.status == "negotiation" and case.agreed_amount is None
    assert not Instalment.objects.filter(case=case).exists()
    assert AuditEntry.objects.count() == audits


def test_it_refuses_instalments_that_do_not_add_up_naming_both_sums(county: Any) -> None:
    case = negotiating(county)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        _agree(case, county.world.regulator, amount=Decimal("6500000.00"))
    assert exc.value.code == "schedule_sum"
    assert "6,300,000.25" in exc.value.message and "6,500,000.00" in exc.value.message
    _unchanged(case, audits)


@pytest.mark.parametrize(("amount", "code"), [("-100", "not_positive"), ("6300000.255", "precision")])
def test_it_refuses_a_negative_or_over_precise_agreement(county: Any, amount: str, code: str) -> None:
    case = negotiating(county)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        _agree(case, county.world.regulator, amount=amount)
    assert exc.value.code == code
    _unchanged(case, audits)


def test_it_refuses_an_over_precise_instalment(county: Any) -> None:
    case = negotiating(county)
    audits = AuditEntry.objects.count()
    bad = [dict(SCHEDULE[0], amount=Decimal("2000000.001")), *SCHEDULE[1:]]
    with pytest.raises(ValidationError) as exc:
        _agree(case, county.world.regulator, instalments=bad)
    assert exc.value.code == "precision"
    _unchanged(case, audits)


@pytest.mark.parametrize("over", [
    {"signed_on": dt.date(2026, 5, 1)},                                       # before the last negotiation
    {"instalments": [dict(SCHEDULE[0], due_on=dt.date(2026, 5, 20)), *SCHEDULE[1:]]},   # due before signing
    {"instalments": [SCHEDULE[0], dict(SCHEDULE[1], due_on=dt.date(2026, 6, 1)), SCHEDULE[2]]},  # before the 1st
    {"signed_on": dt.date(2027, 1, 1)},                                       # in the future
])
def test_it_refuses_dates_out_of_order(county: Any, over: dict[str, Any]) -> None:
    case = negotiating(county)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        _agree(case, county.world.regulator, **over)
    assert exc.value.code in ("order", "future")
    _unchanged(case, audits)


def test_it_refuses_a_negotiation_before_the_appraisal(county: Any) -> None:
    case = negotiating(county)
    with pytest.raises(ValidationError) as exc:
        actions.do_add_negotiation(case, held_on=dt.date(2026, 4, 1), participants="x", summary="y",
                                   acting_user=county.world.regulator)
    assert exc.value.code == "order" and "2026-04-10" in exc.value.message
    assert case.negotiations.count() == 1


def test_it_refuses_negotiation_without_an_appraisal_and_says_why(county: Any) -> None:
    case = actions.do_open_case(county.closure, acting_user=county.world.regulator)
    with pytest.raises(TransitionError) as exc:
        actions.do_fire_case(case, "negotiate", acting_user=county.world.regulator)
    assert exc.value.code == "guard"
    case.refresh_from_db()
    assert case.status == "appraisal"


def test_it_lets_only_managers_open_and_agree(county: Any) -> None:
    w = county.world
    for user in (county.finance, w.supervisor, w.officer, w.ent_a, w.outsider):
        with pytest.raises(PermissionDenied):
            actions.do_open_case(county.closure, acting_user=user)
    assert not CompensationCase.objects.exists()
    case = negotiating(county)
    with pytest.raises(PermissionDenied):
        _agree(case, county.finance)


def test_it_opens_one_case_per_closure(county: Any) -> None:
    actions.do_open_case(county.closure, acting_user=county.world.regulator)
    with pytest.raises(ValidationError):
        actions.do_open_case(county.closure, acting_user=county.world.regulator)
    assert CompensationCase.objects.count() == 1
