"""Substituted hours counted in the loads (issue 15 rule 7), by hand.

HJ 75-2017, data review and processing of invalid or missing hours (the clause text was not checked against the
official edition, see docs/loads-and-sections.md): a run of N ≤ 24 consecutive invalid or missing hours takes,
for each hour, the mean of the valid hour before and the valid hour after; N > 24 takes the largest hourly
value of the up to 720 valid hours before the run. With ``missing_hours=hj75`` the substituted kg are part of
every load figure: the month, the year, the projection, the park.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qingyuan.loads import cache, park, substituted, totals
from qingyuan.loads.choices import MissingHours
from qingyuan.loads.models import LoadPolicy, SubstitutedMass
from qingyuan.loads.tests.helpers import daily
from qingyuan.quality.aggregate import Stats
from qingyuan.quality.choices import DeclarationStatus, Period
from qingyuan.quality.compute import local_midnight, refresh_months
from qingyuan.quality.models import DailyValue, HourlyValue, StopDeclaration
from qingyuan.quality.points import point_infos
from qingyuan.test import make_point

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 12, 31)  # a past year: as_of = 31 December, no days left to project
SO2 = "a21026"
HOUR = dt.timedelta(hours=1)


def _hours(point, kgs: dict[int, float], *, day: dt.date = DAY, valid: bool = True, code: str = SO2) -> None:
    start = local_midnight(day)
    HourlyValue.objects.bulk_create([
        HourlyValue(point=point, parameter=code, unit="mg/m3" if code.startswith("a") else "mg/L",
                    source="computed", valid=valid, start=start + h * HOUR, n_expected=60, n_received=60,
                    n_valid=60 if valid else 0, mean=50.0, mass_kg=kg, computed_at=timezone.now())
        for h, kg in kgs.items()])


def _year(enterprise, policy):
    (loads,) = totals.enterprise_loads([enterprise], 2025, DAY, policy, codes=[SO2])
    return loads.get(SO2)


def _park(w, policy):
    rows = totals.enterprise_loads(totals.park_enterprises(w.park.pk), 2025, DAY, policy)
    by_totals = {p.code: p for p in totals.park_totals(rows, w.park.pk, 2025)}[SO2]
    by_figures = {p.code: p for p in park.park_figures(w.park.pk, 2025, DAY)}[SO2]
    return by_totals, by_figures


@pytest.fixture
def stack(park_world):
    """SO2 at A's stack on 31 December 2025: 00-04 1 kg each, 05 10 kg, 06-08 missing, 09 16 kg, 10-23 1 kg each
    (measured: 5 + 10 + 16 + 14 = 45 kg)."""
    point = make_point(park_world.enterprise_a, "AAAA0000000000000000000G", medium="gas")
    kgs = {h: 1.0 for h in range(24) if h not in (5, 6, 7, 8, 9)} | {5: 10.0, 9: 16.0}
    _hours(point, kgs)
    daily(point, SO2, DAY, kg=45.0)
    return point


def test_it_adds_a_three_hour_gap_to_the_month_the_year_the_projection_and_the_park(park_world, stack):
    """HJ 75-2017 (N = 3 ≤ 24): (10 + 16) / 2 = 13 kg/h × 3 h = 39 kg. Measured 45 kg → 84 kg in December, the
    year and (31 December of a past year: nothing left to project) the projection; the park (a direct outlet)
    likewise, in ``park_totals`` and in the cockpit's ``park_figures``. The run is stored when the worker
    computes the hour after the gap, and the cached figures' measured version moves."""
    w, policy = park_world, LoadPolicy(park=park_world.park)
    before = _year(w.enterprise_a, policy)
    assert before.ytd_t == pytest.approx(0.045)
    version = cache.measured()
    info = point_infos([stack.pk])[stack.pk]
    nine = local_midnight(DAY) + 9 * HOUR
    substituted.on_period(info, Period.HOUR, [(nine, Stats(SO2, "mg/m3", "computed", True, 60, 60, 60,
                                                            mass_kg=16.0))])

    (row,) = SubstitutedMass.objects.filter(point=stack)
    assert (timezone.localtime(row.first).hour, row.hours, row.kg_per_hour, row.rule) == (6, 3, 13.0, "short")
    assert cache.measured() != version
    after = _year(w.enterprise_a, policy)
    assert after.months_t[11] == pytest.approx(0.084)
    assert after.ytd_t == pytest.approx(0.084)
    assert after.projected_t == pytest.approx(0.084)
    assert after.direct_projected_t == pytest.approx(0.084)
    by_totals, by_figures = _park(w, policy)
    assert (by_totals.ytd_t, by_totals.projected_t, by_totals.months_t[11]) == pytest.approx((0.084, 0.084, 0.084))
    assert (by_figures.ytd_t, by_figures.projected_t, by_figures.months_t[11]) == pytest.approx(
        (0.084, 0.084, 0.084))


def test_it_counts_a_wholly_substituted_day_as_a_day_with_data_in_the_projection(park_world, stack):
    """1 January 2026 missing all day between 31 December 23:00 (1 kg) and 2 January 00:00 (3 kg): HJ 75-2017
    (N = 24 ≤ 24) → (1 + 3) / 2 = 2 kg/h × 24 = 48 kg. As of 2 January (3 kg every hour: 72 kg measured) the
    year has 72 + 48 = 120 kg over 2 days with data (the substituted day is not a gap estimated at the rate):
    projected = 0.120 + 0.120 / 2 × 363 days left (docs/loads-and-sections.md)."""
    w, policy = park_world, LoadPolicy(park=park_world.park)
    second = dt.date(2026, 1, 2)
    _hours(stack, {h: 3.0 for h in range(24)}, day=second)
    daily(stack, SO2, second, kg=72.0)
    substituted.rebuild([stack.pk], dt.date(2025, 12, 1))

    (loads,) = totals.enterprise_loads([w.enterprise_a], 2026, second, policy, codes=[SO2])
    so2 = loads.get(SO2)
    assert so2.months_t[0] == pytest.approx(0.120)
    assert so2.data_days == 2
    assert so2.projected_t == pytest.approx(0.120 + 0.060 * 363)
    assert _year(w.enterprise_a, policy).ytd_t == pytest.approx(0.084)  # 2025 keeps its own run only


def test_it_gives_a_thirty_hour_gap_the_largest_of_the_previous_720_valid_hours(park_world):
    """HJ 75-2017 (N = 30 > 24): the largest hourly mass of the 720 valid hours before the run. 721 valid hours
    before it: the oldest (50 kg) is outside the look-back, the largest inside is 7 kg → 30 × 7 = 210 kg."""
    w = park_world
    point = make_point(w.enterprise_a, "AAAA0000000000000000000H", medium="gas")
    first = DAY - dt.timedelta(days=31)
    kgs = {0: 50.0} | {h: 1.0 for h in range(1, 721)} | {400: 7.0} | {751: 3.0}  # 721-750 missing
    _hours(point, kgs, day=first)
    daily(point, SO2, DAY, kg=3.0)
    substituted.rebuild([point.pk], first)

    (row,) = SubstitutedMass.objects.filter(point=point)
    assert (row.hours, row.kg_per_hour, row.rule) == (30, 7.0, "long")
    assert sum(r.kg for r in SubstitutedMass.objects.filter(point=point)) == 210.0


def test_it_counts_only_measured_hours_under_the_policy_none(park_world, stack):
    """``missing_hours = none``: the stored run is there, the figures are the measured 45 kg."""
    w = park_world
    substituted.rebuild([stack.pk], dt.date(2025, 1, 1))
    assert SubstitutedMass.objects.filter(point=stack).count() == 1
    policy = LoadPolicy.objects.create(park=w.park, missing_hours=MissingHours.NONE)

    assert _year(w.enterprise_a, policy).ytd_t == pytest.approx(0.045)
    by_totals, by_figures = _park(w, policy)
    assert (by_totals.ytd_t, by_figures.ytd_t) == pytest.approx((0.045, 0.045))


def test_it_never_substitutes_a_water_point(park_world):
    """HJ 75 is for flue gas; a COD gap at a water outlet stays a gap (HJ 355/356 have no such rule)."""
    w = park_world
    _hours(w.point_a, {0: 5.0, 4: 5.0}, code="w01018")
    info = point_infos([w.point_a.pk])[w.point_a.pk]
    substituted.on_period(info, Period.HOUR, [(local_midnight(DAY) + 4 * HOUR,
                                               Stats("w01018", "mg/L", "computed", True, 60, 60, 60, mass_kg=5.0))])
    substituted.rebuild([w.point_a.pk], dt.date(2025, 1, 1))

    assert not SubstitutedMass.objects.exists()


def test_it_never_substitutes_hours_under_an_approved_stop(park_world, stack):
    """HJ 75-2017: a stopped hour is not missing. A stop over 06:00-09:00 approved after the run was stored:
    the day's recomputation (quality enqueues it) deletes the run; the year is the measured 45 kg."""
    w, policy = park_world, LoadPolicy(park=park_world.park)
    substituted.rebuild([stack.pk], dt.date(2025, 1, 1))
    assert _year(w.enterprise_a, policy).ytd_t == pytest.approx(0.084)
    StopDeclaration.objects.create(enterprise=w.enterprise_a, reason="检修", status=DeclarationStatus.APPROVED,
                                   start=local_midnight(DAY) + 6 * HOUR, end=local_midnight(DAY) + 9 * HOUR)
    info = point_infos([stack.pk])[stack.pk]
    substituted.on_period(info, Period.DAY, [(local_midnight(DAY), Stats(SO2, "mg/m3", "computed", True, 24, 24,
                                                                          24, mass_kg=45.0))])

    assert not SubstitutedMass.objects.filter(point=stack).exists()
    assert _year(w.enterprise_a, policy).ytd_t == pytest.approx(0.045)


def test_it_replaces_the_measured_mass_of_an_invalid_hour_instead_of_adding_to_it(park_world, stack):
    """An invalid hour is substituted (HJ 75-2017), and what the daily mass already holds of it is taken out:
    07:00 invalid with 99 kg (daily 45 + 99 = 144 kg): 06-08 still 3 × 13 = 39 kg, the year 45 + 39 = 84 kg."""
    w, policy = park_world, LoadPolicy(park=park_world.park)
    _hours(stack, {7: 99.0}, valid=False)
    DailyValue.objects.filter(point=stack, parameter=SO2, day=DAY).update(mass_kg=144.0)
    refresh_months([stack.pk], [DAY])
    substituted.rebuild([stack.pk], dt.date(2025, 1, 1))

    (row,) = SubstitutedMass.objects.filter(point=stack)
    assert (row.hours, row.kg, row.replaced_kg) == (3, 39.0, 99.0)
    assert _year(w.enterprise_a, policy).ytd_t == pytest.approx(0.084)


def test_it_shows_the_substituted_share_of_the_totals_and_links_to_the_hours(park_world, stack, as_user):
    """The 39 kg (HJ 75-2017, N = 3: (10 + 16) / 2 × 3) appear as part of the year to date on the park's page and
    on the enterprise's, which links to its list of substituted hours (06:00-08:00 on 31 December 2025)."""
    w = park_world
    substituted.rebuild([stack.pk], dt.date(2025, 1, 1))

    park_page = as_user(w.regulator).get("/loads/?year=2025")
    page = as_user(w.ent_a).get(f"/loads/enterprises/{w.enterprise_a.pk}/?year=2025")

    assert park_page.status_code == 200 and page.status_code == 200
    assert "其中补遗 0.039" in park_page.content.decode()
    text = page.content.decode()
    assert "其中补遗 0.039" in text and "#substituted-hours" in text
    assert "2025-12-31 06:00" in text and "2025-12-31 08:00" in text


def test_it_substitutes_an_open_run_only_when_a_valid_hour_closes_it(park_world):
    """HJ 75-2017 needs the valid hour after the run: 01-02 invalid (5 kg each measured) after a valid 10 kg hour
    store nothing while nothing valid follows; the valid 20 kg hour at 03 closes the run: (10 + 20) / 2 = 15 kg/h,
    replacing the 10 kg the invalid hours measured."""
    point = make_point(park_world.enterprise_a, "AAAA0000000000000000000J", medium="gas")
    info = point_infos([point.pk])[point.pk]
    _hours(point, {0: 10.0})
    _hours(point, {1: 5.0, 2: 5.0}, valid=False)
    start = local_midnight(DAY)
    invalid = [(start + h * HOUR, Stats(SO2, "mg/m3", "computed", False, 60, 60, 0, mass_kg=5.0)) for h in (1, 2)]
    substituted.on_period(info, Period.HOUR, invalid)
    assert not SubstitutedMass.objects.filter(point=point).exists()

    _hours(point, {3: 20.0})
    substituted.on_period(info, Period.HOUR, [(start + 3 * HOUR, Stats(SO2, "mg/m3", "computed", True, 60, 60, 60,
                                                                        mass_kg=20.0))])
    (row,) = SubstitutedMass.objects.filter(point=point)
    assert (row.hours, row.kg_per_hour, row.replaced_kg, row.kg) == (2, 15.0, 10.0, 30.0)
