"""Legal holds: open cases pin the monitoring evidence of their time range.

An open alarm, assignment, complaint or closure case may end up before a court or a
hearing, so the raw frames and readings it rests on must stay exactly as received:
they are neither compacted nor expired while the case is open. Those apps sit above
``monitoring``, so they register a *hold provider* here from their ``AppConfig.ready()``
(the registry rule of docs/architecture.md). A provider answers, for a set of points
and a window of time, which (point, start, end) ranges its open cases hold.

Compaction (``monitoring.compaction``, ``monitoring.evidence_blocks``) and expiry
(``monitoring.retention``) ask ``held_days`` before touching a (point, day). What a closed
case refers to is kept indefinitely: providers return it with ``pins_compaction=False``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from qingyuan.enterprises.models import MonitoringPoint

ZONE = ZoneInfo("Asia/Shanghai")
IN_SQL = 1000  # up to this many point ids go into a provider's query; more are filtered in Python


@dataclass(frozen=True)
class Hold:
    point_id: int
    start: dt.datetime
    end: dt.datetime  # open cases hold up to now: the provider passes its ``until``
    reason: str  # e.g. "alarm 12", for the expiry report and the docs
    # An open case pins its range against compaction and expiry; a closed case's reference
    # (what an alarm, assignment or case refers to is kept indefinitely) only against expiry.
    pins_compaction: bool = True
    url: str = ""  # the case's page, for the storage page's list of holds


# provider(point_ids or None for all points, since, until) -> holds overlapping [since, until)
HoldProvider = Callable[[Iterable[int] | None, dt.datetime, dt.datetime], Iterable[Hold]]

_PROVIDERS: dict[str, HoldProvider] = {}


def register_hold(name: str, provider: HoldProvider) -> None:
    _PROVIDERS[name] = provider


def providers() -> dict[str, HoldProvider]:
    return dict(_PROVIDERS)


def holds(point_ids: Iterable[int] | None, since: dt.datetime, until: dt.datetime) -> list[Hold]:
    """Every registered hold overlapping [since, until) on the given points (None: all points)."""
    ids = None if point_ids is None else list(point_ids)
    found: list[Hold] = []
    for provider in _PROVIDERS.values():
        found.extend(h for h in provider(ids, since, until) if h.start < until and h.end >= since)
    return found


def points_by_enterprise(point_ids: Iterable[int] | None) -> dict[int, list[int]]:
    """The points among ``point_ids`` (None: all) that belong to an enterprise, grouped by enterprise id
    (one query): what a provider whose cases are about an enterprise holds."""
    ids = None if point_ids is None else set(point_ids)
    points = MonitoringPoint.objects.filter(outlet__enterprise__isnull=False)
    if ids is not None and len(ids) <= IN_SQL:
        points = points.filter(pk__in=ids)
    by_enterprise: dict[int, list[int]] = defaultdict(list)
    for pk, enterprise_id in points.values_list("pk", "outlet__enterprise_id"):
        if ids is None or pk in ids:
            by_enterprise[enterprise_id].append(pk)
    return by_enterprise


def local_days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    first, last = start.astimezone(ZONE).date(), end.astimezone(ZONE).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def held_days(point_ids: Iterable[int] | None, first_day: dt.date, last_day: dt.date, *,
              for_compaction: bool) -> dict[int, set[dt.date]]:
    """For each point with a hold, the local days in [first_day, last_day] that a hold touches.

    ``for_compaction``: only the holds that pin against compaction (open cases); otherwise every
    hold and reference, which pin against expiry.
    """
    since = dt.datetime.combine(first_day, dt.time(), ZONE)
    until = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), ZONE)
    days: dict[int, set[dt.date]] = {}
    for hold in holds(point_ids, since, until):
        if for_compaction and not hold.pins_compaction:
            continue
        start, end = max(hold.start, since), min(hold.end, until - dt.timedelta(microseconds=1))
        days.setdefault(hold.point_id, set()).update(local_days(start, end))
    return days
