"""Units as people read them: ``{{ reading.unit|unit_label }}``.

Units come from ``qingyuan.standards`` (HJ 212 default units, discharge limits) and from permits as
stored strings. Symbols (mg/L, mg/m3, °C, %) read the same in every language and are shown as they are;
the few units that are words ("dimensionless", "count/L", "grade", ...) are translated here, the one place
for it: ``qingyuan.standards`` stays free of Django (docs/standards.md).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import pgettext_lazy

from qingyuan.standards.units import normalise_unit

register = template.Library()

# Keyed by the normalised spelling (standards.units.normalise_unit) of every unit word in the shipped data.
_WORDS = {
    "dimensionless": pgettext_lazy("unit", "dimensionless"),
    "count/l": pgettext_lazy("unit", "count/L"),
    "grade": pgettext_lazy("unit", "grade"),
    "dilutionfactor": pgettext_lazy("unit", "dilution factor"),
    "degree(colour)": pgettext_lazy("unit", "degree (colour)"),
    "degree(angle)": pgettext_lazy("unit", "degree (angle)"),
    "t/(km2·month)": pgettext_lazy("unit", "t/(km2·month)"),
}


@register.filter
def unit_label(unit: Any) -> str:
    """``unit`` in the user's language when it is a word, else unchanged ("" for None)."""
    if not unit:
        return ""
    word = _WORDS.get(normalise_unit(str(unit)))
    return str(word) if word is not None else str(unit)
