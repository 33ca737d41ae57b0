"""Year-to-date rows (``quality.ytd``): a point's year is the sum of its monthly values, kept by the computation
that stores the months, late data for an old month included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Min, Sum
from django.utils import timezone

from qingyuan.quality import ytd
from qingyuan.quality.compute import local_midnight, refresh_months
from qingyuan.quality.models import DailyValue, MonthlyValue, YearToDate

pytestmark = pytest.mark.django_db

COD, NH3N = "w01018", "w21003"


def _day(point, code: str, day: dt.date, kg: float | None) -> None:
    DailyValue.objects.bulk_create([DailyValue(
        point=point, parameter=code, unit="mg/L", start=local_midnight(day), day=day, source="computed", valid=True,
        n_expected=24, n_received=24, n_valid=24, mean=20.0, mass_kg=kg, computed_at=timezone.now())])


def _of_months(point, code: str, year: int) -> dict:
    """What the year row must hold, added up from the monthly values by the database."""
    rows = MonthlyValue.objects.filter(point=point, parameter=code, month__year=year)
    known = rows.filter(mass_days__isnull=False)
    return {**rows.aggregate(months=Count("id")), **known.aggregate(mass_kg=Sum("mass_kg"), mass_days=Sum("mass_days"),
                                                                    first_mass_day=Min("first_mass_day"))}


def _row(point, code: str, year: int) -> dict:
    r = YearToDate.objects.get(point=point, parameter=code, year=year)
    return {"months": r.months, "mass_kg": r.mass_kg, "mass_days": r.mass_days, "first_mass_day": r.first_mass_day}


def test_it_keeps_a_points_year_equal_to_the_sum_of_its_months_after_late_data_for_an_old_month(world):
    point = world.point_a
    days = [dt.date(2026, 3, 5), dt.date(2026, 3, 6), dt.date(2026, 7, 1), dt.date(2026, 11, 28),
            dt.date(2025, 12, 30)]
    for i, day in enumerate(days):
        _day(point, COD, day, 10.0 + i)
        _day(point, NH3N, day, None if i == 2 else 1.0)  # a day without a mass
    refresh_months([point.pk], days)  # the worker stores the months: and their years

    assert _row(point, COD, 2026) == _of_months(point, COD, 2026) == {
        "months": 3, "mass_kg": pytest.approx(10 + 11 + 12 + 13), "mass_days": 4,
        "first_mass_day": dt.date(2026, 3, 5)}
    assert _row(point, NH3N, 2026)["mass_days"] == 3
    assert _row(point, COD, 2025)["mass_kg"] == pytest.approx(14.0)

    late = dt.date(2026, 2, 20)  # late data for an old month: the worker computes its month again
    _day(point, COD, late, 5.5)
    refresh_months([point.pk], [late])

    row = YearToDate.objects.get(point=point, parameter=COD, year=2026)
    assert _row(point, COD, 2026) == _of_months(point, COD, 2026) == {
        "months": 4, "mass_kg": pytest.approx(10 + 11 + 12 + 13 + 5.5), "mass_days": 5,
        "first_mass_day": late}
    assert (row.unknown, row.last_month, row.last_mask) == (0, dt.date(2026, 11, 1), 1 << 27)
    assert _row(point, COD, 2025)["mass_kg"] == pytest.approx(14.0)  # the other year untouched


def test_it_counts_the_months_that_do_not_know_their_days_and_leaves_them_out_of_the_sums(world):
    point = world.point_a
    for day in (dt.date(2026, 4, 2), dt.date(2026, 5, 3)):
        _day(point, COD, day, 8.0)
    refresh_months([point.pk], [dt.date(2026, 4, 1), dt.date(2026, 5, 1)])
    MonthlyValue.objects.filter(point=point, month=dt.date(2026, 4, 1)).update(mass_days=None, mass_day_mask=None,
                                                                               first_mass_day=None)
    ytd.refresh([point.pk], [2026])  # a writer that changes months in place recomputes their years

    row = YearToDate.objects.get(point=point, parameter=COD, year=2026)
    assert (row.months, row.unknown, row.mass_kg, row.mass_days, row.first_mass_day) == (
        2, 1, pytest.approx(8.0), 1, dt.date(2026, 5, 3))


def test_it_rebuilds_every_year_row_as_the_computation_keeps_them(world):
    for point in (world.point_a, world.point_b):
        for day in (dt.date(2026, 1, 31), dt.date(2026, 6, 1)):
            _day(point, COD, day, 3.0)
        refresh_months([point.pk], [dt.date(2026, 1, 1), dt.date(2026, 6, 1)])
    kept = sorted(YearToDate.objects.values_list("point_id", "parameter", "year", "months", "mass_kg", "mass_days",
                                                 "first_mass_day", "last_month", "last_mask"))
    YearToDate.objects.all().delete()

    assert ytd.rebuild([2026]) == 2
    assert sorted(YearToDate.objects.values_list("point_id", "parameter", "year", "months", "mass_kg", "mass_days",
                                                 "first_mass_day", "last_month", "last_mask")) == kept
