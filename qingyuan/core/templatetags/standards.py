"""``{{ limit.standard_ref|standard_ref }}``: a permit row's standard reference as people read it.

Permit rows store the reference as "<standard> <table> <category id>" ("GB 13271-2014 表1 in_use-coal"),
and ``alarms.context`` parses the id back. The id is a key of ``qingyuan.standards``, not words; this
filter shows its parts by name ("GB 13271-2014 表1 在用锅炉·燃煤"). Unknown parts stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

# Every part of the shipped category ids (standards/_categories.py), split on "-".
PARTS = {
    "in_use": pgettext_lazy("standard category", "boilers in use"),
    "new": pgettext_lazy("standard category", "new sources"),
    "existing": pgettext_lazy("standard category", "existing sources"),
    "special": pgettext_lazy("standard category", "special limits"),
    "coal": pgettext_lazy("standard category", "coal-fired"),
    "oil": pgettext_lazy("standard category", "oil-fired"),
    "gas": pgettext_lazy("standard category", "gas-fired"),
    "direct": pgettext_lazy("standard category", "direct discharge"),
    "indirect": pgettext_lazy("standard category", "indirect discharge"),
    "boundary": pgettext_lazy("standard category", "enterprise boundary"),
    "pre1998": pgettext_lazy("standard category", "built before 1998"),
    "grade1": pgettext_lazy("standard category", "grade 1"),
    "grade2": pgettext_lazy("standard category", "grade 2"),
    "grade3": pgettext_lazy("standard category", "grade 3"),
    "process_heater": pgettext_lazy("standard category", "process heaters"),
    "wastewater_treatment_gas": pgettext_lazy("standard category", "waste-water treatment off-gas"),
    "halogenated_organic_gas": pgettext_lazy("standard category", "halogenated organic off-gas"),
    "other_organic_gas": pgettext_lazy("standard category", "other organic off-gas"),
}
REF = re.compile(r"^(?P<head>.*?表\S*)\s+(?P<category>[A-Za-z][\w-]*)$")


@register.filter
def standard_ref(value: Any) -> str:
    text = str(value or "").strip()
    m = REF.match(text)
    if not m:
        return text
    parts = m["category"].split("-")
    if not all(p in PARTS for p in parts):
        return text
    return f"{m['head']} " + "·".join(str(PARTS[p]) for p in parts)
