"""Read-only questions other apps ask about closure cases (compensation gates instalments on them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from qingyuan.closures.choices import CaseStatus, StepKind
from qingyuan.closures.models import ClosureCase, ClosureStep
from qingyuan.enterprises.models import Enterprise, MonitoringPoint


def step_verified(case: ClosureCase, kind: str) -> dt.datetime | None:
    """When step ``kind`` of ``case`` was verified (aware), or None while it is not."""
    return (
        ClosureStep.objects.filter(case=case, kind=kind, verified_at__isnull=False)
        .values_list("verified_at", flat=True)
        .first()
    )


def decommissioned_point_ids(point_ids: Iterable[int]) -> set[int]:
    """Of these points, those taken out of service by a closure case (its decommissioning step verified)."""
    ids = list(point_ids)
    if not ids:
        return set()
    cases = ClosureStep.objects.filter(kind=StepKind.POINTS_DECOMMISSIONED, verified_at__isnull=False).values(
        "case__enterprise_id")
    return set(MonitoringPoint.objects.filter(pk__in=ids, is_active=False, outlet__enterprise_id__in=cases)
               .values_list("pk", flat=True))


def case_of(enterprise: Enterprise, user: Any) -> ClosureCase | None:
    """The enterprise's live or completed case the user may see (the newest), for its page; one query."""
    return (ClosureCase.objects.visible_to(user).filter(enterprise=enterprise).exclude(status=CaseStatus.CANCELLED)
            .order_by("-decision_date", "-pk").first())


def closure_url(enterprise: Enterprise) -> str:
    """Where the enterprise's closure is handled: its case, else the form that opens one."""
    case = ClosureCase.objects.filter(enterprise=enterprise).exclude(status=CaseStatus.CANCELLED).first()
    return case.get_absolute_url() if case else reverse("closures:open", args=[enterprise.pk])
