from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingyuan.enterprises import creditcode

_MN = re.compile(r"^[0-9A-Za-z]{6,32}$")


def validate_credit_code(value: str) -> None:
    try:
        creditcode.validate(value)
    except creditcode.CreditCodeError as exc:
        raise ValidationError(
            _("Invalid unified social credit code: %(reason)s.") % {"reason": _credit_reason(exc)},
            code="credit_code",
        ) from None


def _credit_reason(exc: creditcode.CreditCodeError) -> str:
    text = str(exc)
    if text.startswith("must be 18"):
        return _("it must have 18 characters")
    if text.startswith("contains characters"):
        return _("it contains characters that are not allowed (I, O, Z, S, V and lower-case letters are never used)")
    if text.startswith("check character"):
        return _("the check character (last character) does not match")
    return text


def validate_mn(value: str) -> None:
    if not _MN.match(value):
        raise ValidationError(_("An MN has 6 to 32 letters or digits."), code="mn")
