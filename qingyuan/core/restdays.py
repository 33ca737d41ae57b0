"""The rest-day calendar: weekends, plus each year's State Council holiday notice with its
make-up working days (调休上班日), kept in the database so a county can add a year.

A day is a rest day when the notice makes it a holiday, or when it is a Saturday or Sunday
the notice does not make a working day. Legal time limits counted in days whose last day is
a rest day end on the next working day (民法典 第二百零三条; see docs/complaints.md).

``calendar()`` reads the stored years (two queries); before anything was stored (a fresh
database whose data migration has not run, a flushed test database) it falls back to the
shipped file ``qingyuan/standards/data/rest_days_cn.json``. A year without a notice counts
weekends only, and ``missing_year`` tells the office so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.core.restday_models import RestDay, RestDayKind, RestDayYear

ONE_DAY = dt.timedelta(days=1)
# The office is warned from this many days before the year ends (December 1 by default).
WARN_DAYS_BEFORE_YEAR_END = 31


@dataclass(frozen=True, slots=True)
class RestDayCalendar:
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_rest_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return False
        return day in self.holidays or day.weekday() >= 5

    def __contains__(self, day: object) -> bool:
        """``day in calendar``: a calendar stands where ``complaints.deadlines`` takes rest days."""
        return isinstance(day, dt.date) and self.is_rest_day(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while self.is_rest_day(day):
            day += ONE_DAY
        return day

    def knows(self, year: int) -> bool:
        return year in self.years


@dataclass(frozen=True, slots=True)
class ShippedYear:
    year: int
    notice: str
    holidays: tuple[tuple[dt.date, str], ...]  # one row per day off, with the holiday's name
    workdays: tuple[dt.date, ...]


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def parse_document(doc: dict[str, Any]) -> list[ShippedYear]:
    """The years of a document shaped like ``rest_days_cn.json``."""
    years = []
    for key, entry in sorted(doc["years"].items()):
        holidays = tuple((day, name) for first, last, name in entry["holidays"]
                         for day in _days(dt.date.fromisoformat(first), dt.date.fromisoformat(last)))
        years.append(ShippedYear(int(key), entry["notice"], holidays,
                                 tuple(dt.date.fromisoformat(d) for d in entry["working_days"])))
    return years


def shipped_years() -> list[ShippedYear]:
    from qingyuan.standards import _data

    return parse_document(_data.load(_data.REST_DAYS))


def _calendar_of(years: Iterable[ShippedYear]) -> RestDayCalendar:
    years = list(years)
    return RestDayCalendar(frozenset(d for y in years for d, _name in y.holidays),
                           frozenset(d for y in years for d in y.workdays), frozenset(y.year for y in years))


def shipped_calendar() -> RestDayCalendar:
    return _calendar_of(shipped_years())


def calendar() -> RestDayCalendar:
    """The stored calendar (the shipped one while nothing is stored)."""
    years = frozenset(RestDayYear.objects.values_list("year", flat=True))
    if not years:
        return shipped_calendar()
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in RestDay.objects.values_list("date", "kind"):
        (holidays if kind == RestDayKind.HOLIDAY else workdays).add(day)
    return RestDayCalendar(frozenset(holidays), frozenset(workdays), years)


def missing_year(today: dt.date, *, warn_days: int = WARN_DAYS_BEFORE_YEAR_END) -> int | None:
    """The coming year, when its notice is missing and the year ends within ``warn_days`` days
    (from December 1 by default); ``None`` otherwise. A missing current year is reported too."""
    known = set(RestDayYear.objects.values_list("year", flat=True)) or {y.year for y in shipped_years()}
    if today.year not in known:
        return today.year
    if (dt.date(today.year, 12, 31) - today).days < warn_days and today.year + 1 not in known:
        return today.year + 1
    return None


def load_shipped(year_model: Any = RestDayYear, day_model: Any = RestDay) -> list[int]:
    """Store the shipped years that are not stored yet (idempotent: a stored year is left as the
    county keeps it). Takes the models so the data migration can pass its historical ones."""
    stored = set(year_model.objects.values_list("year", flat=True))
    added = []
    for y in shipped_years():
        if y.year in stored:
            continue
        row = year_model.objects.create(year=y.year, notice=y.notice)
        day_model.objects.bulk_create(
            [day_model(calendar_year=row, date=d, kind=RestDayKind.HOLIDAY, name=name) for d, name in y.holidays]
            + [day_model(calendar_year=row, date=d, kind=RestDayKind.WORKDAY) for d in y.workdays])
        added.append(y.year)
    return added


# ---- actions ------------------------------------------------------------------------------------

def _problems(year: int, holidays: list[tuple[dt.date, dt.date, str]], workdays: list[dt.date]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    off = [d for first, last, _name in holidays for d in _days(first, last)]
    if any(last < first for first, last, _name in holidays):
        errors.setdefault("holidays", []).append(_("A holiday ends before it starts."))
    if any(d.year != year for d in off):
        errors.setdefault("holidays", []).append(_("Every holiday must lie in %(year)d.") % {"year": year})
    if not off:
        errors.setdefault("holidays", []).append(_("List the year's holidays."))
    outside = [d for d in workdays if d.year != year]
    if outside:
        errors.setdefault("workdays", []).append(_("Every make-up working day must lie in %(year)d.") % {"year": year})
    weekdays = [d.isoformat() for d in workdays if d.weekday() < 5]
    if weekdays:
        errors.setdefault("workdays", []).append(
            _("A make-up working day falls on a Saturday or Sunday; these do not: %(days)s.") % {"days": ", ".join(weekdays)})
    both = sorted(set(off) & set(workdays))
    if both:
        errors.setdefault("workdays", []).append(
            _("These days are listed both as holidays and as working days: %(days)s.") % {
                "days": ", ".join(d.isoformat() for d in both)})
    if len(off) != len(set(off)) or len(workdays) != len(set(workdays)):
        errors.setdefault("holidays", []).append(_("A day is listed twice."))
    return errors


def do_add_rest_day_year(year: int, *, notice: str, holidays: list[tuple[dt.date, dt.date, str]],
                         workdays: list[dt.date], acting_user: Any) -> RestDayYear:
    """Store a year's notice: its holidays (first day, last day, name) and make-up working days."""
    notice = (notice or "").strip()
    errors = _problems(year, holidays, workdays)
    if not notice:
        errors["notice"] = [_("Name the notice (title, number, date) the days come from.")]
    if RestDayYear.objects.filter(year=year).exists():
        errors["year"] = [_("%(year)d is already in the calendar; correct single days instead.") % {"year": year}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = RestDayYear.objects.create(year=year, notice=notice[:300])
        RestDay.objects.bulk_create(
            [RestDay(calendar_year=row, date=d, kind=RestDayKind.HOLIDAY, name=name[:40])
             for first, last, name in holidays for d in _days(first, last)]
            + [RestDay(calendar_year=row, date=d, kind=RestDayKind.WORKDAY) for d in workdays])
        audit.record("restdays.year_add", row, acting_user=acting_user, after={
            "year": year, "notice": row.notice,
            "holidays": [f"{first.isoformat()}..{last.isoformat()} {name}" for first, last, name in holidays],
            "workdays": [d.isoformat() for d in workdays]})
    return row


def do_set_rest_day(day: dt.date, *, kind: str, name: str = "", acting_user: Any) -> RestDay:
    """Add or correct one day of a stored year (a holiday or a make-up working day)."""
    row = RestDayYear.objects.filter(year=day.year).first()
    if row is None:
        raise ValidationError({"date": _("Add the year %(year)d with its notice first.") % {"year": day.year}})
    if kind not in RestDayKind.values:
        raise ValidationError({"kind": _("Choose holiday or make-up working day.")})
    if kind == RestDayKind.WORKDAY and day.weekday() < 5:
        raise ValidationError({"date": _("A make-up working day falls on a Saturday or Sunday.")})
    with transaction.atomic():
        existing = RestDay.objects.select_for_update().filter(date=day).first()
        before = audit.snapshot(existing, ["date", "kind", "name"]) if existing else None
        if existing is None:
            existing = RestDay.objects.create(calendar_year=row, date=day, kind=kind, name=name[:40])
        else:
            RestDay.objects.filter(pk=existing.pk).update(kind=kind, name=name[:40])
            existing.refresh_from_db()
        audit.record("restdays.day_set", existing, acting_user=acting_user, related=row, before=before,
                     after=audit.snapshot(existing, ["date", "kind", "name"]))
    return existing


def do_remove_rest_day(day: RestDay, *, acting_user: Any) -> None:
    """Remove one stored exception: the day follows the weekend rule again."""
    with transaction.atomic():
        audit.record("restdays.day_remove", day, acting_user=acting_user, related=day.calendar_year,
                     before=audit.snapshot(day, ["date", "kind", "name"]))
        RestDay.objects.filter(pk=day.pk).delete()
