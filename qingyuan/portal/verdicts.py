"""The public verdict on a published daily value: the alarm engine's judgement (issue 15 rule 9), not a comparison
of its own.

The limit is the one the engine holds for the point (``alarms.context``: the permit row in force for the outlet,
else the standard's column, the special one under special emission limits; the variant in force), and the value
is judged by ``alarms.rules.judge``: a limit with a reference O2 on the day's corrected mean (the device's Zs,
else C × (21 − O2ref) / (21 − O2) from the same day's valid O2), a GB 18918 bracketed value by the day's water
temperature. What the portal adds is only the period: it publishes daily means, so each is judged as a period on
the limit's own terms (a gas limit's hourly basis included: a daily mean above an hourly limit is shown as not
complying, as before). Verdicts: True complies (a value equal to the limit complies), False exceeds, None cannot
be judged (no valid O2, O2 close to air, no water temperature where it decides) or no limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from qingyuan.alarms import context
from qingyuan.alarms.choices import AlarmKind
from qingyuan.alarms.rules import O2, WATER_TEMPERATURE, Conditions, LimitRule, judge
from qingyuan.quality.compute import local_midnight
from qingyuan.quality.models import DailyValue

DAY = dt.timedelta(days=1)
CONDITION_CODES = (O2, WATER_TEMPERATURE)
NONE_KNOWN = Conditions()


def limits(point_ids: Iterable[int]) -> dict[int, context.PointContext]:
    """The engine's contexts of the points (fresh: a handful of queries)."""
    return context.load(list(point_ids))


def conditions(point_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], Conditions]:
    """(point, day) → the day's valid O2 and water temperature (one query)."""
    found: dict[tuple[int, dt.date], dict[str, float]] = {}
    rows = DailyValue.objects.filter(point_id__in=list(point_ids), day__gte=first, day__lte=last, valid=True,
                                     parameter__in=CONDITION_CODES, mean__isnull=False)
    for point, day, code, mean in rows.values_list("point_id", "day", "parameter", "mean"):
        found.setdefault((point, day), {})[code] = mean
    return {k: Conditions(o2=v.get(O2), water_temperature=v.get(WATER_TEMPERATURE)) for k, v in found.items()}


def rule_of(ctx: context.PointContext | None, code: str) -> LimitRule | None:
    limit = ctx.limit(code) if ctx is not None else None
    return replace(limit, basis="daily_mean") if limit is not None else None  # the published period is a day


def verdict(ctx: context.PointContext | None, code: str, day: dt.date, mean: float | None, zs: float | None,
            when: Conditions = NONE_KNOWN) -> bool | None:
    """The engine's verdict on a published (valid) daily value."""
    rule = rule_of(ctx, code)
    if rule is None or mean is None or ctx is None:
        return None
    start = local_midnight(day)
    found = judge("day", start, start + DAY, code, mean, zs, True, rule, ctx.policy.rules, when)
    if found is None or found.kind == AlarmKind.APPROACHING:
        return True
    if found.kind == AlarmKind.EXCEEDANCE:
        return False
    return None


def judged(point_ids: Iterable[int], rows: Iterable[dict[str, Any]], first: dt.date, last: dt.date, *,
           contexts: dict[int, context.PointContext] | None = None
           ) -> list[tuple[dict[str, Any], LimitRule | None, bool | None]]:
    """Each published daily row (``point_id``, ``parameter``, ``day``, ``mean``, ``zs_mean``) with the limit it was
    judged against and the verdict."""
    ids = list(point_ids)
    contexts, when = contexts if contexts is not None else limits(ids), conditions(ids, first, last)
    out = []
    for r in rows:
        ctx = contexts.get(r["point_id"])
        out.append((r, rule_of(ctx, r["parameter"]),
                    verdict(ctx, r["parameter"], r["day"], r["mean"], r.get("zs_mean"),
                            when.get((r["point_id"], r["day"]), NONE_KNOWN))))
    return out
