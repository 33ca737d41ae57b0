"""``{{ code|pollutant_name }}``: the name alone; ``{{ code|pollutant }}``: the name with its code as a muted hint."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from qingyuan.core import pollutants

register = template.Library()


@register.filter
def pollutant_name(code: Any) -> str:
    return pollutants.pollutant_name(code)


@register.filter
def pollutant_names(codes: Any) -> str:
    """A list of codes or GB 3838 item keys as names: 化学需氧量、氨氮."""
    separator = "、" if pollutants.is_chinese() else ", "
    return separator.join(pollutants.pollutant_name(c) for c in codes or ())


@register.filter
def pollutant(code: Any) -> str:
    """化学需氧量 <span class="text-muted small font-monospace">w01018</span> (the code alone when unknown)."""
    if not code:
        return ""
    name = pollutants.pollutant_name(code)
    if name == str(code):
        return format_html('<span class="font-monospace">{}</span>', code)
    return format_html('{} <span class="text-muted small font-monospace">{}</span>', name, code)
