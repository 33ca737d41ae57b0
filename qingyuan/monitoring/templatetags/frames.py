"""Frames on pages: ``{{ packet.text|masked }}`` shows ``PW=******`` (hj212.mask_password).

Every template that shows a frame, or text that may quote one (a refusal
reason, a decoder warning), passes it through ``masked``; the stored evidence
is unchanged.
"""

from __future__ import annotations

from typing import Any

from django import template

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
