"""``{{ complaint|ref:user }}``: the tracking code for those who work the case, else the reference."""

from __future__ import annotations

from typing import Any

from django import template

from qingyuan.complaints.access import reference_for

register = template.Library()


@register.filter
def ref(complaint: Any, user: Any) -> str:
    return reference_for(user, complaint) if complaint is not None else ""
