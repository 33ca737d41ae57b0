"""The numbers the validity and aggregation rules use, with their confidence (shared/standards/NOTES.md).

Every rule the notes mark [1] or [U] is a default that a deployment may change
through the Django setting ``QINGYUAN_QUALITY`` (a dict of the field names
below), for example ``QINGYUAN_QUALITY = {"day_min_valid_hours": 18}``. Unknown
keys raise at first use, so a typo does not silently keep the default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class QualitySettings:
    # Validity of hourly, daily and monthly values (NOTES §3).
    hour_min_valid_share: float = 0.75  # 45 of 60 minutes [2] HJ 75/76 App. B, HJ 212 App. D eq. 24
    day_min_valid_hours: int = 20  # gas (CEMS): 20 valid hours [2] HJ 75/76, HJ 212 App. D eq. 25
    # Water: a day needs this share of the values its analysers should give (24 hourly values, or
    # 1440 / measuring cycle): 20/24 keeps the continuous points' 20 hours; [U] HJ 356-2019 §7 not read.
    water_day_min_valid_share: float = 20 / 24
    month_min_valid_days: int = 25  # [1]
    february_min_valid_days: int = 23  # [1]
    # Flags (NOTES §1): N valid; F no data (stopped); M/D/C/B/T/H invalid; S only for these codes [U].
    s_flag_valid_codes: frozenset[str] = field(default_factory=frozenset)
    empty_flag_valid: bool = True  # [U] HJ/T 212-2005 loggers often send no flag at all
    negative_invalid: bool = True  # [1] negative concentrations or flows are invalid (NOTES §2.2)
    zero_flow_invalidates_water: bool = True  # [1] water concentrations while the flow is 0 are invalid
    # When a period is computed: its end plus this grace, so late minute data and the device's own
    # hourly (2061) or daily (2031) value arrive first. Data arriving later recomputes the period.
    hour_grace_minutes: int = 10
    day_grace_minutes: int = 30
    # Device value vs the value computed from minute data (hour, day), and -Cou vs the computed mass:
    # relative difference above which the row is marked ``mismatch`` (an anomaly) [U].
    mismatch_tolerance: float = 0.10
    # Evaluate alarms in the ingesting thread right after each batch commits (the simplest, lowest latency);
    # False: leave batches to the ``alarm_engine`` process (another core; ingest keeps its full speed).
    evaluate_on_commit: bool = True
    # Stop-production declarations must be filed by this day of the month after the period ends
    # (MEE training material: evidence before the 10th of the following month) [1]; 0 turns it off.
    declaration_deadline_day: int = 10


def quality_settings() -> QualitySettings:
    overrides: dict[str, Any] = dict(getattr(settings, "QINGYUAN_QUALITY", {}) or {})
    names = {f.name for f in dataclasses.fields(QualitySettings)}
    unknown = set(overrides) - names
    if unknown:
        raise ValueError(f"QINGYUAN_QUALITY has unknown keys {sorted(unknown)}; known: {sorted(names)}")
    if "s_flag_valid_codes" in overrides:
        overrides["s_flag_valid_codes"] = frozenset(overrides["s_flag_valid_codes"])
    return dataclasses.replace(QualitySettings(), **overrides)
