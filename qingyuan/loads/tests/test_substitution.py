"""Emission mass of invalid or missing CEMS hours (issue 15 rule 7), by hand.

HJ 75-2017 (data review and processing; the clause text was not checked against the official edition, see
docs/loads-and-sections.md): a run of N ≤ 24 consecutive invalid hours takes the mean of the valid hour before
and the valid hour after; N > 24 takes the largest hourly value of the 720 valid hours before the run.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qingyuan.loads import substituted, substitution, totals
from qingyuan.loads.choices import MissingHours
from qingyuan.loads.models import LoadPolicy
from qingyuan.loads.tests.helpers import daily
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.mass import STOPPED, fill
from qingyuan.quality.models import HourlyValue, StopDeclaration
from qingyuan.test import make_point

DAY = dt.date(2026, 3, 2)


def test_it_fills_a_short_run_with_the_mean_of_its_neighbours_and_a_long_one_with_the_previous_maximum():
    """HJ 75-2017 (invalid-data periods): N = 2 ≤ 24 → (4 + 6) / 2 = 5 kg/h; N = 30 > 24 → max(2, 4, 6) = 6 kg/h.
    The leading hour (nothing valid before) and the open run at the end (nothing valid after) stay empty."""
    series = [None, 2.0, 4.0, None, None, 6.0, *([None] * 30), 1.0, None, None]

    runs = fill(series)

    assert [(r.hours, r.kg_per_hour, r.rule, r.kg) for r in runs] == [(2, 5.0, "short", 10.0),
                                                                      (30, 6.0, "long", 180.0)]
    assert sum(r.kg for r in runs) == 190.0


def test_it_skips_stopped_hours_and_counts_only_runs_inside_the_period():
    """A stopped hour is not missing: it ends the run and is stepped over to find the neighbours
    (3 and 5 → 4 kg/h for the one missing hour); a run in the look-back (index < 3) is not counted."""
    series = [1.0, None, 3.0, STOPPED, None, STOPPED, 5.0]

    assert [(r.hours, r.kg_per_hour) for r in fill(series, counted_from=3)] == [(1, 4.0)]
    assert [(r.hours, r.kg_per_hour) for r in fill(series)] == [(1, 2.0), (1, 4.0)]


def _hour(point, hour: int, kg: float, *, valid: bool = True) -> None:
    HourlyValue.objects.create(point=point, parameter="a21026", unit="mg/m3", source="computed", valid=valid,
                               start=totals.local_midnight(DAY) + dt.timedelta(hours=hour), n_expected=60,
                               n_received=60, n_valid=60 if valid else 0, mean=50.0, mass_kg=kg,
                               computed_at=timezone.now())


@pytest.fixture
def stack(park_world):
    """SO2 at A's stack on 2 March 2026 (local hours): 00 2 kg, 01 4 kg, 02-03 none, 04 6 kg, 05 invalid (99 kg),
    06-34 none, 35 (3 March 11:00) 1 kg, nothing after. Daily masses: 111 kg (quality's daily mass holds every
    hour with a mass, the invalid 99 kg one too) and 1 kg. The stored runs (what the totals count) are rebuilt."""
    point = make_point(park_world.enterprise_a, "AAAA0000000000000000000G", medium="gas")
    for hour, kg in ((0, 2.0), (1, 4.0), (4, 6.0), (35, 1.0)):
        _hour(point, hour, kg)
    _hour(point, 5, 99.0, valid=False)
    daily(point, "a21026", DAY, kg=111.0)
    daily(point, "a21026", DAY + dt.timedelta(days=1), kg=1.0)
    substituted.rebuild([point.pk], dt.date(2026, 1, 1))
    return point


@pytest.mark.django_db
def test_it_substitutes_the_missing_hours_of_a_stack_and_lists_them_on_the_loads_page(park_world, stack, as_user):
    """HJ 75-2017: 02-03 (N = 2): (4 + 6) / 2 = 5 kg/h → 10 kg; 05 (invalid) to 34 (N = 30): 6 kg/h → 180 kg.
    32 hours, 0.19 t substituted; the year accounts 111 + 1 kg measured + 190 − 99 (the invalid hour replaced)
    = 0.203 t, of which the valid hours measured 0.013 t."""
    w = park_world

    found = substitution.substitutions([stack.pk], dt.date(2026, 1, 1), dt.date(2026, 11, 29), MissingHours.HJ75,
                                       timezone.now())

    assert [(timezone.localtime(r.first).strftime("%m-%d %H"), r.hours, r.kg) for r in found.runs] == [
        ("03-02 02", 2, 10.0), ("03-02 05", 30, 180.0)]
    assert found.kg_by_month("a21026")[2] == 190.0
    loads = totals.enterprise_loads([w.enterprise_a], 2026, dt.date(2026, 11, 29), LoadPolicy(park=w.park))[0]
    shown = substitution.for_enterprise(loads, MissingHours.HJ75, timezone.now())
    (so2,) = shown.pollutants
    assert (so2.hours, so2.substituted_t, so2.measured_t) == (32, pytest.approx(0.19), pytest.approx(0.013))
    assert so2.accounted_t == pytest.approx(0.203)
    page = as_user(w.ent_a).get(f"/loads/enterprises/{w.enterprise_a.pk}/?year=2026")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="substituted-runs"' in text and "2026-03-02 05:00" in text and "2026-03-03 10:00" in text
    assert "0.2030" in text and ">32<" in text and "补遗小时数" in text


@pytest.mark.django_db
def test_it_substitutes_nothing_under_the_no_substitution_policy_or_an_approved_stop(park_world, stack, as_user):
    """The alternative method keeps measured hours only; an approved stop over 05:00-11:00 on 3 March ends the
    long run there: 05 (2 March) to 28 is 24 hours ≤ 24 → mean of 6 and 1 = 3.5 kg/h (HJ 75-2017)."""
    w = park_world
    LoadPolicy.objects.create(park=w.park, missing_hours=MissingHours.NONE)
    assert substitution.substitutions([stack.pk], DAY, DAY, MissingHours.NONE).runs == []
    page = as_user(w.ent_a).get(f"/loads/enterprises/{w.enterprise_a.pk}/?year=2026")
    assert page.status_code == 200 and 'id="substituted-runs"' not in page.content.decode()

    StopDeclaration.objects.create(enterprise=w.enterprise_a, reason="检修", status=DeclarationStatus.APPROVED,
                                   start=totals.local_midnight(DAY) + dt.timedelta(hours=29),
                                   end=totals.local_midnight(DAY) + dt.timedelta(hours=35))
    found = substitution.substitutions([stack.pk], DAY, DAY + dt.timedelta(days=1), MissingHours.HJ75)
    assert [(r.hours, r.kg_per_hour, r.rule) for r in found.runs] == [(2, 5.0, "short"), (24, 3.5, "short")]
