"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and upper-case letters without I, O,
Z, S, V); the last is a check character: weights are 3**i mod 31 for positions
1..17, and the check value is 31 - (weighted sum mod 31), with 31 written as 0.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


class CreditCodeError(ValueError):
    pass


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(code: str) -> str:
    """Return the normalised code or raise CreditCodeError with a specific reason."""
    normalised = code.strip().upper()
    if len(normalised) != 18:
        raise CreditCodeError(f"must be 18 characters, got {len(normalised)}")
    bad = sorted({ch for ch in normalised if ch not in _VALUE})
    if bad:
        raise CreditCodeError(f"contains characters not allowed in a credit code: {''.join(bad)}")
    if not normalised[8:17].isalnum():
        raise CreditCodeError("organisation code part is malformed")
    expected = check_character(normalised[:17])
    if normalised[17] != expected:
        raise CreditCodeError(f"check character is {normalised[17]}, expected {expected}")
    return normalised


def make(first17: str) -> str:
    """Complete 17 characters with their check character (used by the demo data)."""
    return first17 + check_character(first17)
