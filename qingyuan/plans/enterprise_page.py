"""The plans section of an enterprise's page (registered from ``PlansConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch

from qingyuan.plans.models import Acceptance, EnterprisePlan, Measure


def _plans(enterprise: Any, user: Any) -> list[EnterprisePlan]:
    return list(EnterprisePlan.objects.visible_to(user).filter(enterprise=enterprise).with_totals()
                .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("order", "deadline", "id"),
                                           to_attr="measure_rows"),
                                  Prefetch("acceptances", queryset=Acceptance.objects.order_by("-number"),
                                           to_attr="acceptance_rows"))
                .order_by("-deadline", "-id"))


def section(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    return {"plans": _plans(enterprise, user)}
