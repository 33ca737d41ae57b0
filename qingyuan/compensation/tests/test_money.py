"""Money arithmetic: amounts to the fen, schedules that add up, balances (hypothesis for the splits)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from qingyuan.compensation import money

CENTS = st.integers(min_value=1, max_value=99_999_999_999)  # up to 999,999,999.99 yuan


def test_it_accepts_yuan_to_the_fen() -> None:
    assert money.check_amount("1,234,567.5", label="x") == Decimal("1234567.50")
    assert money.check_amount(Decimal("0.01"), label="x") == Decimal("0.01")


@pytest.mark.parametrize(("value", "code"), [
    ("-5", "not_positive"), ("0", "not_positive"), ("12.345", "precision"), ("0.001", "precision"),
    ("abc", "amount"), ("NaN", "amount"), ("Infinity", "amount"), ("1e15", "too_large"),
])
def test_it_refuses_negative_zero_over_precise_or_odd_amounts(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        money.check_amount(value, label="协议金额")
    assert exc.value.code == code
    assert "协议金额" in exc.value.message


def test_it_names_both_sums_when_the_instalments_do_not_add_up() -> None:
    with pytest.raises(ValidationError) as exc:
        money.check_schedule(Decimal("6300000.25"), [Decimal("2000000"), Decimal("4300000")])
    assert exc.value.code == "schedule_sum"
    assert "6,300,000.00" in exc.value.message and "6,300,000.25" in exc.value.message


def test_it_needs_one_instalment() -> None:
    with pytest.raises(ValidationError):
        money.check_schedule(Decimal("1.00"), [])


@given(cents=CENTS, parts=st.integers(min_value=1, max_value=12))
def test_it_splits_any_amount_into_instalments_that_add_up_to_the_fen(cents: int, parts: int) -> None:
    total = Decimal(cents) / 100
    pieces = money.split(total, parts)
    assert len(pieces) == parts
    assert sum(pieces) == total
    assert all(p == p.quantize(money.CENT) for p in pieces)
    assert max(pieces) - min(pieces) < Decimal("0.01") * parts
    money.check_schedule(total, pieces)  # a split always passes the schedule rule


@given(cents=CENTS, parts=st.integers(min_value=1, max_value=12), data=st.data())
def test_it_keeps_the_balance_equal_to_what_remains_unpaid(cents: int, parts: int, data: st.DataObject) -> None:
    total = Decimal(cents) / 100
    pieces = money.split(total, parts)
    paid_count = data.draw(st.integers(min_value=0, max_value=parts))
    paid = pieces[:paid_count]
    assert money.balance(total, paid) == sum(pieces[paid_count:], Decimal("0"))
    assert money.balance(total, pieces) == 0


@given(cents=CENTS, off=st.integers(min_value=1, max_value=10_000))
def test_it_refuses_a_schedule_off_by_any_number_of_fen(cents: int, off: int) -> None:
    total = Decimal(cents) / 100
    pieces = money.split(total, 3)
    pieces[-1] += Decimal(off) / 100
    with pytest.raises(ValidationError):
        money.check_schedule(total, pieces)
