"""Frames on pages: ``{{ packet.text|masked }}`` shows ``PW=******`` (hj212.mask_password).

Every template that shows a frame, or text that may quote one (a refusal
reason, a decoder warning), passes it through ``masked``; the stored evidence
is unchanged.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from qingyuan.hj212 import mask_password

register = template.Library()


@register.filter
def masked(value: Any) -> Any:
    """The text with every ``PW=`` value masked; lists item by item; anything else unchanged."""
    if isinstance(value, str):
        return mask_password(value)
    if isinstance(value, list | tuple):
        return [masked(v) for v in value]
    return value


@register.filter
def masked_item(key: Any, value: Any) -> str:
    """``key=value`` of a CP field, masked (``NewPW=******``)."""
    return mask_password(f"{key}={value}")


TOLERANCE_LABELS = {
    "lowercase_crc": _("CRC in lower case"),
    "char_count_length": _("length counts characters, not bytes"),
    "length_mismatch": _("length field wrong (CRC verifies)"),
    "length_plus_6": _("length counts the CRC and line end"),
    "oversize_segment": _("data segment over 1024 bytes"),
    "alt_crc_mode": _("the device's own CRC mode"),
    "st_medium_mismatch": _("2005 codes read by the point's medium (ST names another)"),
}


@register.filter
def tolerance_labels(values: Any) -> list[str]:
    """A packet's accepted deviations from the standard, as people read them (the stored value if unknown)."""
    return [str(TOLERANCE_LABELS.get(v, v)) for v in masked(values or [])]
