"""The cockpit panel and the menu entry: committed against paid, by budget line, linking to the filtered list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse

from qingyuan.compensation.choices import BudgetLine, Status
from qingyuan.compensation.models import CompensationCase, Payment

ZERO = Decimal("0.00")


def totals(park_id: int) -> dict[str, Any]:
    """Committed (agreed amounts) and paid in the park, payments by budget line; three queries."""
    cases = CompensationCase.objects.filter(park_id=park_id)
    committed = cases.aggregate(s=Sum("agreed_amount"))["s"] or ZERO
    by_line = dict(Payment.objects.filter(case__park_id=park_id).values_list("budget_line")
                   .annotate(s=Sum("amount")).values_list("budget_line", "s"))
    paid = sum(by_line.values(), ZERO)
    url = reverse("compensation:list")
    lines = [{"key": line.value, "label": line.label, "paid": by_line.get(line.value, ZERO),
              "url": f"{url}?line={line.value}"} for line in BudgetLine]
    open_cases = cases.exclude(status=Status.PAID).count()
    return {"committed": committed, "paid": paid, "balance": committed - paid, "lines": lines,
            "percent": round(paid / committed * 100) if committed else 0, "url": url,
            "open_cases": open_cases, "paying_url": f"{url}?status={Status.PAYING}"}


def cockpit_context(request: Any, park: Any, today: dt.date) -> dict[str, Any] | None:
    if park is None or not CompensationCase.objects.filter(park_id=park.pk).exists():
        return None
    return totals(park.pk)


def home_context(request: Any, park: Any, today: dt.date) -> dict[str, Any] | None:
    """The finance officer's and the supervisors' home: the same totals for the park they read."""
    from qingyuan.compensation.access import may_open_cases
    from qingyuan.compensation.models import READERS
    from qingyuan.org.actor import actor_for

    actor = actor_for(request.user)
    if not may_open_cases(actor):
        return None
    ids = sorted(actor.park_ids_with(READERS))
    if not ids or not CompensationCase.objects.filter(park_id=ids[0]).exists():
        return None
    return totals(ids[0])
