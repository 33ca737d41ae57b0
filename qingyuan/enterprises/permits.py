"""Which permit is in force on a date: the one answer every app uses.

An enterprise may hold several permits over the years (a renewal, a change of
management class). The permit *in force* on a day is the one whose validity
covers that day; where several do (a renewal issued before the old one ends),
the one that ends last, then the newest row. Where none covers the day (a
lapsed permit, a renewal not yet entered), the latest-ending permit stands in,
so that an outlet is not left without limits by a clerical gap.

``among`` narrows the candidates to permits valid at some point in a date range
(the loads' accounting year). Days are local dates (Asia/Shanghai): pass
``timezone.localdate()``, never a UTC ``now.date()``.

Used by the alarm engine (``alarms.context``), the compliance and open-data pages
(``quality.services.limits_of``, ``portal.rules``), the inspectors' live page
(``inspections.services.live_monitoring``), the rebound watch and the loads'
quotas and baselines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from qingyuan.enterprises.models import Permit, PermitLimit


def in_force(enterprise_ids: Iterable[int], day: dt.date, *,
             among: tuple[dt.date, dt.date] | None = None) -> dict[int, int]:
    """enterprise id → id of its permit in force on ``day`` (see the module's rule); one query."""
    ids = enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)  # a queryset: a subquery
    permits = Permit.objects.filter(enterprise_id__in=ids)
    if among is not None:
        permits = permits.filter(valid_from__lte=among[1], valid_to__gte=among[0])
    chosen: dict[int, tuple[bool, dt.date, int]] = {}
    for pk, ent, start, end in permits.values_list("pk", "enterprise_id", "valid_from", "valid_to"):
        rank = (start <= day <= end, end, pk)
        if ent not in chosen or rank > chosen[ent]:
            chosen[ent] = rank
    return {ent: rank[2] for ent, rank in chosen.items()}


def permit_in_force(enterprise_id: int, day: dt.date) -> Permit | None:
    """The enterprise's permit in force on ``day``, or None when it holds none."""
    pk = in_force([enterprise_id], day).get(enterprise_id)
    return Permit.objects.get(pk=pk) if pk is not None else None


def limits_in_force(enterprise_ids: Iterable[int], day: dt.date, *,
                    among: tuple[dt.date, dt.date] | None = None) -> QuerySet[PermitLimit]:
    """The limit rows of the permits in force on ``day`` (a queryset to narrow further)."""
    return PermitLimit.objects.filter(permit_id__in=list(in_force(enterprise_ids, day, among=among).values()))
