"""The cockpit's measured part from the year rows (``quality.ytd``) equals the one added up from the months."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.loads import park
from qingyuan.loads.tests.test_masses_equivalence import AS_OF, _point, _random_data, make_enterprise
from qingyuan.quality import ytd
from qingyuan.quality.compute import local_midnight
from qingyuan.quality.models import MonthlyValue, YearToDate

pytestmark = pytest.mark.django_db


def _same(a: park.Measured, b: park.Measured) -> None:
    assert a.sums.keys() == b.sums.keys()
    for code in a.sums:
        (ytd_a, projected_a, days_a), (ytd_b, projected_b, days_b) = a.sums[code], b.sums[code]
        assert days_a == days_b, code
        assert [ytd_a, projected_a] == pytest.approx([ytd_b, projected_b], rel=1e-12, abs=1e-12), code


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_it_gives_the_measured_part_of_the_months(park_world, seed):
    _random_data(park_world, seed)  # months without their days, late values, a day after as_of, stops
    ytd.rebuild([2025, 2026])  # the bulk writer's months changed in place: their years recomputed
    assert YearToDate.objects.filter(unknown__gt=0).exists()
    seen = []
    for year, as_of in AS_OF:
        from_months = park.measured_part(park_world.park.pk, year, as_of, months=False)
        from_years = park.measured_part(park_world.park.pk, year, as_of, months=False, ytd=True)
        _same(from_years, from_months)
        seen.append(from_years.sums["w01018"][0])
    assert max(seen) > 0


def test_it_reads_the_months_when_a_writer_left_the_year_rows_behind(park_world):
    _random_data(park_world, 14)
    ytd.rebuild([2025, 2026])
    year, as_of = AS_OF[0]
    before = park.measured_part(park_world.park.pk, year, as_of, months=False, ytd=True)
    code = "w01018"
    have = set(MonthlyValue.objects.filter(parameter=code, month__year=2026).values_list("point_id", "month"))
    point, month = next((p, dt.date(2026, m, 1)) for p in MonitoringPoint.objects.filter(
        outlet__route="direct", outlet__medium="water").order_by("pk").values_list("pk", flat=True)
        for m in range(1, 12) if (p, dt.date(2026, m, 1)) not in have)
    MonthlyValue.objects.bulk_create([MonthlyValue(  # a month stored without its year row (an import)
        point_id=point, parameter=code, unit="mg/L", start=local_midnight(month), month=month, source="computed",
        valid=True, n_expected=31, n_received=1, n_valid=1, mean=20.0, mass_kg=900000.0,
        computed_at=local_midnight(month), mass_days=1, mass_day_mask=1, first_mass_day=month)])

    from_years = park.measured_part(park_world.park.pk, year, as_of, months=False, ytd=True)
    _same(from_years, park.measured_part(park_world.park.pk, year, as_of, months=False))
    assert sum(s[0] for s in from_years.sums.values()) > sum(s[0] for s in before.sums.values()) + 800


def test_it_keeps_the_year_rows_when_only_a_point_it_does_not_count_lacks_them(park_world):
    """The coverage check (``park._year_rows``): the totals over every point differ (a point of another park has a
    month without its year row) but the counted points' do not: the year rows are used, with the months' figures;
    a counted point's month without its year row sends the park back to the months."""
    _random_data(park_world, 15)
    ytd.rebuild([2025, 2026])
    year, as_of = AS_OF[0]
    elsewhere = _point(make_enterprise(park_world.other_park, "外园区企业", 901), "DW001", "water")
    month = dt.date(2026, 3, 1)
    MonthlyValue.objects.bulk_create([MonthlyValue(  # an import's month, without its year row
        point=elsewhere, parameter="w01018", unit="mg/L", start=local_midnight(month), month=month,
        source="computed", valid=True, n_expected=31, n_received=1, n_valid=1, mean=20.0, mass_kg=500.0,
        computed_at=local_midnight(month), mass_days=1, mass_day_mask=1, first_mass_day=month)])
    pk = park_world.park.pk
    counted = MonitoringPoint.objects.filter(outlet__enterprise__park_id=pk)
    points = park._points(counted)
    codes = ["w01018", "w21003", "a21026", "a21002"]

    assert park._year_rows(counted, points, codes, year, as_of) is not None
    _same(park.measured_part(pk, year, as_of, months=False, ytd=True), park.measured_part(pk, year, as_of,
                                                                                          months=False))
    YearToDate.objects.filter(pk=YearToDate.objects.filter(point_id__in=list(points), year=2026).order_by("pk")
                              .values("pk")[:1]).delete()  # a counted point's month now lacks its year row
    assert park._year_rows(counted, points, codes, year, as_of) is None
    _same(park.measured_part(pk, year, as_of, months=False, ytd=True), park.measured_part(pk, year, as_of,
                                                                                          months=False))
