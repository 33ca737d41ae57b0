"""Read-side helpers: the interim ranking the cockpit can show, and the rows pages and outputs print."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse

from qingyuan.assessment import scoring
from qingyuan.assessment.choices import Grade
from qingyuan.assessment.models import Result, Scheme


@dataclass(frozen=True)
class RankingRow:
    rank: int
    unit: Any
    total: Decimal
    grade: str
    vetoed: bool
    veto_reason: str
    url: str

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label)


def ranking(scheme: Scheme, quarter: int = 0, *, unit_ids: set[int] | None = None,
            as_of: dt.date | None = None) -> list[RankingRow]:
    """The stored results of the year (0) or a quarter; computed on the fly (not saved) when none are stored."""
    stored = list(Result.objects.filter(scheme=scheme, quarter=quarter).select_related("unit").order_by("rank"))
    if stored:
        rows = [RankingRow(r.rank, r.unit, r.total, r.grade, r.vetoed, r.veto_reason, "") for r in stored]
    else:
        rows = [RankingRow(r.rank, r.unit, r.total, r.grade, r.vetoed, r.veto_reason, "")
                for r in scoring.evaluate(scheme, quarter, as_of=as_of)]
    return [RankingRow(r.rank, r.unit, r.total, r.grade, r.vetoed, r.veto_reason,
                       reverse("assessment:unit", args=[scheme.pk, r.unit.pk]) + (f"?quarter={quarter}" if quarter
                                                                                   else ""))
            for r in rows if unit_ids is None or r.unit.pk in unit_ids]


def interim_ranking(park: Any, year: int, quarter: int, *, as_of: dt.date | None = None) -> list[RankingRow]:
    """The quarter's ranking of the park's assessment for ``year`` ([] when there is no scheme).

    For the cockpit: ``rows = interim_ranking(park, today.year, (today.month - 1) // 3 + 1)``; each row has
    rank, unit, total, grade_label, vetoed, veto_reason and url (the unit's scores and their evidence).
    """
    scheme = Scheme.objects.filter(park=park, year=year).first()
    if scheme is None:
        return []
    return ranking(scheme, quarter, as_of=as_of)
