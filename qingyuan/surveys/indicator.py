"""The assessment indicator ``survey_satisfaction``: the satisfied + basically satisfied share of survey answers.

Counted: the responses that answered the satisfaction question in the park's rounds of the period's year that
were closed by the day the assessment is computed for (``period.as_of``).
Met: 满意 or 基本满意. A township counts its own villages (``Village.township``); the office and the leading
group stand for the park overall and count every village. Other units have nothing to count (full weight).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from qingyuan.assessment.indicators.base import Measure, Period
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.surveys.choices import SATISFIED_POINTS, RoundStatus
from qingyuan.surveys.models import Response

WHOLE_PARK = (UnitKind.OFFICE, UnitKind.LEADING_GROUP)


def satisfaction(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """Two queries: the units' kinds and parks, then the period's answered responses of those parks."""
    kinds = {pk: (kind, park) for pk, kind, park in Unit.objects.filter(pk__in=units).values_list("pk", "kind",
                                                                                                  "park_id")}
    zone = ZoneInfo(settings.TIME_ZONE)
    known = dt.datetime.combine(period.as_of + dt.timedelta(days=1), dt.time(), zone)
    rows = (Response.objects.filter(round__park_id__in={p for _k, p in kinds.values()}, round__year=period.start.year,
                                    round__status=RoundStatus.CLOSED, round__closed_at__lt=known,
                                    satisfaction__isnull=False)
            .values_list("pk", "round__park_id", "village__township_id", "satisfaction").order_by("pk"))
    whole: dict[int, list[int]] = defaultdict(list)
    for pk, (kind, park) in kinds.items():
        if kind in WHOLE_PARK:
            whole[park].append(pk)
    out: dict[int, Measure] = defaultdict(Measure)
    for pk, park, township, point in rows:
        targets = list(whole.get(park, []))
        if township in kinds and kinds[township][0] == UnitKind.TOWNSHIP:
            targets.append(township)
        for unit in targets:
            out[unit].counted.append(pk)
            if point in SATISFIED_POINTS:
                out[unit].met.append(pk)
    return out
