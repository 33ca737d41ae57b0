"""Read-only questions other apps ask about closure cases (compensation gates instalments on them)."""

from __future__ import annotations

import datetime as dt

from qingyuan.closures.models import ClosureCase, ClosureStep


def step_verified(case: ClosureCase, kind: str) -> dt.datetime | None:
    """When step ``kind`` of ``case`` was verified (aware), or None while it is not."""
    return (
        ClosureStep.objects.filter(case=case, kind=kind, verified_at__isnull=False)
        .values_list("verified_at", flat=True)
        .first()
    )
