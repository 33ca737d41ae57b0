"""Transmission KPIs with gaps, invalid hours and stop-production periods (hand-counted)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qingyuan.quality import actions, compute, kpi, pending
from qingyuan.quality.models import KpiDaily

from .support import at, pdf, permit, readings

DAY = dt.date(2026, 3, 2)


def _day_with_gaps(point):
    """Hours 00–09 valid, 10–11 instrument fault (flag D), 12–15 nothing, 16–23 data again."""
    start = at("2026-03-02 00:00")
    readings(point, "minute", start, "w01018", [50.0] * 72, flags=["N"] * 60 + ["D"] * 12)  # 00:00–11:50
    readings(point, "minute", start + dt.timedelta(hours=16), "w01018", [50.0] * 48)     # 16:00–23:50


def test_it_counts_expected_received_and_valid_hours(world):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    _day_with_gaps(world.point_a)
    compute.recompute([world.point_a.pk], DAY, DAY)
    row = KpiDaily.objects.get(point=world.point_a, parameter="w01018")
    assert (row.expected, row.received, row.valid, row.excluded) == (24, 20, 18, 0)
    flow = KpiDaily.objects.get(point=world.point_a, parameter="w00000")  # the flow is expected, never sent
    assert (flow.expected, flow.received, flow.valid) == (24, 0, 0)
    counts = kpi.totals(KpiDaily.objects.filter(point=world.point_a, parameter="w01018"))
    assert counts.transmission_rate == pytest.approx(20 / 24)
    assert counts.validity_rate == pytest.approx(18 / 20)
    assert counts.effective_rate == pytest.approx(18 / 24)  # = transmission × validity
    assert counts.effective_rate == pytest.approx(counts.transmission_rate * counts.validity_rate)


def test_it_leaves_declared_stop_periods_out_of_the_expected_count(world):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    _day_with_gaps(world.point_a)
    compute.recompute([world.point_a.pk], DAY, DAY)
    assert KpiDaily.objects.get(point=world.point_a, parameter="w01018").expected == 24
    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        declaration = actions.do_submit_declaration(
            world.enterprise_a, acting_user=world.ent_a, start=at("2026-03-02 16:00"), end=at("2026-03-03 00:00"),
            reason="检修停产", files=[pdf()])
        actions.do_approve_declaration(declaration, acting_user=world.regulator, note="核实无误")
        pending.process_due()  # approval made the covered day pending again
    row = KpiDaily.objects.get(point=world.point_a, parameter="w01018")
    # 16:00–23:00 (8 hours) excluded: expected 16; received 00–11 = 12; valid 00–09 = 10
    assert (row.expected, row.excluded, row.received, row.valid) == (16, 8, 12, 10)
    counts = kpi.totals(KpiDaily.objects.filter(point=world.point_a, parameter="w01018"))
    assert (counts.transmission_rate, counts.validity_rate, counts.effective_rate) == (
        pytest.approx(12 / 16), pytest.approx(10 / 12), pytest.approx(10 / 16))


def test_it_adds_counts_before_dividing(world):
    rows = KpiDaily.objects.bulk_create([
        KpiDaily(point=world.point_a, day=DAY, parameter="w01018", expected=24, received=24, valid=24,
                 computed_at=at("2026-03-03 00:30")),
        KpiDaily(point=world.point_b, day=DAY, parameter="w01018", expected=24, received=12, valid=6,
                 computed_at=at("2026-03-03 00:30")),
    ])
    total = kpi.totals(KpiDaily.objects.filter(pk__in=[r.pk for r in rows]))
    assert (total.expected, total.received, total.valid) == (48, 36, 30)
    assert total.effective_rate == pytest.approx(30 / 48)  # not the mean of 100 % and 25 %
    by_point = kpi.totals_by(KpiDaily.objects.all(), "point_id")
    assert by_point[world.point_b.pk].transmission_rate == pytest.approx(0.5)


def test_it_gives_points_that_sent_nothing_a_kpi_row(world):
    from qingyuan.quality import worker

    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    with time_machine.travel(at("2026-03-03 01:00"), tick=False):
        worker.kpi_days()
        pending.process_due()
    row = KpiDaily.objects.get(point=world.point_a, day=DAY, parameter="w01018")
    assert (row.expected, row.received, row.valid) == (24, 0, 0)
