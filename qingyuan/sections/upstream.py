"""Who discharged what on a day the section missed its class: enterprises ranked by their share.

For each item that missed the target class and has an effluent counterpart (GB 3838 item →
its HJ 212 code: COD w01018, NH3-N w21003, TP w21011, …), the park's enterprises are ranked
by that day's mass from their water points (``quality.DailyValue.mass_kg``; points left out
of loads are skipped): share = enterprise kg / Σ kg. Items without an effluent mass (DO, pH)
fall back to COD and NH3-N, the load-controlled water pollutants. Inbound sections have no
upstream enterprises of the park and get no ranking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

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
class Ranking:
    code: str
    total_kg: float
    rows: list[Share]

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
            .values_list("point__outlet__enterprise_id", "parameter").annotate(kg=Sum("mass_kg")).order_by())
    by_code: dict[str, dict[int, float]] = defaultdict(dict)
    for ent, code, kg in rows:
        by_code[code][ent] = kg
    codes = [c for c in wanted if by_code.get(c)] or [c for c in FALLBACK if by_code.get(c)]
    names = Enterprise.objects.in_bulk({e for c in codes for e in by_code[c]})
    out = []
    for code in codes:
        total = sum(by_code[code].values())
        shares = sorted((Share(names[e], kg, kg / total) for e, kg in by_code[code].items()),
                        key=lambda s: (-s.kg, s.enterprise.name))
        out.append(Ranking(code, total, shares))
    return out
