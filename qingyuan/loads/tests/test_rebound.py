"""Rebound watch: a drifting accepted enterprise is flagged once, with one assignment to its linked unit.

Today is 2026-11-29; A (linked unit: the environmental bureau) was rectified on 2025-10-15, so the
window is Nov 2025 – Oct 2026 (12 complete months after the acceptance month). COD limit 100 mg/L.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads import rebound
from qingyuan.loads.choices import FlagStatus
from qingyuan.loads.models import LoadPolicy, ReboundFlag
from qingyuan.loads.tests.helpers import monthly, permit
from qingyuan.tasks.models import Assignment

pytestmark = pytest.mark.django_db
MONTHS = [dt.date(2025, 11, 1), dt.date(2025, 12, 1)] + [dt.date(2026, m, 1) for m in range(1, 11)]


@pytest.fixture
def accepted(park_world):
    w = park_world
    Enterprise.objects.filter(pk=w.enterprise_a.pk).update(status="rectified", status_since=dt.date(2025, 10, 15))
    permit(w.enterprise_a, {}, outlet=w.point_a.outlet, limits={"w01018": "100"})
    monthly(w.point_a, "w01018", dt.date(2025, 9, 1), mean=95.0)  # before acceptance: ignored
    return w


def test_it_computes_theil_sen_and_mann_kendall_by_hand():
    slope, intercept = rebound.theil_sen([0, 1, 2, 3], [1.0, 3.0, 2.0, 5.0])
    # pair slopes 2, 0.5, 4/3, -1, 1, 3 → median (1 + 4/3) / 2 = 7/6
    assert slope == pytest.approx(7 / 6)
    # residuals y − 7/6·t: 1, 1.8333, −0.3333, 1.5 → median (1 + 1.5) / 2
    assert intercept == pytest.approx(1.25)
    # S for 1, 3, 2, 5: +1 +1 +1 −1 +1 +1 = 4; Var = 4·3·13/18 = 26/3; Z = 3 / √(26/3)
    assert rebound.mann_kendall_z([1.0, 3.0, 2.0, 5.0]) == pytest.approx(3 / (26 / 3) ** 0.5)
    assert rebound.mann_kendall_z([2.0, 2.0, 2.0]) == 0.0


def test_it_flags_a_drifting_series_and_assigns_the_linked_unit_once(accepted):
    w = accepted
    for i, month in enumerate(MONTHS):  # 30, 34, …, 74 mg/L: +4 % of the limit a month
        monthly(w.point_a, "w01018", month, mean=30.0 + 4 * i)

    opened = rebound.run_park(w.park.pk)
    again = rebound.run_park(w.park.pk)

    assert len(opened) == 1 and again == []
    flag = ReboundFlag.objects.get()
    assert (flag.enterprise_id, flag.pollutant_code, flag.status) == (w.enterprise_a.pk, "w01018", FlagStatus.OPEN)
    assert flag.slope_share == pytest.approx(0.04)
    assert flag.level_share == pytest.approx(0.74)
    assert flag.z_score == pytest.approx(65 / (12 * 11 * 29 / 18) ** 0.5)  # S = 66
    assert flag.reasons == ["trend"] and len(flag.series) == 12 and flag.accepted_on == dt.date(2025, 10, 15)
    a = Assignment.objects.get()
    assert (a.assignee_unit_id, a.enterprise_id, a.source_id, a.status) == (w.bureau.pk, w.enterprise_a.pk,
                                                                            str(flag.pk), "issued")
    assert flag.assignment_id == a.pk
    assert AuditEntry.objects.filter(action="loads.rebound_flag").count() == 1


def test_it_does_not_flag_a_flat_series(accepted):
    w = accepted
    for month in MONTHS:
        monthly(w.point_a, "w01018", month, mean=70.0)

    assert rebound.run_park(w.park.pk) == []
    assert not ReboundFlag.objects.exists() and not Assignment.objects.exists()


def test_it_does_not_flag_a_rise_far_below_the_limit(accepted):
    w = accepted
    for i, month in enumerate(MONTHS):  # 10 → 21 mg/L: rising, but the fitted level is 21 % of the limit
        monthly(w.point_a, "w01018", month, mean=10.0 + i)
    assert rebound.run_park(w.park.pk) == []


def test_it_needs_enough_months_after_acceptance(accepted):
    w = accepted
    for i, month in enumerate(MONTHS[-5:]):  # 5 months < 6
        monthly(w.point_a, "w01018", month, mean=50.0 + 10 * i)
    assert rebound.evaluate(w.park.pk) == []


def test_it_watches_only_accepted_enterprises(park_world):
    w = park_world
    permit(w.enterprise_b, {}, outlet=w.point_b.outlet, limits={"w01018": "100"})
    for i, month in enumerate(MONTHS):
        monthly(w.point_b, "w01018", month, mean=30.0 + 4 * i)
    assert rebound.run_park(w.park.pk) == []


def test_it_closes_a_flag_whose_assignment_is_done_once_the_rise_stops(accepted):
    w = accepted
    rows = [monthly(w.point_a, "w01018", month, mean=30.0 + 4 * i) for i, month in enumerate(MONTHS)]
    rebound.run_park(w.park.pk)
    Assignment.objects.update(status="completed")
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(mean=40.0)

    rebound.run_park(w.park.pk)

    assert ReboundFlag.objects.get().status == FlagStatus.CLOSED
    assert Assignment.objects.count() == 1


def test_it_reads_the_thresholds_from_the_park_policy(accepted):
    w = accepted
    LoadPolicy.objects.create(park=w.park, rebound_slope_percent=5)
    for i, month in enumerate(MONTHS):
        monthly(w.point_a, "w01018", month, mean=30.0 + 4 * i)
    assert rebound.run_park(w.park.pk) == []  # 4 % a month < 5 %
