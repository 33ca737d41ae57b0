"""Worker steps: offline devices, reading partitions, the outbox, unanswered commands."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from qingyuan.monitoring import partitions, worker
from qingyuan.monitoring.models import DeviceCommand, DeviceState, OutboxItem, Reading, Upstream

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_it_marks_a_device_offline_after_three_minute_intervals(world):
    world.point_a.min_interval_min = 10
    world.point_a.save()
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=T0, changed_at=T0)

    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert worker.mark_devices_offline() is False
    assert DeviceState.objects.get(point=world.point_a).online

    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        assert worker.mark_devices_offline() is True
    state = DeviceState.objects.get(point=world.point_a)
    assert not state.online and state.changed_at == T0 + dt.timedelta(minutes=31)


def test_it_waits_at_least_ten_minutes_before_marking_offline(world):
    world.point_a.min_interval_min = 1
    world.point_a.save()
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=T0)

    with time_machine.travel(T0 + dt.timedelta(minutes=9), tick=False):
        worker.mark_devices_offline()
    assert DeviceState.objects.get(point=world.point_a).online
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        worker.mark_devices_offline()
    assert not DeviceState.objects.get(point=world.point_a).online


def test_it_brings_a_device_back_online_with_its_next_packet(world, store):
    DeviceState.objects.create(point=world.point_a, online=False, last_seen=T0, changed_at=T0)

    store(world.point_a, "20260302160000")

    state = DeviceState.objects.get(point=world.point_a)
    assert state.online and state.changed_at > T0


def test_it_runs_the_steps_from_the_worker_command(world, capsys):
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=timezone.now() - dt.timedelta(hours=2))

    call_command("worker", "--once", "--step", "monitoring.offline")

    assert not DeviceState.objects.get(point=world.point_a).online
    assert "worker pass done: 1 item(s)" in capsys.readouterr().out


def test_it_fails_commands_nobody_answered(world):
    sent = DeviceCommand.objects.create(point=world.point_a, kind="start_realtime", cn="2011", qn="1", status="sent",
                                        sent_at=T0)
    fresh = DeviceCommand.objects.create(point=world.point_a, kind="start_realtime", cn="2011", qn="2",
                                         status="sent", sent_at=T0 + dt.timedelta(minutes=4))

    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        assert worker.fail_stale_commands() is True

    sent.refresh_from_db()
    fresh.refresh_from_db()
    assert (sent.status, sent.error) == ("failed", "no answer from the device")
    assert fresh.status == "sent"


def test_it_releases_expired_outbox_claims_and_prunes_delivered_items(world):
    upstream = Upstream.objects.create(name="province", host="127.0.0.1", port=1)
    claimed = OutboxItem.objects.create(upstream=upstream, mn="X", payload=b"x", created_at=T0,
                                        claimed_until=T0 + dt.timedelta(minutes=1), claim_token="abc")
    delivered = OutboxItem.objects.create(upstream=upstream, mn="X", payload=b"y", created_at=T0, delivered_at=T0)

    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):
        assert worker.expire_outbox() is True

    claimed.refresh_from_db()
    assert claimed.claimed_until is None and claimed.claim_token == ""
    assert not OutboxItem.objects.filter(pk=delivered.pk).exists()


def test_it_creates_no_partitions_on_sqlite(db):
    if connection.vendor == "postgresql":
        pytest.skip("this checks the SQLite no-op")
    assert worker.create_partitions() is False


@pytest.mark.postgres
def test_it_creates_reading_partitions_ahead_of_time_on_postgresql(postgresql, world):
    created = partitions.ensure_partitions(dt.date(2031, 5, 17))

    assert created == ["monitoring_reading_p2031_05", "monitoring_reading_p2031_06", "monitoring_reading_p2031_07"]
    assert partitions.ensure_partitions(dt.date(2031, 5, 17)) == []
    Reading.objects.create(point=world.point_a, kind="minute", parameter="w01018", avg=1.0,
                           time=dt.datetime(2031, 6, 30, 16, 30, tzinfo=dt.UTC))  # 2031-07-01 00:30 in Shanghai
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM monitoring_reading")
        assert cursor.fetchall() == [("monitoring_reading_p2031_07",)]


@pytest.mark.postgres
def test_it_moves_rows_from_the_default_partition_into_a_new_month(postgresql, world):
    moment = dt.datetime(2032, 2, 10, 4, tzinfo=dt.UTC)
    Reading.objects.create(point=world.point_a, kind="hour", parameter="w01018", avg=2.0, time=moment)

    partitions.ensure_partitions(dt.date(2032, 2, 1), ahead=0)

    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, avg FROM monitoring_reading")
        assert cursor.fetchall() == [("monitoring_reading_p2032_02", 2.0)]


@pytest.mark.postgres
def test_it_keeps_the_partitioned_table_in_step_with_the_model(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relkind FROM pg_class c WHERE c.relname = 'monitoring_reading'")
        assert cursor.fetchone() == ("p",)  # partitioned
        columns = {c.name: c for c in connection.introspection.get_table_description(cursor, "monitoring_reading")}
    model = {f.column: f for f in Reading._meta.concrete_fields}
    assert set(columns) == set(model)
    for name, field in model.items():
        assert columns[name].null_ok == field.null, name


def test_it_registers_the_worker_steps():
    from qingyuan.core.worker import steps

    names = {s.name for s in steps()}
    assert {"monitoring.offline", "monitoring.partitions", "monitoring.outbox", "monitoring.commands"} <= names
