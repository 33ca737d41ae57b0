"""``{% if nav.actor|may_open_assessment %}``: the menu's 目标考核 entry, no query (the actor is loaded once)."""

from __future__ import annotations

from typing import Any

from django import template

from qingyuan.assessment import access

register = template.Library()


@register.filter
def may_open_assessment(actor: Any) -> bool:
    return bool(actor) and access.may_open_assessment(actor)
