"""System checks of the retention settings (docs/storage.md "Retention and legal hold", docs/configuration.md).

Errors: a retention window that is not a positive whole number of days (``monitoring.E001``), and
real-time readings kept longer than the minute readings they are summarised into (``monitoring.E002``).
Warnings: minute readings (``monitoring.W001``) or raw frames (``monitoring.W002``) kept less than five
years, the keeping period of an enterprise's environmental management ledger under the
排污许可管理条例 (docs/storage.md says what was checked of that text and what was not).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

FIVE_YEARS_DAYS = 5 * 365 + 1  # five calendar years, one of them a leap year
HINT_5Y = ("排污许可管理条例: the environmental management ledger (台账记录) is kept no less than 5 years; "
           "keep at least {days} days (the default 2192 adds a year of margin; docs/storage.md).")
SETTINGS = ("QINGYUAN_RETAIN_REALTIME_DAYS", "QINGYUAN_RETAIN_MINUTE_DAYS", "QINGYUAN_RETAIN_RAW_DAYS")


def _days(name: str) -> int | None:
    """The setting's value when it is a positive int (bool excluded), else None."""
    value = getattr(settings, name, None)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def check_retention(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    out: list[CheckMessage] = []
    days: dict[str, int] = {}
    for name in SETTINGS:
        found = _days(name)
        if found is None:
            out.append(Error(f"{name} must be a positive whole number of days, not {getattr(settings, name, None)!r}.",
                             hint="Set it in the environment, e.g. 2192 (docs/configuration.md).",
                             id="monitoring.E001"))
        else:
            days[name] = found
    realtime, minute = days.get(SETTINGS[0]), days.get(SETTINGS[1])
    if realtime is not None and minute is not None and realtime > minute:
        out.append(Error(f"QINGYUAN_RETAIN_REALTIME_DAYS ({realtime}) exceeds QINGYUAN_RETAIN_MINUTE_DAYS ({minute}): "
                         "real-time readings would outlive the minute readings summarising them.",
                         hint="Keep real-time readings for no longer than minute readings.", id="monitoring.E002"))
    for name, check_id, what in ((SETTINGS[1], "monitoring.W001", "Minute readings"),
                                 (SETTINGS[2], "monitoring.W002", "Raw frames")):
        if name in days and days[name] < FIVE_YEARS_DAYS:
            out.append(Warning(f"{what} are kept {days[name]} days ({name}), less than 5 years.",
                               hint=HINT_5Y.format(days=FIVE_YEARS_DAYS), id=check_id))
    return out
