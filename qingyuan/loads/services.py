"""Read-side helpers and periodic work: quota alerts, the ledger sync step, the compliance-page context."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.core.notify import notify
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads import ledger, totals
from qingyuan.loads.choices import AlertLevel
from qingyuan.loads.models import LoadAlert, LoadPolicy
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership, Park


def enterprise_year(enterprise: Enterprise, year: int | None = None, *, today: dt.date | None = None
                    ) -> totals.EnterpriseLoads:
    today = today or timezone.localdate()
    year = year or today.year
    policy = LoadPolicy.for_park(enterprise.park_id)
    return totals.enterprise_loads([enterprise], year, totals.as_of_for(year, today), policy)[0]


def chart_of(loads: totals.EnterpriseLoads) -> str:
    """Monthly tonnes and the pro-rata monthly quota per pollutant, for the ECharts bars."""
    data = [{"code": p.code, "name": p.name, "months": [round(v, 4) for v in p.months_t],
             "quota": [round(q, 4) if (q := p.month_quota_t(loads.year, m)) is not None else None
                       for m in range(1, 13)]}
            for p in loads.pollutants if p.ytd_t or p.quota_t]
    return json.dumps(data, ensure_ascii=False)


def compliance_context(enterprise: Enterprise, user: Any) -> dict[str, Any]:
    """Context of ``loads/partials/enterprise_loads.html`` on the quality compliance page."""
    loads = enterprise_year(enterprise)
    return {"enterprise_loads": loads, "enterprise_loads_chart": chart_of(loads),
            "load_policy": LoadPolicy.for_park(enterprise.park_id)}


# ---- quota alerts --------------------------------------------------------------------------------

def _recipients(enterprise: Enterprise) -> list[Any]:
    users = [a.user for a in enterprise.accounts.select_related("user")]
    if enterprise.linked_unit_id:
        users += [m.user for m in Membership.objects.filter(unit_id=enterprise.linked_unit_id, is_active=True,
                                                            role=Role.UNIT_OFFICER).select_related("user")]
    return users


def raise_alerts(park_id: int, *, today: dt.date | None = None) -> list[LoadAlert]:
    """A LoadAlert (and a notification) the first time a projection crosses each alert share in a year."""
    today = today or timezone.localdate()
    policy = LoadPolicy.for_park(park_id)
    rows = totals.enterprise_loads(totals.park_enterprises(park_id), today.year, today, policy)
    have = set(LoadAlert.objects.filter(enterprise__park_id=park_id, year=today.year)
               .values_list("enterprise_id", "pollutant_code", "level"))
    raised = []
    for ent in rows:
        for p in ent.pollutants:
            if p.level == AlertLevel.OK or p.quota_t is None:
                continue
            levels = [AlertLevel.WARNING] + ([AlertLevel.OVER] if p.level == AlertLevel.OVER else [])
            for level in levels:
                if (ent.enterprise.pk, p.code, level) in have:
                    continue
                try:
                    with transaction.atomic():
                        alert = LoadAlert.objects.create(enterprise=ent.enterprise, pollutant_code=p.code,
                                                         year=today.year, level=level, ytd_t=p.ytd_t,
                                                         projected_t=p.projected_t, quota_t=p.quota_t)
                        audit.record("loads.alert", alert, acting_user=None, related=ent.enterprise,
                                     after=audit.snapshot(alert))
                        notify(_recipients(ent.enterprise), kind="loads.alert",
                               title=_("%(enterprise)s: %(pollutant)s projected at %(share)s%% of the annual quota")
                               % {"enterprise": ent.enterprise.name, "pollutant": p.name,
                                  "share": round((p.share_projected or 0) * 100)},
                               body=_("Year to date %(ytd)s t, projected %(projected)s t, quota %(quota)s t/a.") % {
                                   "ytd": round(p.ytd_t, 3), "projected": round(p.projected_t, 3),
                                   "quota": round(p.quota_t, 3)},
                               url=reverse("loads:enterprise", args=[ent.enterprise.pk]))
                except IntegrityError:
                    continue
                raised.append(alert)
    return raised


def alerts_step() -> bool:
    for park_id in Park.objects.values_list("pk", flat=True):
        raise_alerts(park_id)
    return False


def ledger_step() -> bool:
    for park_id in Park.objects.values_list("pk", flat=True):
        ledger.sync_park(park_id)
    return False
