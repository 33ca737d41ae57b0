from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from qingyuan.compensation.money import yuan as figure

register = template.Library()


@register.filter
def yuan(value: Decimal | None) -> str:
    """1234567.5 → "1,234,567.50 元"; None → "—"."""
    return "—" if value is None else _("%(v)s yuan") % {"v": figure(value)}


@register.filter
def wan(value: Decimal | None) -> str:
    """In 万元 with two decimals, for the cockpit: 6300000.25 → "630.00 万元"."""
    return "—" if value is None else _("%(v)s ten-thousand yuan") % {"v": f"{Decimal(value) / 10000:,.2f}"}
