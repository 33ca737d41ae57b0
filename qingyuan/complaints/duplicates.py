"""Suggest open complaints that are probably about the same event.

A candidate is open (received, accepted, being handled or returned), in the same park
and category, received within ``duplicate_hours`` of the new complaint, and either
within ``duplicate_radius_m`` of its place or about the same enterprise. The query uses
the ``complaints_dup`` index (park, status, category, received_at) and a bounding box;
exact distances are computed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from qingyuan.complaints import geo
from qingyuan.complaints.choices import OPEN_STATUSES
from qingyuan.complaints.models import Complaint, ComplaintPolicy

LIMIT = 10


@dataclass(frozen=True)
class Candidate:
    complaint: Complaint
    distance_m: float | None
    hours_apart: float
    same_enterprise: bool


def find(*, park_id: int, category: str, when: dt.datetime, longitude: float | None, latitude: float | None,
         enterprise_id: int | None = None, exclude_pk: int | None = None,
         policy: ComplaintPolicy | None = None) -> list[Candidate]:
    policy = policy or ComplaintPolicy.for_park(park_id)
    window = dt.timedelta(hours=policy.duplicate_hours)
    near = Q()
    if longitude is not None and latitude is not None:
        west, east, south, north = geo.box(longitude, latitude, policy.duplicate_radius_m)
        near = Q(longitude__range=(west, east), latitude__range=(south, north))
    if enterprise_id is not None:
        near |= Q(enterprise_id=enterprise_id)
    if not near:
        return []
    qs = (Complaint.objects.filter(park_id=park_id, status__in=OPEN_STATUSES, category=category,
                                   received_at__range=(when - window, when + window))
          .filter(near).select_related("handling_unit", "enterprise").order_by("received_at")[:200])
    found = []
    for other in qs:
        if other.pk == exclude_pk:
            continue
        distance = None
        if longitude is not None and latitude is not None and other.longitude is not None \
                and other.latitude is not None:
            distance = geo.distance_m(longitude, latitude, float(other.longitude), float(other.latitude))
        same_enterprise = enterprise_id is not None and other.enterprise_id == enterprise_id
        if not same_enterprise and (distance is None or distance > policy.duplicate_radius_m):
            continue
        found.append(Candidate(other, distance, abs((other.received_at - when).total_seconds()) / 3600,
                               same_enterprise))
    found.sort(key=lambda c: (c.distance_m if c.distance_m is not None else 0, c.hours_apart))
    return found[:LIMIT]


def for_complaint(complaint: Complaint, policy: ComplaintPolicy | None = None) -> list[Candidate]:
    """Suggestions for an existing complaint (the detail page), excluding itself and its own merged ones."""
    if complaint.status not in OPEN_STATUSES:
        return []
    found = find(park_id=complaint.park_id, category=complaint.category, when=complaint.received_at,
                 longitude=geo.as_float(complaint.longitude), latitude=geo.as_float(complaint.latitude),
                 enterprise_id=complaint.enterprise_id, exclude_pk=complaint.pk, policy=policy)
    return [c for c in found if c.complaint.merged_into_id != complaint.pk]
