"""Out-of-control periods (失控时段): from a failed calibration or comparison until the next passing one.

HJ 75-2017 (CEMS) and HJ 355-2019 / HJ 356-2019 (water) treat the data of an
analyser between a failed quality-control check and the next passing one as
invalid (see docs/monitoring.md, "Validity", for what was and was not checked
against the standards' text). A check names one parameter of its point, or all
of them (``parameter`` empty). For a parameter, the checks that cover it are
walked in time order: a failed one opens a window, the next passing one closes it.
A window still open reaches into the future (``None``).

An hourly value is invalid when its hour overlaps a window of its parameter
(``compute`` applies it after the hour is computed); a daily value follows from its
hours. Pure functions over plain tuples, plus two loaders.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from qingyuan.quality.models import Calibration

Check = tuple[dt.datetime, str, bool]  # (at, parameter or "" for all, passed)
Span = tuple[dt.datetime, dt.datetime | None]


def windows(checks: Iterable[Check], code: str) -> list[Span]:
    """The out-of-control spans of ``code`` from the checks of one point (any order)."""
    out: list[Span] = []
    opened: dt.datetime | None = None
    for at, _parameter, passed in sorted(c for c in checks if c[1] in ("", code)):
        if not passed and opened is None:
            opened = at
        elif passed and opened is not None:
            out.append((opened, at))
            opened = None
    if opened is not None:
        out.append((opened, None))
    return out


def overlaps(spans: list[Span], start: dt.datetime, end: dt.datetime) -> Span | None:
    """The first span that overlaps [start, end), or None."""
    for a, b in spans:
        if a < end and (b is None or b > start):
            return (a, b)
    return None


@dataclass
class PointChecks:
    """The checks of one point, with each parameter's windows computed once."""

    checks: list[Check] = field(default_factory=list)
    _cache: dict[str, list[Span]] = field(default_factory=dict)

    def of(self, code: str) -> list[Span]:
        found = self._cache.get(code)
        if found is None:
            found = self._cache[code] = windows(self.checks, code) if self.checks else []
        return found

    def hit(self, code: str, start: dt.datetime, end: dt.datetime) -> bool:
        return bool(self.checks) and overlaps(self.of(code), start, end) is not None


NO_CHECKS = PointChecks()


def checks_many(point_ids: Iterable[int], before: dt.datetime) -> dict[int, PointChecks]:
    """Every check of the points before ``before`` (windows need the failed check before a period): one query.

    Checks are rare (a few a month per point), so the whole history is read."""
    out: dict[int, PointChecks] = defaultdict(PointChecks)
    rows = (Calibration.objects.filter(point_id__in=list(point_ids), at__lt=before)
            .order_by("at", "id").values_list("point_id", "at", "parameter", "passed"))
    for point_id, at, parameter, passed in rows:
        out[point_id].checks.append((at, parameter, passed))
    return out


def checks_of(point_id: int, before: dt.datetime) -> PointChecks:
    return checks_many([point_id], before).get(point_id, NO_CHECKS)


def spans_of_point(point_id: int, codes: Iterable[str], before: dt.datetime) -> dict[str, list[Span]]:
    """For the point's data page: each parameter's out-of-control spans (parameters without any left out)."""
    found = checks_of(point_id, before)
    return {code: spans for code in codes if (spans := found.of(code))}
