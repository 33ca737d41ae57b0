"""Hourly, daily and monthly values from stored readings: worked examples, idempotence, the queue."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.ingest.process import process_packets
from qingyuan.quality import compute, fetch, pending
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue, PendingPeriod, Touched

from .support import at, packet, permit, readings

DAY = dt.date(2026, 3, 2)
FIELDS = ("parameter", "start", "source", "valid", "n_expected", "n_received", "n_valid", "mean", "mean_arith",
          "mean_fw", "min", "max", "volume_m3", "mass_kg", "cou_reported", "device_mean", "mismatch", "flags")


def _worked_hour(point, start):
    # The worked example of test_aggregate: COD 40 40 60 60 80 80 mg/L, flow 5 5 10 10 20 20 L/s.
    readings(point, "minute", start, "w01018", [40, 40, 60, 60, 80, 80])
    readings(point, "minute", start, "w00000", [5, 5, 10, 10, 20, 20])


def test_it_computes_an_hour_from_minute_data(world):
    _worked_hour(world.point_a, at("2026-03-02 08:00"))
    counts = compute.recompute([world.point_a.pk], DAY, DAY)
    assert counts["hours"] == 2
    cod = HourlyValue.objects.get(point=world.point_a, parameter="w01018")
    assert cod.start == at("2026-03-02 08:00") and cod.source == "computed" and cod.valid
    assert cod.mean_fw == pytest.approx(2880 / 42) and cod.mean_arith == pytest.approx(60)
    assert cod.mean == cod.mean_fw and cod.mass_kg == pytest.approx(2.88) and cod.unit == "mg/L"
    assert (cod.n_expected, cod.n_received, cod.n_valid) == (6, 6, 6)
    flow = HourlyValue.objects.get(point=world.point_a, parameter="w00000")
    assert flow.volume_m3 == pytest.approx(42) and flow.unit == "L/s"


def test_it_gives_the_same_rows_when_run_twice(world):
    _worked_hour(world.point_a, at("2026-03-02 08:00"))
    readings(world.point_a, "hour", at("2026-03-02 08:00"), "w01018", [66.0])
    compute.recompute([world.point_a.pk], DAY, DAY)
    first = {m: list(m.objects.order_by("id").values_list("id", *FIELDS)) for m in (HourlyValue, DailyValue,
                                                                                    MonthlyValue)}
    kpis = list(KpiDaily.objects.order_by("id").values_list("id", "parameter", "expected", "received", "valid"))
    compute.recompute([world.point_a.pk], DAY, DAY)
    for model, rows in first.items():
        assert list(model.objects.order_by("id").values_list("id", *FIELDS)) == rows
    assert list(KpiDaily.objects.order_by("id").values_list("id", "parameter", "expected", "received",
                                                            "valid")) == kpis


def test_it_keeps_the_devices_hour_and_compares_it(world):
    _worked_hour(world.point_a, at("2026-03-02 08:00"))
    readings(world.point_a, "hour", at("2026-03-02 08:00"), "w01018", [30.0])  # far from 68.6 and 60
    compute.recompute([world.point_a.pk], DAY, DAY)
    cod = HourlyValue.objects.get(point=world.point_a, parameter="w01018")
    assert cod.source == "device" and cod.mean == 30.0 and cod.device_mean == 30.0
    assert cod.mean_fw == pytest.approx(2880 / 42) and cod.mismatch is True


def test_it_builds_days_months_and_kpis_from_hours(world):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    start = at("2026-03-02 00:00")
    # 20 hours of COD 50 mg/L at 10 L/s (6 m³ per 10-minute slice, 36 m³ per hour), then nothing.
    readings(world.point_a, "minute", start, "w01018", [50.0] * 120)
    readings(world.point_a, "minute", start, "w00000", [10.0] * 120)
    compute.recompute([world.point_a.pk], DAY, DAY)
    day = DailyValue.objects.get(point=world.point_a, parameter="w01018")
    assert day.day == DAY and day.start == start and day.valid  # 20 valid hours: a valid day
    assert (day.n_expected, day.n_received, day.n_valid) == (24, 20, 20)
    assert day.mean == pytest.approx(50.0) and day.mass_kg == pytest.approx(20 * 50 * 36 / 1000)  # 36 kg
    assert DailyValue.objects.get(point=world.point_a, parameter="w00000").volume_m3 == pytest.approx(720)
    month = MonthlyValue.objects.get(point=world.point_a, parameter="w01018")
    assert month.month == dt.date(2026, 3, 1) and month.mass_kg == pytest.approx(36.0)
    assert (month.n_expected, month.n_valid, month.valid) == (31, 1, False)
    kpi = {k.parameter: (k.expected, k.received, k.valid) for k in KpiDaily.objects.filter(point=world.point_a)}
    assert kpi == {"w01018": (24, 20, 20), "w00000": (24, 20, 20)}


def test_it_invalidates_a_day_with_19_valid_hours(world):
    readings(world.point_a, "minute", at("2026-03-02 00:00"), "w01018", [50.0] * 114)  # 19 hours
    compute.recompute([world.point_a.pk], DAY, DAY)
    assert DailyValue.objects.get(point=world.point_a, parameter="w01018").valid is False


def test_it_queues_what_ingest_committed_and_computes_it_when_due(world, django_capture_on_commit_callbacks):
    with time_machine.travel(at("2026-03-02 09:05"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = process_packets([packet(world.point_a, at("2026-03-02 08:00") + dt.timedelta(minutes=10 * i),
                                               {"w01018": 40.0, "w00000": 5.0}) for i in range(6)])
        assert {o.verdict.value for o in outcomes} == {"stored"}
        touched = Touched.objects.get()
        assert touched.spans() == [(world.point_a.pk, "minute", at("2026-03-02 08:00"), at("2026-03-02 08:50"))]
        assert touched.evaluated_at is not None  # the alarm engine ran on commit
        assert pending.drain_touched() == 1 and not Touched.objects.exists()
        due = PendingPeriod.objects.get()
        assert (due.period, due.start, due.due_at) == ("hour", at("2026-03-02 08:00"), at("2026-03-02 09:10"))
        assert pending.process_due() == 0  # not due before 09:10: the hourly upload may still come
    with time_machine.travel(at("2026-03-02 09:11"), tick=False):
        assert pending.process_due() == 1
        assert HourlyValue.objects.get(parameter="w01018").mean == pytest.approx(40.0)
        day = PendingPeriod.objects.get()
        assert (day.period, day.start, day.due_at) == ("day", at("2026-03-02 00:00"), at("2026-03-03 00:30"))


def test_it_computes_a_late_hour_at_once(world):
    readings(world.point_a, "minute", at("2026-03-01 08:00"), "w01018", [40.0] * 6)
    with time_machine.travel(at("2026-03-02 09:05"), tick=False):
        Touched.objects.create(items=[[world.point_a.pk, "minute", at("2026-03-01 08:00").isoformat(),
                                       at("2026-03-01 08:50").isoformat()]],
                               created_at=at("2026-03-02 09:05"), evaluated_at=at("2026-03-02 09:05"))
        pending.drain_touched()
        assert pending.process_due() == 1  # data a day late: due at once
        assert HourlyValue.objects.filter(start=at("2026-03-01 08:00")).exists()


def test_it_reads_minute_data_with_a_fixed_number_of_queries(world):
    for hour in range(6):
        _worked_hour(world.point_a, at("2026-03-02 00:00") + dt.timedelta(hours=hour))
    info = compute.point_infos([world.point_a.pk])[world.point_a.pk]
    hours = [at("2026-03-02 00:00") + dt.timedelta(hours=h) for h in range(24)]
    with CaptureQueriesContext(connection) as ctx:
        rows = compute.compute_hours(info, hours, compute.quality_settings())
    selects = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    # minute and hourly uploads of one run, the point's checks, and whether a compacted block covers the
    # run's minute data (monitoring.store.has_blocks, issue 16: then its rows come from the block)
    assert len(rows) == 12 and len(selects) == 4


def test_it_groups_minute_records_alike_in_the_database_and_in_python(world):
    """The database's GROUP BY (PostgreSQL's fast path) and Python's grouping (SQLite's) agree."""
    start = at("2026-03-02 08:00")
    readings(world.point_a, "minute", start, "w01018", [40, 41.5, None, -3.0, 60, 0.0, 55, 52, 80, 81, 79, 78],
             flags=["N", "n", "N", "N", "D", "N", "M", "N", "T", "N", "N", "N"])
    readings(world.point_a, "minute", start, "w00000", [5, 5, 0, 10, 10, -1, 8, 8, 8, 9, 9, 9],
             flags=["N", "N", "N", "N", "N", "N", "N", "D", "N", "N", "N", "N"])
    info = compute.point_infos([world.point_a.pk])[world.point_a.pk]
    cfg = compute.quality_settings()
    times = fetch.RawTimes()
    end = start + dt.timedelta(hours=2)
    wanted = {times.key_of(start), times.key_of(start + dt.timedelta(hours=1))}
    in_db = compute._minute_groups(times, [info], start, end, cfg)[info.id]
    in_python = compute._python_groups(times, info, fetch.fetch(times, info.id, "minute", start, end), wanted,
                                       cfg)
    assert len(in_db) >= len(in_python) > 10  # the database groups flags as stored ("n", "N"), Python upper-cased
    db_stats = compute._hours(info, in_db, [], wanted, times, cfg)
    py_stats = compute._hours(info, in_python, [], wanted, times, cfg)
    assert [(t, st.parameter) for t, st in db_stats] == [(t, st.parameter) for t, st in py_stats]
    for (_, a), (_, b) in zip(db_stats, py_stats, strict=True):
        for name in ("valid", "n_expected", "n_received", "n_valid", "flags", "source", "mismatch"):
            assert getattr(a, name) == getattr(b, name), name
        for name in ("mean", "mean_arith", "mean_fw", "min", "max", "volume_m3", "mass_kg", "cou_reported"):
            assert getattr(a, name) == pytest.approx(getattr(b, name)), name


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_same_rows_reading_chunks_ahead_or_in_turn(world):
    """Outside a transaction the bulk recompute reads the next chunk in a second connection (PostgreSQL);
    inside one it reads each chunk in turn. Both store the same rows."""
    from django.db import transaction

    for offset in (0, 8, 16):  # three 7-day chunks
        _worked_hour(world.point_a, at("2026-03-02 08:00") + dt.timedelta(days=offset))
    last = DAY + dt.timedelta(days=20)
    counts = compute.recompute([world.point_a.pk], DAY, last)
    assert counts["hours"] == 6 and counts["days"] == 6
    first = list(HourlyValue.objects.order_by("id").values_list("id", *FIELDS))
    with transaction.atomic():
        assert compute.recompute([world.point_a.pk], DAY, last) == counts
    assert list(HourlyValue.objects.order_by("id").values_list("id", *FIELDS)) == first
