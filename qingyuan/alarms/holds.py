"""Legal holds of alarms (``monitoring.holds``): the data an alarm rests on stays as received.

An alarm holds its point from the start of its first offending period, less ``MARGIN`` (the period
before it, which a reviewer compares with), to now while it, or the assignment it was handed on with
(directly or through its episode), is open: against compaction and expiry. Once both are closed it
holds the same range up to when the last of them closed, against expiry only (kept indefinitely;
compaction allowed). One query for any number of points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from qingyuan.alarms.choices import ACTIVE_STATUSES, AlarmKind
from qingyuan.alarms.models import Alarm
from qingyuan.monitoring.holds import Hold
from qingyuan.tasks.choices import OPEN_STATUSES

MARGIN = dt.timedelta(days=1)
IN_SQL = 1000  # up to this many point ids go into the query; more are filtered in Python


def alarm_holds(point_ids: Iterable[int] | None, since: dt.datetime, until: dt.datetime) -> list[Hold]:
    ids = None if point_ids is None else set(point_ids)
    rows = Alarm.objects.filter(start__lt=until + MARGIN).filter(
        Q(status__in=ACTIVE_STATUSES) | Q(assignment__status__in=OPEN_STATUSES)
        | Q(episode__assignment__status__in=OPEN_STATUSES)
        | Q(end__gte=since) | Q(closed_at__gte=since) | Q(assignment__closed_at__gte=since)
        | Q(episode__assignment__closed_at__gte=since)
    )
    if ids is not None and len(ids) <= IN_SQL:
        rows = rows.filter(point_id__in=ids)
    found: list[Hold] = []
    for pk, point_id, kind, start, end, status, closed_at, a_status, a_closed, e_status, e_closed in rows.values_list(
        "pk", "point_id", "kind", "start", "end", "status", "closed_at", "assignment__status",
        "assignment__closed_at", "episode__assignment__status", "episode__assignment__closed_at",
    ):
        if ids is not None and point_id not in ids:
            continue
        is_open = status in ACTIVE_STATUSES or a_status in OPEN_STATUSES or e_status in OPEN_STATUSES
        last = until if is_open else max(t for t in (end, closed_at, a_closed, e_closed) if t is not None)
        found.append(Hold(point_id, start - MARGIN, last, f"{Alarm._meta.verbose_name} #{pk} {AlarmKind(kind).label}",
                          pins_compaction=is_open, url=reverse("alarms:detail", args=[pk])))
    return found
