"""Survey results: the satisfied + basically satisfied rate per village, per round and per year, beside the
year's complaint counts. Aggregates in the database, one query per table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q

from qingyuan.complaints import stats as complaint_stats
from qingyuan.complaints.models import Complaint
from qingyuan.surveys.choices import SATISFIED_POINTS, QuestionKind, RoundStatus
from qingyuan.surveys.models import Response, Round, Village

TENTH = Decimal("0.1")
SATISFIED = Q(satisfaction__in=SATISFIED_POINTS)


@dataclass
class Rate:
    answered: int = 0  # responses that answered the satisfaction question
    satisfied: int = 0  # of those, 满意 or 基本满意

    @property
    def percent(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(100) * self.satisfied / self.answered).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class YearRow:
    year: int
    rate: Rate
    complaints: int | None
    responses: int = 0
    rounds: list[str] = field(default_factory=list)


def _rate(row: dict[str, Any]) -> Rate:
    return Rate(row["answered"], row["satisfied"])


AGG = {"answered": Count("id", filter=Q(satisfaction__isnull=False)), "satisfied": Count("id", filter=SATISFIED),
       "responses": Count("id"), "paper": Count("id", filter=Q(batch__isnull=False))}


def round_rates(round_: Round) -> tuple[Rate, list[tuple[Village, Rate, int, int]]]:
    """The round's overall rate and, per village of the frame, (village, rate, responses, of them paper)."""
    by_village = {r["village"]: r for r in Response.objects.filter(round=round_).values("village").annotate(**AGG)
                  .order_by()}
    rows, overall = [], Rate()
    for village in Village.objects.filter(park_id=round_.park_id).order_by("sort_order", "distance_km", "name"):
        r = by_village.get(village.pk)
        if r is None and not village.is_active:
            continue
        rate = _rate(r) if r else Rate()
        overall.answered += rate.answered
        overall.satisfied += rate.satisfied
        rows.append((village, rate, r["responses"] if r else 0, r["paper"] if r else 0))
    return overall, rows


def closed_rounds(park_id: int) -> Any:
    return Round.objects.filter(park_id=park_id, status=RoundStatus.CLOSED)


def complaint_counts(park_id: int) -> dict[int, int]:
    return dict(complaint_stats.by_year(Complaint.objects.filter(park_id=park_id)))


def by_year(park_id: int) -> list[YearRow]:
    """Closed rounds' rate per year (the rounds of a year pooled), with that year's complaints received."""
    rows = (Response.objects.filter(round__park_id=park_id, round__status=RoundStatus.CLOSED)
            .values("round__year").annotate(**AGG).order_by("round__year"))
    names: dict[int, list[str]] = defaultdict(list)
    for year, title in closed_rounds(park_id).order_by("opens_on").values_list("year", "title"):
        names[year].append(title)
    complaints = complaint_counts(park_id)
    return [YearRow(r["round__year"], _rate(r), complaints.get(r["round__year"], 0), r["responses"],
                    names[r["round__year"]]) for r in rows]


def village_years(park_id: int) -> tuple[list[int], list[tuple[Village, list[Rate]]]]:
    """Per village of the frame, its rate in each year with a closed round."""
    cells = {(r["round__year"], r["village"]): _rate(r) for r in Response.objects.filter(
        round__park_id=park_id, round__status=RoundStatus.CLOSED).values("round__year", "village")
        .annotate(**AGG).order_by()}
    years = sorted({y for y, _v in cells})
    villages = Village.objects.filter(park_id=park_id).order_by("sort_order", "distance_km", "name")
    return years, [(v, [cells.get((y, v.pk), Rate()) for y in years]) for v in villages
                   if v.is_active or any((y, v.pk) in cells for y in years)]


def distribution(round_: Round) -> list[dict[str, Any]]:
    """Per choice question: each option's count (multiple choice counts every box ticked)."""
    questions = [q for q in round_.questions.all() if q.kind != QuestionKind.TEXT]
    counts: dict[int, list[int]] = {q.pk: [0] * len(q.options) for q in questions}
    texts: dict[int, int] = defaultdict(int)
    for answers in Response.objects.filter(round=round_).values_list("answers", flat=True):
        for key, value in answers.items():
            pk = int(key)
            if pk in counts and isinstance(value, list):
                for point in value:
                    if 1 <= point <= len(counts[pk]):
                        counts[pk][point - 1] += 1
            elif isinstance(value, str):
                texts[pk] += 1
    return [{"question": q, "options": list(zip(q.options, counts[q.pk], strict=True))} for q in questions]


def year_rate(park_id: int, year: int) -> Rate | None:
    for row in by_year(park_id):
        if row.year == year:
            return row.rate
    return None
