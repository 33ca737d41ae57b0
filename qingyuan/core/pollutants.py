"""A pollutant as people read it: its name in the reader's language, its HJ 212 code only as a hint.

The one home for turning a code (``w01018``) into a name (化学需氧量); ``plans.models.pollutant_name``,
``quality.services.parameter_label`` and ``monitoring.queries.label`` call it, and templates use the
``pollutants`` filters (``{{ code|pollutant_name }}``, ``{{ code|pollutant }}``). Reads
``qingyuan.standards`` (Django-free reference data).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from qingyuan.standards import pollutant, surface_water_item


def is_chinese() -> bool:
    return (translation.get_language() or "zh").startswith("zh")


def pollutant_name(code: Any) -> str:
    """The pollutant's name in the reader's language (Chinese by default); the code when unknown, "" for none."""
    if not code:
        return ""
    found = pollutant(str(code)) or surface_water_item(str(code))  # an HJ 212 code, or a GB 3838 item key
    if found is None:
        return str(code)
    return found.name_zh if is_chinese() else found.name_en
