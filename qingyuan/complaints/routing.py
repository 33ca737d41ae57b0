"""Where a complaint goes, in order:

1. the enterprise named → its linked unit;
2. else the nearest enterprise within the park's radius of the reported place → its linked unit;
3. else the office's category rule (category → unit);
4. else the office, for triage.

A unit that finds the complaint is not theirs returns it with the unit it believes
responsible (``suggested_unit``); the office re-routes. Pure reads: nothing is written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from qingyuan.complaints import geo
from qingyuan.complaints.choices import RoutingBasis
from qingyuan.complaints.models import CategoryRule, ComplaintPolicy
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Park, Unit

# Enterprises that no longer exist on the site do not attract complaints about a place.
GONE = (EnterpriseStatus.CLOSED, EnterpriseStatus.RELOCATED)


@dataclass(frozen=True)
class Route:
    unit: Unit | None
    basis: str
    enterprise: Enterprise | None = None  # the enterprise named or found nearest
    distance_m: float | None = None

    @property
    def is_triage(self) -> bool:
        return self.basis == RoutingBasis.TRIAGE


def office_of(park: Park | int) -> Unit | None:
    park_id = park if isinstance(park, int) else park.pk
    return Unit.objects.filter(park_id=park_id, kind=UnitKind.OFFICE, is_active=True).order_by("sort_order").first()


def nearest_enterprise(park: Park, lon: float, lat: float, radius_m: float) -> tuple[Enterprise, float] | None:
    """The park's nearest (still existing) enterprise with a linked unit within ``radius_m``."""
    west, east, south, north = geo.box(lon, lat, radius_m)
    candidates = (Enterprise.objects.filter(park=park, linked_unit__isnull=False, linked_unit__is_active=True,
                                            longitude__range=(west, east), latitude__range=(south, north))
                  .exclude(status__in=GONE).select_related("linked_unit"))
    best: tuple[Enterprise, float] | None = None
    for enterprise in candidates:
        d = geo.distance_m(lon, lat, float(enterprise.longitude), float(enterprise.latitude))  # type: ignore[arg-type]
        if d <= radius_m and (best is None or d < best[1]):
            best = (enterprise, d)
    return best


def route(park: Park, *, category: str, enterprise: Enterprise | None = None, longitude: float | None = None,
          latitude: float | None = None, policy: ComplaintPolicy | None = None) -> Route:
    policy = policy or ComplaintPolicy.for_park(park)
    if enterprise is not None and enterprise.linked_unit_id and enterprise.linked_unit.is_active:  # type: ignore[union-attr]
        return Route(enterprise.linked_unit, RoutingBasis.ENTERPRISE, enterprise)
    if longitude is not None and latitude is not None:
        found = nearest_enterprise(park, longitude, latitude, policy.nearest_radius_m)
        if found is not None:
            return Route(found[0].linked_unit, RoutingBasis.PLACE, found[0], found[1])
    rule = CategoryRule.objects.filter(park=park, category=category, unit__is_active=True).select_related("unit").first()
    if rule is not None:
        return Route(rule.unit, RoutingBasis.RULE, enterprise)
    return Route(office_of(park), RoutingBasis.TRIAGE, enterprise)
