"""Money rules: positive yuan with at most two decimal places; instalments that add up; balances.

Pure functions over ``Decimal``; each refusal is a ``ValidationError`` whose message names the
figures involved, so the page can say exactly what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
LIMIT = Decimal("999999999999.99")  # 14 digits, two of them decimals (the columns' size)


def yuan(value: Decimal | None) -> str:
    """1234567.5 → "1,234,567.50" (the figure; the page adds 元)."""
    return "—" if value is None else f"{value:,.2f}"


def check_amount(value: Any, *, label: str, allow_zero: bool = False) -> Decimal:
    """``value`` as a Decimal amount in yuan, or a ValidationError saying what is wrong with it."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s is not an amount: “%(v)s”.") % {"label": label, "v": value},
                              code="amount") from None
    if not amount.is_finite():
        raise ValidationError(_("%(label)s is not an amount: “%(v)s”.") % {"label": label, "v": value}, code="amount")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(_("%(label)s must be more than zero (given %(v)s yuan).") % {"label": label, "v": amount},
                              code="not_positive")
    if amount != amount.quantize(CENT):
        raise ValidationError(
            _("%(label)s has more than two decimal places (%(v)s yuan); amounts are counted to the fen.")
            % {"label": label, "v": amount}, code="precision")
    if amount > LIMIT:
        raise ValidationError(_("%(label)s is too large (%(v)s yuan).") % {"label": label, "v": amount},
                              code="too_large")
    return amount.quantize(CENT)


def check_schedule(total: Decimal, amounts: Iterable[Decimal]) -> None:
    """The instalments add up to the agreed amount exactly, else a message naming both sums."""
    amounts = list(amounts)
    if not amounts:
        raise ValidationError(_("The agreement needs at least one instalment."), code="no_instalments")
    summed = sum(amounts, Decimal("0"))
    if summed != total:
        raise ValidationError(
            _("The instalments add up to %(sum)s yuan, but the agreement is for %(total)s yuan.")
            % {"sum": yuan(summed), "total": yuan(total)}, code="schedule_sum")


def split(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` instalments to the fen, the remainder of the division on the last one."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    each = (total / parts).quantize(CENT, rounding="ROUND_DOWN")
    return [each] * (parts - 1) + [total - each * (parts - 1)]


def balance(agreed: Decimal | None, paid: Iterable[Decimal]) -> Decimal:
    """What remains to be paid on the agreement."""
    return (agreed or Decimal("0")) - sum(paid, Decimal("0"))
