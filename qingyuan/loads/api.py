"""GET /api/v1/loads: loads per enterprise (and the park's totals for park-wide roles).

Access as on the pages: park-wide roles see every enterprise of their park and the totals;
an enterprise user sees only their own enterprise(s) and no park totals. An enterprise
that is not visible is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from qingyuan.core.api import ERRORS, paginate
from qingyuan.enterprises.access import access_enterprise
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads import totals
from qingyuan.loads.models import LoadPolicy
from qingyuan.loads.schemas import LoadFilters, LoadsOut
from qingyuan.org.access import access_park, visible_parks
from qingyuan.org.actor import actor_for

router = Router(tags=["loads"])


def _pollutant(p: totals.PollutantLoad) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "quota_t": p.quota_t, "baseline_t": p.baseline_t, "ytd_t": p.ytd_t,
            "sent_to_plants_t": p.sent_ytd_t,
            "data_days": p.data_days, "projected_t": p.projected_t, "share_projected": p.share_projected,
            "level": p.level, "months_t": p.months_t}


def _park(r: totals.ParkPollutant) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "plan_baseline_t": r.plan_baseline_t, "plan_target_t": r.plan_target_t,
            "baseline_sum_t": r.baseline_sum_t, "ledger_t": r.ledger_t, "accounted_t": r.accounted_t,
            "quota_t": r.quota_t, "ytd_t": r.ytd_t, "projected_t": r.projected_t,
            "projected_change": r.projected_change, "meets_target": r.meets_target, "months_t": r.months_t,
            "effluent_t": r.effluent_t, "sent_to_plants_t": r.sent_t}


@router.get("/loads", response={200: LoadsOut, **ERRORS})
def list_loads(request: HttpRequest, filters: Query[LoadFilters]) -> dict[str, Any]:
    """Annual and monthly loads against quotas, with the projection to the year end."""
    today = timezone.localdate()
    year = filters.year or today.year
    if year > today.year:
        raise Http404
    as_of = totals.as_of_for(year, today)
    park_id: int | None
    if filters.enterprise is not None:
        enterprises = [access_enterprise(request.user, filters.enterprise)]
        park_id, wide = enterprises[0].park_id, False
    elif visible_parks(request.user, park_wide=True).exists():
        park = access_park(request.user, filters.park, park_wide=True)
        park_id, wide = park.pk, True
        enterprises = totals.park_enterprises(park.pk)
    else:  # an enterprise user: their own enterprises only
        own = Enterprise.objects.filter(accounts__user_id=actor_for(request.user).user_id).order_by("name", "id")
        if filters.park is not None:
            own = own.filter(park_id=filters.park)
        enterprises = list(own)
        if not enterprises:
            raise Http404
        park_id, wide = enterprises[0].park_id, False
    page = paginate(enterprises, filters)
    codes = [filters.pollutant] if filters.pollutant else None
    policy = LoadPolicy.for_park(park_id)
    rows = totals.enterprise_loads(page["results"], year, as_of, policy, codes)
    park_rows = None
    if wide:
        everything = totals.enterprise_loads(enterprises, year, as_of, policy, codes) \
            if len(page["results"]) < len(enterprises) else rows
        park_rows = [_park(r) for r in totals.park_totals(everything, park_id, year)
                     if not filters.pollutant or r.code == filters.pollutant]
    return {"park_id": park_id, "year": year, "as_of": as_of, "park": park_rows, **page,
            "results": [{"id": e.enterprise.pk, "name": e.enterprise.name, "status": e.enterprise.status,
                         "level": e.level, "pollutants": [_pollutant(p) for p in e.pollutants]} for e in rows]}
