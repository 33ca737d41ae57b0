"""Where a case stands: paid, balance, each instalment's state (paid, overdue, payable, gated).

The gate of an instalment is a closure step (``closures.choices.StepKind``) that must be verified
on the case's closure; ``closures.services.step_verified`` says when it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qingyuan.compensation.choices import InstalmentState
from qingyuan.compensation.models import CompensationCase, Instalment

ZERO = Decimal("0.00")


def step_label(kind: str) -> str:
    from qingyuan.closures.choices import StepKind

    try:
        return str(StepKind(kind).label)
    except ValueError:
        return kind


def step_choices() -> list[tuple[str, str]]:
    from qingyuan.closures.choices import StepKind

    return [(k.value, str(k.label)) for k in StepKind]


def verified_at(case: CompensationCase, kind: str) -> dt.datetime | None:
    """When the closure step ``kind`` was verified on the case's closure, or None."""
    from qingyuan.closures.services import step_verified

    return step_verified(case.closure, kind)


@dataclass
class Row:
    instalment: Instalment
    paid: Decimal
    outstanding: Decimal
    state: str
    condition_label: str = ""
    verified: dt.datetime | None = None

    @property
    def state_label(self) -> str:
        return str(InstalmentState(self.state).label)


@dataclass
class Ledger:
    case: CompensationCase
    rows: list[Row] = field(default_factory=list)
    paid: Decimal = ZERO
    payments: list[Any] = field(default_factory=list)

    @property
    def agreed(self) -> Decimal:
        return self.case.agreed_amount or ZERO

    @property
    def balance(self) -> Decimal:
        return self.agreed - self.paid

    @property
    def overdue(self) -> list[Row]:
        return [r for r in self.rows if r.state == InstalmentState.OVERDUE]


def state_of(instalment: Instalment, outstanding: Decimal, verified: dt.datetime | None, today: dt.date) -> str:
    if outstanding <= 0:
        return InstalmentState.PAID
    if instalment.condition and verified is None:
        return InstalmentState.GATED
    if instalment.due_on < today:
        return InstalmentState.OVERDUE
    return InstalmentState.PAYABLE


def ledger(case: CompensationCase, today: dt.date) -> Ledger:
    """The case's instalments with what was paid on each and where they stand, and its payments."""
    instalments = list(case.instalments.all())
    payments = list(case.payments.select_related("instalment").order_by("paid_on", "id"))
    paid_by: dict[int, Decimal] = {}
    for p in payments:
        paid_by[p.instalment_id] = paid_by.get(p.instalment_id, ZERO) + p.amount
    verified: dict[str, dt.datetime | None] = {}
    out = Ledger(case=case, payments=payments, paid=sum((p.amount for p in payments), ZERO))
    for i in instalments:
        if i.condition and i.condition not in verified:
            verified[i.condition] = verified_at(case, i.condition)
        paid = paid_by.get(i.pk, ZERO)
        at = verified.get(i.condition) if i.condition else None
        out.rows.append(Row(instalment=i, paid=paid, outstanding=i.amount - paid,
                            state=state_of(i, i.amount - paid, at, today),
                            condition_label=step_label(i.condition) if i.condition else "", verified=at))
    return out
