"""What reaches the environment: the discharge route of each outlet (直接排放 / 间接排放).

An indirect wastewater outlet sends its water into a treatment plant of the park; what the
plant discharges is measured at the plant's own (direct) effluent outlet. Counting both would
count the same kilogram twice, and the discharger's load is not what reaches the river. So:

* measured masses count toward the park (total, capacity basis, chart) only at **direct**
  outlets (gas outlets are always direct); masses at indirect outlets are "sent to treatment
  plants" and shown beside the total, never added to it;
* figures kept per enterprise in t/a (permitted annual loads, baselines, ledger entries) count
  for a water pollutant unless the enterprise's wastewater goes **only** to treatment plants
  (all its active wastewater outlets indirect): then its figure is inside its plant's.

Enterprise pages keep every outlet: an indirect discharger is still held to the quota agreed
with the plant / stated in its permit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet, Sum

from qingyuan.enterprises.choices import DischargeRoute, Medium
from qingyuan.enterprises.models import Outlet
from qingyuan.loads.models import ExcludedPoint
from qingyuan.plans.models import pollutant_name
from qingyuan.quality.models import DailyValue
from qingyuan.standards import pollutant

KG_PER_T = 1000.0


def is_water(code: str) -> bool:
    found = pollutant(code)
    return found.medium == "water" if found is not None else code.startswith("w")


@dataclass(frozen=True)
class Routes:
    """Enterprises whose wastewater all goes to treatment plants, and the plants they name."""

    indirect_only: frozenset[int] = frozenset()
    plants_of: dict[int, tuple[str, ...]] = field(default_factory=dict)  # enterprise → receiving plant names
    plants: dict[int, str] = field(default_factory=dict)  # plant id → name

    def counts(self, enterprise_id: int, code: str) -> bool:
        """Whether an enterprise's t/a figure of ``code`` is part of what reaches the environment."""
        return not (enterprise_id in self.indirect_only and is_water(code))


def _ids(ids: Iterable[int]) -> Iterable[int]:
    """A queryset of ids stays a subquery; anything else becomes a list."""
    return ids if isinstance(ids, QuerySet) else list(ids)


def routes_of(enterprise_ids: Iterable[int]) -> Routes:
    """One query over the enterprises' wastewater outlets (active ones; all of them if none is active).

    The rows come straight from the cursor (a province's 5,000 water outlets: Django's per-row converters
    cost more than the rest): ``is_active`` is then 0/1 on SQLite, a bool on PostgreSQL, read as a truth value."""
    rows = Outlet.objects.filter(enterprise_id__in=_ids(enterprise_ids), medium=Medium.WATER).values_list(
        "enterprise_id", "route", "is_active", "receiving_plant_id", "receiving_plant__name")
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # no enterprises (an empty list of ids)
        return Routes()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    active: dict[int, list[str]] = defaultdict(list)
    every: dict[int, list[str]] = defaultdict(list)
    plants_of: dict[int, set[str]] = defaultdict(set)
    plants: dict[int, str] = {}
    for ent, route, is_active, plant_id, plant_name in fetched:
        every[ent].append(route)
        if is_active:
            active[ent].append(route)
        if plant_id is not None:
            plants_of[ent].add(plant_name)
            plants[plant_id] = plant_name
    indirect = DischargeRoute.INDIRECT.value
    # every route indirect: the list (never empty) holds nothing else
    only = frozenset(ent for ent, routes in every.items()
                     if (found := active.get(ent) or routes).count(indirect) == len(found))
    return Routes(only, {e: tuple(sorted(n)) for e, n in plants_of.items()}, plants)


# ---- treatment plants: what they receive, what they discharge, what they remove -----------------------

@dataclass
class PlantBalance:
    """One plant and one water pollutant, year to date (t)."""

    plant_id: int
    plant_name: str
    code: str
    received_t: float = 0.0  # measured at the indirect dischargers' outlets
    inlet_t: float | None = None  # measured at the plant's inlet (its points left out of loads)
    effluent_t: float = 0.0  # measured at the plant's direct outlets: what reaches the environment

    @property
    def name(self) -> str:
        return pollutant_name(self.code)

    @property
    def influent_t(self) -> float | None:
        """What came in: the plant's inlet meter where it has one, else the dischargers' outlets."""
        if self.inlet_t:
            return self.inlet_t
        return self.received_t or None

    @property
    def influent_basis(self) -> str:
        return "inlet" if self.inlet_t else "dischargers"

    @property
    def removal_t(self) -> float | None:
        """influent − effluent, where both are measured."""
        influent = self.influent_t
        return influent - self.effluent_t if influent is not None and self.effluent_t else None

    @property
    def removal_share(self) -> float | None:
        removal, influent = self.removal_t, self.influent_t
        return removal / influent if removal is not None and influent else None


def plant_balances(park_id: int, plants: dict[int, str], year: int, as_of: dt.date, codes: Iterable[str]
                   ) -> list[PlantBalance]:
    """Received, inlet, effluent and removal of each plant for the water ``codes``; one query."""
    wanted = [c for c in codes if is_water(c)]
    if not plants or not wanted:
        return []
    excluded = ExcludedPoint.objects.filter(point_id=OuterRef("point_id"))
    rows = (DailyValue.objects.filter(point__park_id=park_id, point__outlet__medium=Medium.WATER,
                                      parameter__in=wanted, day__gte=dt.date(year, 1, 1), day__lte=as_of,
                                      mass_kg__isnull=False)
            .annotate(excluded=Exists(excluded))
            .values_list("point__outlet__enterprise_id", "point__outlet__route",
                         "point__outlet__receiving_plant_id", "excluded", "parameter")
            .annotate(kg=Sum("mass_kg")).order_by())
    out = {(pid, code): PlantBalance(pid, name, code) for pid, name in plants.items() for code in wanted}
    for ent, route, plant_id, is_excluded, code, kg in rows:
        tonnes = (kg or 0.0) / KG_PER_T
        if route == DischargeRoute.INDIRECT and not is_excluded and (plant_id, code) in out:
            out[(plant_id, code)].received_t += tonnes
        elif (ent, code) in out and route == DischargeRoute.DIRECT:
            balance = out[(ent, code)]
            if is_excluded:
                balance.inlet_t = (balance.inlet_t or 0.0) + tonnes
            else:
                balance.effluent_t += tonnes
    return sorted(out.values(), key=lambda b: (b.plant_name, wanted.index(b.code)))
