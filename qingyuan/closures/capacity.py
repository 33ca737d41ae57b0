"""What a verified closure frees in the park's capacity ledger (loads.LedgerEntry, kind closure).

For each pollutant of the plant's baseline or permit:

    gross    = the basis amount: the actual load of the 12 months before the production stop
               (Σ quality.DailyValue.mass_kg of its counted points, ÷ 1000), or its permitted
               annual load (loads.totals.quotas)
    already  = what its done measures already freed (reduction entries), never freed twice
    net      = max(0, gross − already)
    reserve  = net × reserve % (ClosurePolicy), held back
    freed    = net − reserve          → one entry, delta = −freed

A relocation frees nothing: its quota moves with the plant; an entry of 0 says so (and keeps
``loads.ledger.sync_park`` from freeing the baseline when the status becomes relocated).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from qingyuan.closures.choices import CaseKind
from qingyuan.closures.models import ClosureCase, ClosurePolicy, FreedBasis
from qingyuan.core import audit
from qingyuan.loads.choices import EntryKind
from qingyuan.loads.models import BaselineLoad, LedgerEntry, LoadPolicy
from qingyuan.loads.totals import counted_points, quotas
from qingyuan.quality.models import DailyValue

PLACES = Decimal("0.0001")
ZERO = Decimal("0")


def _t(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(PLACES, rounding=ROUND_HALF_UP)


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def actual_loads(enterprise_id: int, stopped_on: dt.date) -> dict[str, Decimal]:
    """pollutant → tonnes over [stop − 12 months, stop), from the daily masses of its counted points."""
    points = list(counted_points([enterprise_id]))
    rows = (DailyValue.objects.filter(point_id__in=points, day__gte=year_before(stopped_on), day__lt=stopped_on,
                                      mass_kg__isnull=False)
            .values_list("parameter").annotate(kg=Sum("mass_kg")).order_by())
    return {code: _t(Decimal(str(kg)) / 1000) for code, kg in rows}


def permitted_loads(enterprise_id: int, stopped_on: dt.date) -> dict[str, Decimal]:
    return {code: _t(t) for code, t in quotas([enterprise_id], stopped_on.year, stopped_on)
            .get(enterprise_id, {}).items()}


@dataclass(frozen=True)
class Freed:
    code: str
    gross: Decimal
    already: Decimal
    reserve: Decimal
    freed: Decimal


def compute(case: ClosureCase, stopped_on: dt.date) -> tuple[str, list[Freed]]:
    """The basis and, per pollutant, what the closure frees (nothing is written)."""
    policy = ClosurePolicy.for_park(case.park_id)
    e = case.enterprise_id
    load_policy = LoadPolicy.for_park(case.park_id)
    baseline = set(BaselineLoad.objects.filter(enterprise_id=e, year=load_policy.baseline_year)
                   .values_list("pollutant_code", flat=True))
    permitted = permitted_loads(e, stopped_on)
    amounts = actual_loads(e, stopped_on) if policy.freed_basis == FreedBasis.ACTUAL_12_MONTHS else permitted
    codes = sorted(baseline | set(permitted))
    already: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for code, t in (LedgerEntry.objects.filter(enterprise_id=e, kind=EntryKind.REDUCTION)
                    .values_list("pollutant_code").annotate(t=Sum("delta_t")).order_by()):
        already[code] = -_t(t)
    share = policy.reserve_percent / Decimal(100)
    out = []
    for code in codes:
        gross = amounts.get(code, ZERO) if case.kind != CaseKind.RELOCATION else ZERO
        net = max(ZERO, gross - already[code])
        reserve = _t(net * share)
        out.append(Freed(code, gross, already[code], reserve, net - reserve))
    return policy.freed_basis, out


def write_freed(case: ClosureCase, stopped_on: dt.date, on: dt.date, *, acting_user: Any) -> list[LedgerEntry]:
    """Write the closure entries of ``case`` (once per pollutant; a second call writes nothing)."""
    basis, rows = compute(case, stopped_on)
    have = set(LedgerEntry.objects.filter(enterprise_id=case.enterprise_id, kind=EntryKind.CLOSURE)
               .values_list("pollutant_code", flat=True))
    policy = ClosurePolicy.for_park(case.park_id)
    written = []
    for r in rows:
        if r.code in have:
            continue
        entry = LedgerEntry(park_id=case.park_id, date=on, kind=EntryKind.CLOSURE, enterprise_id=case.enterprise_id,
                            pollutant_code=r.code, delta_t=-r.freed, reason=_reason(case, basis, r, policy, stopped_on),
                            created_by_name=audit.user_name(acting_user))
        entry.full_clean()
        entry.save()
        audit.record("closures.capacity_freed", entry, acting_user=acting_user, related=case,
                     after=audit.snapshot(entry))
        written.append(entry)
    return written


def _reason(case: ClosureCase, basis: str, r: Freed, policy: ClosurePolicy, stopped_on: dt.date) -> str:
    if case.kind == CaseKind.RELOCATION:
        text = _("Relocation %(number)s: the quota moves with the plant, nothing freed") % {
            "number": case.decision_number}
    else:
        if basis == FreedBasis.ACTUAL_12_MONTHS:
            what = _("actual load %(from)s–%(to)s") % {
                "from": year_before(stopped_on).isoformat(), "to": (stopped_on - dt.timedelta(days=1)).isoformat()}
        else:
            what = _("permitted annual load")
        text = _("%(kind)s %(number)s: %(what)s %(gross)s t, less %(already)s t freed by measures, "
                 "reserve %(percent)s%% %(reserve)s t held back; freed %(freed)s t") % {
            "kind": case.get_kind_display(), "number": case.decision_number, "what": what, "gross": r.gross,
            "already": _t(r.already), "percent": _percent(policy.reserve_percent), "reserve": r.reserve,
            "freed": r.freed}
    return text[:300]


def _percent(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
