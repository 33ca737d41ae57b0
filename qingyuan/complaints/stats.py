"""Complaint statistics as aggregate queries, one per table on the page.

Counts are of complaints and petitions received (a merged duplicate is still a
complaint someone made; reviews are counted separately), by the year and month they
were received (stored columns, so every query can use a (park, year, …) index and
never computes dates in SQL). Repeat complainants are counted by the keyed hash of
their phone, never by the number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from qingyuan.complaints import geo
from qingyuan.complaints.choices import (
    OPEN_STATUSES,
    CaseType,
    Category,
    Channel,
    Rating,
    ReviewLevel,
    Status,
)
from qingyuan.complaints.models import PARK_READER_ROLES, Complaint
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Unit

TOP = 15
YEARS_KEY = "qingyuan:complaints:years:{}"
YEARS_TTL = 3600


def whole_park(user: Any, park_id: int) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or park_id in actor.park_ids_with(PARK_READER_ROLES)


def scope(user: Any, park_id: int) -> QuerySet:
    """The user's complaints of one park, as a query the (park, year, …) indexes can serve."""
    if whole_park(user, park_id):
        return Complaint.objects.filter(park_id=park_id)
    return Complaint.objects.visible_to(user).filter(park_id=park_id)


def visible_parks(user: Any) -> list[int]:
    actor = actor_for(user)
    if actor.is_superuser:
        from qingyuan.org.models import Park

        return list(Park.objects.order_by("name").values_list("pk", flat=True))
    parks = set(actor.park_ids_with(PARK_READER_ROLES))
    officer_units = [u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles]
    parks |= set(Unit.objects.filter(pk__in=officer_units).values_list("park_id", flat=True))
    parks |= set(EnterpriseAccount.objects.filter(user_id=actor.user_id).values_list("enterprise__park_id", flat=True))
    return sorted(parks)


@dataclass
class Report:
    year: int
    years: list[tuple[int, int]]
    months: list[int]
    months_last: list[int]
    total: int
    total_last: int
    comparable_months: int
    comparable_last: int
    change_pct: float | None
    by_category: list[tuple[str, Any, int]]
    by_channel: list[tuple[str, Any, int]]
    by_case_type: list[tuple[str, Any, int]]
    by_enterprise: list[tuple[str, int]]
    by_township: list[tuple[str, int]]
    by_unit: list[dict[str, Any]]
    repeaters: int
    repeat_complaints: int
    top_repeaters: list[tuple[str, int]]
    hotspots: list[tuple[float, float, int]]
    outcome: dict[str, Any] = field(default_factory=dict)


def originals(qs: QuerySet) -> QuerySet:
    return qs.filter(review_level=ReviewLevel.ORIGINAL)


def by_year(qs: QuerySet, *, park_id: int | None = None, this_year: int | None = None) -> list[tuple[int, int]]:
    """Counts per year. For a whole park (``park_id``) the years before ``this_year`` come from the cache
    (``forget_years`` clears it when a complaint is registered); the current year is always counted."""
    if park_id is None or this_year is None:
        return [(r["year"], r["n"]) for r in originals(qs).values("year").annotate(n=Count("id")).order_by("year")]
    past = cache.get_or_set(
        YEARS_KEY.format(park_id),
        lambda: [(r["year"], r["n"]) for r in originals(qs).filter(year__lt=this_year).values("year")
                 .annotate(n=Count("id")).order_by("year")], YEARS_TTL)
    later = [(r["year"], r["n"]) for r in originals(qs).filter(year__gte=this_year).values("year")
             .annotate(n=Count("id")).order_by("year")]
    return [*past, *later]


def forget_years(park_id: int) -> None:
    cache.delete(YEARS_KEY.format(park_id))


def by_month(qs: QuerySet, year: int) -> list[int]:
    months = [0] * 12
    for r in originals(qs).filter(year=year).values("month").annotate(n=Count("id")):
        months[r["month"] - 1] = r["n"]
    return months


RECEIPT = ("month", "category", "channel", "case_type", "township")


def receipt(qs: QuerySet, year: int) -> dict[str, dict[Any, int]]:
    """Counts by month, category, channel, case type and township in one pass: the GROUP BY follows the
    ``complaints_stat_receipt`` index, so SQLite streams it without sorting; the sums are made here."""
    counts: dict[str, dict[Any, int]] = {column: {} for column in RECEIPT}
    for r in originals(qs).filter(year=year).values(*RECEIPT).annotate(n=Count("id")).order_by(*RECEIPT):
        for column in RECEIPT:
            bucket = counts[column]
            bucket[r[column]] = bucket.get(r[column], 0) + r["n"]
    return counts


def _grouped(qs: QuerySet, year: int, column: str) -> dict[Any, int]:
    return {r[column]: r["n"] for r in originals(qs).filter(year=year).values(column).annotate(n=Count("id"))}


def _labelled(counts: dict[Any, int], choices: Any) -> list[tuple[str, Any, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in choices.choices]


def _named(counts: dict[Any, int], model: Any, *, none_label: str) -> list[tuple[str, int]]:
    names = dict(model.objects.filter(pk__in=[k for k in counts if k is not None]).values_list("pk", "name"))
    rows = [(names.get(k, none_label) if k is not None else none_label, n) for k, n in counts.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0] == none_label, r[0]))  # "unknown" after named ones


def repeat_complainants(qs: QuerySet, year: int) -> tuple[int, int, list[tuple[str, int]]]:
    """How many phones complained twice or more this year, how many complaints they made, the top ones."""
    repeat = (originals(qs).filter(year=year).exclude(phone_hash="").values("phone_hash")
              .annotate(n=Count("id")).filter(n__gte=2))
    totals = repeat.aggregate(phones=Count("phone_hash"), complaints=Sum("n"))
    top = repeat.order_by("-n", "phone_hash")[:10]
    return totals["phones"], totals["complaints"] or 0, [(r["phone_hash"][:8], r["n"]) for r in top]


def hotspots(qs: QuerySet, year: int, *, limit: int = 300) -> list[tuple[float, float, int]]:
    """Complaint counts per map cell of about 200 m (``geo.cell``), busiest first, at the cell's centre."""
    rows = (originals(qs).filter(year=year, place_cell__isnull=False).values("place_cell")
            .annotate(n=Count("id")).order_by("-n", "place_cell")[:limit])
    return [(*geo.cell_centre(r["place_cell"]), r["n"]) for r in rows]


HANDLING = ("review_level", "handling_unit", "status", "replied_on_time", "rating")


def handling(qs: QuerySet, year: int, today: dt.date) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The outcome of the year's cases (replies, on time, ratings, states, reviews) and, per handling unit,
    cases routed, replied, replied on time, the on-time rate and open overdue ones: one pass over the
    ``complaints_stat_handling`` index, summed here."""
    open_overdue = Q(status__in=[Status.ACCEPTED, Status.IN_HANDLING], handle_deadline__lt=today)
    groups = (qs.filter(year=year).values(*HANDLING)
              .annotate(n=Count("id"), overdue=Count("id", filter=open_overdue)).order_by(*HANDLING))
    totals = dict.fromkeys(("replied", "on_time", "rated", "satisfied", "basically", "dissatisfied",
                            "not_accepted", "merged", "open", "reviews"), 0)
    names = {Rating.SATISFIED: "satisfied", Rating.BASICALLY_SATISFIED: "basically",
             Rating.DISSATISFIED: "dissatisfied"}
    units: dict[int, dict[str, Any]] = {}
    for g in groups:
        n, replied, on_time = g["n"], g["replied_on_time"] is not None, bool(g["replied_on_time"])
        if g["handling_unit"] is not None and g["status"] != Status.MERGED:
            u = units.setdefault(g["handling_unit"], {"handling_unit": g["handling_unit"], "routed": 0,
                                                      "replied": 0, "on_time": 0, "overdue_open": 0})
            u["routed"] += n
            u["replied"] += n if replied else 0
            u["on_time"] += n if on_time else 0
            u["overdue_open"] += g["overdue"]
        if g["review_level"] != ReviewLevel.ORIGINAL:
            totals["reviews"] += n
            continue
        totals["replied"] += n if replied else 0
        totals["on_time"] += n if on_time else 0
        if g["rating"]:
            totals["rated"] += n
            totals[names[g["rating"]]] += n
        totals["not_accepted"] += n if g["status"] == Status.NOT_ACCEPTED else 0
        totals["merged"] += n if g["status"] == Status.MERGED else 0
        totals["open"] += n if g["status"] in OPEN_STATUSES else 0
    totals["on_time_rate"] = round(100 * totals["on_time"] / totals["replied"], 1) if totals["replied"] else None
    happy = totals["satisfied"] + totals["basically"]
    totals["satisfaction_rate"] = round(100 * happy / totals["rated"], 1) if totals["rated"] else None
    unit_names = dict(Unit.objects.filter(pk__in=list(units)).values_list("pk", "name"))
    by_unit = [{**u, "unit": unit_names.get(pk, ""),
                "rate": round(100 * u["on_time"] / u["replied"], 1) if u["replied"] else None}
               for pk, u in units.items()]
    return totals, sorted(by_unit, key=lambda r: (-r["routed"], r["unit"]))


def report(qs: QuerySet, year: int, today: dt.date, *, park_id: int | None = None) -> Report:
    """Everything on the statistics page; ``park_id`` when ``qs`` is the whole park (past years cached)."""
    years = by_year(qs, park_id=park_id, this_year=today.year)
    counts = receipt(qs, year)
    totals, by_unit = handling(qs, year, today)
    months = [counts["month"].get(m, 0) for m in range(1, 13)]
    months_last = by_month(qs, year - 1)
    comparable = today.month if year == today.year else 12
    this, last = sum(months[:comparable]), sum(months_last[:comparable])
    return Report(
        year=year, years=years, months=months, months_last=months_last, total=sum(months),
        total_last=sum(months_last), comparable_months=comparable, comparable_last=last,
        change_pct=round(100 * (this - last) / last, 1) if last else None,
        by_category=_labelled(counts["category"], Category),
        by_channel=_labelled(counts["channel"], Channel),
        by_case_type=_labelled(counts["case_type"], CaseType),
        by_enterprise=_named(_grouped(qs, year, "enterprise"), Enterprise, none_label=_("Not named"))[:TOP],
        by_township=_named(counts["township"], Unit, none_label=_("Not known")),
        by_unit=by_unit,
        repeaters=(rep := repeat_complainants(qs, year))[0], repeat_complaints=rep[1], top_repeaters=rep[2],
        hotspots=hotspots(qs, year),
        outcome=totals,
    )
