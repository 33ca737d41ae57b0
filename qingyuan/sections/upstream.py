"""Who discharged what on a day the section missed its class: enterprises ranked by their share.

For each item that missed the target class and has an effluent counterpart (GB 3838 item →
its HJ 212 code: COD w01018, NH3-N w21003, TP w21011, …), the park's enterprises are ranked
by that day's mass from their water points (``quality.DailyValue.mass_kg``; points left out
of loads are skipped): share = enterprise kg / Σ kg. Items without an effluent mass (DO, pH)
fall back to COD and NH3-N, the load-controlled water pollutants. Inbound sections have no
upstream enterprises of the park and get no ranking.

Only what reaches the river counts (the park totals' rule, ``loads.routes``): masses at
**direct** outlets. An enterprise whose wastewater goes into the park's treatment plant
(``Outlet.route`` indirect, ``receiving_plant``) is counted through the plant's effluent;
ranking its own outlet as well would count the same kilogram twice. Its mass of the day is
listed under the plant it names (``Ranking.via``), outside the shares.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from qingyuan.enterprises.choices import DischargeRoute
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads.models import ExcludedPoint
from qingyuan.plans.models import pollutant_name
from qingyuan.quality.models import DailyValue
from qingyuan.sections.choices import SectionKind
from qingyuan.sections.models import Section
from qingyuan.standards import surface_water_item

FALLBACK = ("w01018", "w21003")


@dataclass
class Share:
    enterprise: Enterprise
    kg: float
    share: float


@dataclass
class Through:
    """A treatment plant and the indirect dischargers whose mass of the day went into it (not ranked)."""

    plant: Enterprise
    senders: list[tuple[Enterprise, float]]

    @property
    def sent_kg(self) -> float:
        return sum(kg for _e, kg in self.senders)


@dataclass
class Ranking:
    code: str
    total_kg: float
    rows: list[Share]
    via: list[Through] = field(default_factory=list)

    @property
    def name(self) -> str:
        return pollutant_name(self.code)


def codes_for(items: list[str]) -> list[str]:
    codes = []
    for key in items:
        item = surface_water_item(key)
        if item is not None and item.direction == "le" and item.hj212_code.startswith("w") \
                and item.hj212_code not in codes:
            codes.append(item.hj212_code)
    return codes


def rank(section: Section, day: dt.date, failing: list[str]) -> list[Ranking]:
    """Rankings for the failing items (GB 3838 keys) of ``section`` on ``day``; two queries."""
    if section.kind == SectionKind.INBOUND:
        return []
    wanted = codes_for(failing)
    rows = (DailyValue.objects.filter(day=day, point__park_id=section.park_id, point__outlet__medium="water",
                                      point__outlet__enterprise__isnull=False, mass_kg__gt=0,
                                      parameter__in=[*wanted, *FALLBACK])
            .exclude(point_id__in=ExcludedPoint.objects.values("point_id"))
            .values_list("point__outlet__enterprise_id", "parameter", "point__outlet__route",
                         "point__outlet__receiving_plant_id")
            .annotate(kg=Sum("mass_kg")).order_by())
    by_code: dict[str, dict[int, float]] = defaultdict(dict)
    sent: dict[str, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))  # code → plant → sender
    for ent, code, route, plant, kg in rows:
        if route == DischargeRoute.DIRECT:
            by_code[code][ent] = by_code[code].get(ent, 0.0) + kg
        elif plant is not None:
            sent[code][plant][ent] = sent[code][plant].get(ent, 0.0) + kg
    codes = [c for c in wanted if by_code.get(c)] or [c for c in FALLBACK if by_code.get(c)]
    names = Enterprise.objects.in_bulk({e for c in codes for e in by_code[c]}
                                       | {e for c in codes for p, s in sent[c].items() for e in (p, *s)})
    out = []
    for code in codes:
        total = sum(by_code[code].values())
        shares = sorted((Share(names[e], kg, kg / total) for e, kg in by_code[code].items()),
                        key=lambda s: (-s.kg, s.enterprise.name))
        via = [Through(names[p], sorted(((names[e], kg) for e, kg in senders.items()), key=lambda x: (-x[1], x[0].name)))
               for p, senders in sent[code].items()]
        out.append(Ranking(code, total, shares, sorted(via, key=lambda t: t.plant.name)))
    return out
