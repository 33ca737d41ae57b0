"""Load totals from daily masses, the projection, alert levels and the park totals, by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.loads import park, totals
from qingyuan.loads.choices import AlertLevel
from qingyuan.loads.models import BaselineLoad, ExcludedPoint, LoadPolicy
from qingyuan.loads.tests.helpers import daily, permit
from qingyuan.plans.models import LoadTarget, ParkPlan
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.models import StopDeclaration

pytestmark = pytest.mark.django_db


def test_it_sums_daily_masses_per_enterprise_and_month(park_world):
    w = park_world
    daily(w.point_a, "w01018", dt.date(2026, 1, 10), kg=120.0)
    daily(w.point_a, "w01018", dt.date(2026, 1, 11), kg=80.0, valid=False)  # invalid days still discharged
    daily(w.point_a, "w01018", dt.date(2026, 2, 1), kg=300.0)
    daily(w.point_a, "w01018", dt.date(2025, 12, 31), kg=999.0)  # last year
    daily(w.point_a, "w21003", dt.date(2026, 2, 1), kg=None)  # no mass (no flow): not counted
    daily(w.point_b, "w01018", dt.date(2026, 1, 10), kg=500.0)  # another enterprise
    inlet = MonitoringPoint.objects.create(park=w.park, outlet=w.point_a.outlet, name="进水口",
                                           mn="AAAA0000000000000000000I", password="1")
    ExcludedPoint.objects.create(point=inlet, reason="污水处理厂进水口")
    daily(inlet, "w01018", dt.date(2026, 1, 10), kg=10_000.0)

    row = totals.enterprise_loads([w.enterprise_a], 2026, dt.date(2026, 2, 28), LoadPolicy(park=w.park))[0]

    cod = row.get("w01018")
    assert cod.months_t[:3] == [pytest.approx(0.2), pytest.approx(0.3), 0.0]
    assert cod.ytd_t == pytest.approx(0.5)
    assert cod.data_days == 3
    assert row.get("w21003").ytd_t == 0.0


def test_it_projects_to_the_year_end_from_the_mean_daily_rate():
    # 0.9 t over 90 days with data up to 31 March (day 90 of 365): 0.01 t/d × 275 days left.
    assert totals.project(0.9, 90, dt.date(2026, 3, 31)) == pytest.approx(0.9 + 2.75)
    assert totals.project(1.2, 100, dt.date(2025, 12, 31)) == pytest.approx(1.2)  # a past year
    assert totals.project(0.0, 0, dt.date(2026, 6, 1)) == 0.0
    assert totals.project(0.366, 366, dt.date(2028, 12, 31)) == pytest.approx(0.366)  # leap year


def test_it_estimates_the_gaps_since_monitoring_began_but_not_declared_stops():
    # 0.8 t over 80 days with data; monitoring from 1 Jan to 31 March is 90 days: 10 days of gaps.
    assert totals.project(0.8, 80, dt.date(2026, 3, 31), dt.date(2026, 1, 1)) == pytest.approx(0.8 + 0.01 * 285)
    # 4 of those days under an approved stop: 6 gaps
    assert totals.project(0.8, 80, dt.date(2026, 3, 31), dt.date(2026, 1, 1), 4) == pytest.approx(0.8 + 0.01 * 281)
    # monitoring began on 22 March with data every day: nothing is known of the days before it
    assert totals.project(0.1, 10, dt.date(2026, 3, 31), dt.date(2026, 3, 22)) == pytest.approx(0.1 + 0.01 * 275)
    # a past year: the gaps are estimated, nothing is left to project
    assert totals.project(3.0, 300, dt.date(2025, 12, 31), dt.date(2025, 1, 1)) == pytest.approx(3.0 + 0.01 * 65)


def test_a_whole_enterprise_stop_declaration_is_not_a_gap(park_world):
    w = park_world
    for day in (1, 2, 9, 10):  # data on 4 days of 1-10 March; stopped 3-5 March (declared and approved)
        daily(w.point_a, "w01018", dt.date(2026, 3, day), kg=100.0)
    StopDeclaration.objects.create(
        enterprise=w.enterprise_a, start=totals.local_midnight(dt.date(2026, 3, 3)),
        end=totals.local_midnight(dt.date(2026, 3, 6)), reason="检修", status=DeclarationStatus.APPROVED)
    StopDeclaration.objects.create(  # rejected: its days stay gaps
        enterprise=w.enterprise_a, start=totals.local_midnight(dt.date(2026, 3, 6)),
        end=totals.local_midnight(dt.date(2026, 3, 7)), reason="-", status=DeclarationStatus.REJECTED)

    row = totals.enterprise_loads([w.enterprise_a], 2026, dt.date(2026, 3, 10), LoadPolicy(park=w.park))[0]

    cod = row.get("w01018")
    assert totals.stopped_days([w.enterprise_a.pk], 2026, dt.date(2026, 3, 10))[w.enterprise_a.pk] == {
        dt.date(2026, 3, 3), dt.date(2026, 3, 4), dt.date(2026, 3, 5)}
    # 10 days, 4 with data, 3 stopped: 3 gaps (6-8 March); 0.1 t/d × (3 + 296 days after 10 March)
    assert cod.ytd_t == pytest.approx(0.4) and cod.projected_t == pytest.approx(0.4 + 0.1 * (3 + 296))


def test_it_levels_the_projection_against_the_quota_shares():
    policy = LoadPolicy(warn_percent=80, alert_percent=100)
    assert totals.level_of(7.99, 10.0, policy) == AlertLevel.OK
    assert totals.level_of(8.0, 10.0, policy) == AlertLevel.WARNING
    assert totals.level_of(9.99, 10.0, policy) == AlertLevel.WARNING
    assert totals.level_of(10.0, 10.0, policy) == AlertLevel.OVER
    assert totals.level_of(5.0, None, policy) == AlertLevel.OK
    assert totals.level_of(0.1, 0.0, policy) == AlertLevel.OVER


def test_it_compares_an_enterprise_with_its_quota_and_projection(park_world):
    w = park_world
    permit(w.enterprise_a, {"w01018": "4"}, outlet=w.point_a.outlet)
    for n in range(90):  # 1 Jan – 31 Mar, 10 kg a day
        daily(w.point_a, "w01018", dt.date(2026, 1, 1) + dt.timedelta(days=n), kg=10.0)

    row = totals.enterprise_loads([w.enterprise_a], 2026, dt.date(2026, 3, 31), LoadPolicy(park=w.park))[0]

    cod = row.get("w01018")
    assert cod.quota_t == 4.0
    assert cod.ytd_t == pytest.approx(0.9)
    assert cod.projected_t == pytest.approx(3.65)
    assert cod.share_projected == pytest.approx(0.9125)
    assert cod.level == AlertLevel.WARNING
    assert cod.month_quota_t(2026, 1) == pytest.approx(4 * 31 / 365)


def test_it_uses_the_permit_in_force_and_sums_its_outlets(park_world):
    w = park_world
    permit(w.enterprise_a, {"w01018": "10"}, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2026, 3, 31))
    newer = permit(w.enterprise_a, {"w01018": "6"}, outlet=w.point_a.outlet, valid_from=dt.date(2026, 4, 1))
    newer.limits.create(pollutant_code="w01018", annual_load_t=Decimal("1.5"), unit="mg/L")  # a second outlet

    assert totals.quotas([w.enterprise_a.pk], 2026, dt.date(2026, 11, 29)) == {w.enterprise_a.pk: {"w01018": 7.5}}
    assert totals.quotas([w.enterprise_a.pk], 2026, dt.date(2026, 2, 1)) == {w.enterprise_a.pk: {"w01018": 10.0}}


def test_it_totals_the_park_against_the_baseline_and_the_target(park_world):
    w = park_world
    plan = ParkPlan.objects.create(park=w.park, title="实施方案", compiled_by="省环科院", status="approved",
                                   start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31))
    LoadTarget.objects.create(park_plan=plan, pollutant_code="w01018", baseline_t=Decimal("10"),
                              target_t=Decimal("9"))
    BaselineLoad.objects.create(enterprise=w.enterprise_a, pollutant_code="w01018", year=2024, load_t=Decimal("6"))
    BaselineLoad.objects.create(enterprise=w.enterprise_b, pollutant_code="w01018", year=2024, load_t=Decimal("4"))
    for n in range(333):  # 1 Jan – 29 Nov 2026: A 20 kg/d, B 5 kg/d
        day = dt.date(2026, 1, 1) + dt.timedelta(days=n)
        daily(w.point_a, "w01018", day, kg=20.0)
        daily(w.point_b, "w01018", day, kg=5.0)
    policy = LoadPolicy(park=w.park)
    rows = totals.enterprise_loads(totals.park_enterprises(w.park.pk), 2026, dt.date(2026, 11, 29), policy)

    cod = next(r for r in totals.park_totals(rows, w.park.pk, 2026) if r.code == "w01018")

    assert cod.ytd_t == pytest.approx(333 * 0.025)           # 8.325 t
    assert cod.projected_t == pytest.approx(365 * 0.025)     # 9.125 t: 0.025 t/d over the whole year
    assert (cod.plan_baseline_t, cod.plan_target_t, cod.baseline_sum_t) == (10.0, 9.0, 10.0)
    assert cod.required_share == pytest.approx(0.10)
    assert cod.projected_change == pytest.approx(-0.0875)    # 8.75 % below the baseline
    assert cod.meets_target is False                          # 9.125 > 9
    assert cod.months_t[1] == pytest.approx(28 * 0.025)


def test_it_counts_a_partial_day_stop_as_zero_only_on_the_days_it_leaves_without_data(park_world):
    """Issue 15 rule 3 (docs/loads-and-sections.md, projection): only days with no data that an approved stop
    covers count as zero; a stop never removes a day with data. Gaps are estimated at the mean daily rate.

    By hand: COD 100 kg on 1 and 2 March 2026; an approved 30-hour stop from 2 March 08:00 to 3 March 14:00.
    As of 4 March: 2 March has data (counted), 3 March none (stopped: zero), 4 March none and no stop (a gap).
    rate = 0.2 t / 2 days = 0.1 t/d; days 1-4 March = 4, data 2, stopped without data 1 → gaps 1;
    days left after 4 March (day 63 of 365) = 302 → projected = 0.2 + 0.1 × (1 + 302) = 30.5 t.
    (Dropping every day the stop touches gave 0 gaps: 30.4 t.)
    """
    w = park_world
    for day in (1, 2):
        daily(w.point_a, "w01018", dt.date(2026, 3, day), kg=100.0)
    StopDeclaration.objects.create(
        enterprise=w.enterprise_a, start=totals.local_midnight(dt.date(2026, 3, 2)) + dt.timedelta(hours=8),
        end=totals.local_midnight(dt.date(2026, 3, 3)) + dt.timedelta(hours=14), reason="检修",
        status=DeclarationStatus.APPROVED)
    as_of = dt.date(2026, 3, 4)

    row = totals.enterprise_loads([w.enterprise_a], 2026, as_of, LoadPolicy(park=w.park))[0]

    cod = row.get("w01018")
    assert cod.data_days == 2
    assert cod.projected_t == pytest.approx(0.2 + 0.1 * (1 + 302))
    assert cod.direct_projected_t == pytest.approx(0.2 + 0.1 * (1 + 302))
    (park_cod,) = park.park_figures(w.park.pk, 2026, as_of, ["w01018"])
    assert park_cod.projected_t == pytest.approx(0.2 + 0.1 * (1 + 302))
