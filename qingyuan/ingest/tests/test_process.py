"""process_packets: what a batch writes, and what it refuses to."""

import datetime as dt

import pytest
from django.db import transaction

from qingyuan.gateway.sink import Verdict
from qingyuan.ingest.process import process_packets
from qingyuan.monitoring.choices import CommandStatus, ReadingKind
from qingyuan.monitoring.models import (
    DeviceCommand,
    DeviceState,
    OutboxItem,
    Quarantine,
    RawPacket,
    Reading,
    Upstream,
)

from .support import frame, received

MINUTE_CP = ("DataTime=20260101120000;w01018-Avg=40.1,w01018-Min=38.0,w01018-Max=42.5,w01018-Cou=1.2,"
             "w01018-Flag=N;w21003-Avg=2.5,w21003-Flag=N;w00000-Avg=12.0,w00000-Cou=7200.0,w00000-Flag=N")


def verdicts(outcomes):
    return [o.verdict for o in outcomes]


def test_it_stores_readings_raw_packet_and_device_state(world):
    mn = world.point_a.mn
    item = received(frame(mn, qn="20260101120501001", cp=MINUTE_CP), peer="10.1.2.3:4000")

    outcomes = process_packets([item])

    assert verdicts(outcomes) == [Verdict.STORED]
    rows = {r.parameter: r for r in Reading.objects.filter(point=world.point_a)}
    assert set(rows) == {"w01018", "w21003", "w00000"}
    cod = rows["w01018"]
    assert (cod.kind, cod.avg, cod.min, cod.max, cod.cou, cod.flag) == (ReadingKind.MINUTE, 40.1, 38.0, 42.5, 1.2, "N")
    # DataTime 2026-01-01 12:00:00 is Shanghai time: 04:00 UTC.
    assert cod.time == dt.datetime(2026, 1, 1, 4, 0, tzinfo=dt.UTC)
    raw = RawPacket.objects.get()
    assert (raw.point_id, raw.mn, raw.cn, raw.qn, raw.peer, raw.verdict) == (
        world.point_a.pk, mn, "2051", "20260101120501001", "10.1.2.3:4000", "stored")
    assert raw.text.startswith("##") and "w01018-Avg=40.1" in raw.text
    assert raw.data_time == cod.time
    state = DeviceState.objects.get(point=world.point_a)
    assert state.online and state.packets_today == 1 and state.packets_total == 1
    assert state.last_cn == "2051" and state.last_peer == "10.1.2.3:4000"
    assert state.last_data_time == cod.time


def test_it_reports_a_retransmission_as_duplicate_and_changes_nothing(world):
    data = frame(world.point_a.mn, qn="20260101120501002", cp=MINUTE_CP)
    assert verdicts(process_packets([received(data)])) == [Verdict.STORED]
    before = list(Reading.objects.values_list("parameter", "avg", "time").order_by("parameter"))

    outcomes = process_packets([received(data), received(data)])

    assert verdicts(outcomes) == [Verdict.DUPLICATE, Verdict.DUPLICATE]
    assert list(Reading.objects.values_list("parameter", "avg", "time").order_by("parameter")) == before
    assert RawPacket.objects.count() == 1
    assert RawPacket.objects.get().duplicates == 1
    assert DeviceState.objects.get(point=world.point_a).packets_total == 1


def test_it_stores_a_packet_once_when_it_is_twice_in_one_batch(world):
    data = frame(world.point_a.mn, qn="20260101120501003", cp=MINUTE_CP)

    assert verdicts(process_packets([received(data), received(data)])) == [Verdict.STORED, Verdict.DUPLICATE]
    assert RawPacket.objects.count() == 1 and Reading.objects.count() == 3


def test_it_quarantines_an_unknown_mn_and_ingests_nothing(world):
    outcomes = process_packets([received(frame("UNKNOWN00000000000000001", cp=MINUTE_CP), peer="10.9.9.9:1")])

    assert verdicts(outcomes) == [Verdict.QUARANTINED]
    q = Quarantine.objects.get()
    assert (q.mn, q.reason, q.peer, q.count, q.resolved) == ("UNKNOWN00000000000000001", "unknown_mn", "10.9.9.9:1", 1, False)
    assert "w01018-Avg=40.1" in q.text
    assert not Reading.objects.exists() and not RawPacket.objects.exists() and not DeviceState.objects.exists()


def test_it_quarantines_a_wrong_password_and_ingests_nothing(world):
    outcomes = process_packets([received(frame(world.point_a.mn, pw="999999", cp=MINUTE_CP))])

    assert verdicts(outcomes) == [Verdict.QUARANTINED]
    q = Quarantine.objects.get()
    assert (q.mn, q.reason, q.pw_given) == (world.point_a.mn, "wrong_pw", "999999")
    assert not Reading.objects.exists() and not RawPacket.objects.exists()


def test_it_counts_repeated_refusals_on_one_open_quarantine_entry(world):
    process_packets([received(frame("UNKNOWN00000000000000001")) for _ in range(3)])
    process_packets([received(frame("UNKNOWN00000000000000001"))])

    assert list(Quarantine.objects.values_list("mn", "count")) == [("UNKNOWN00000000000000001", 4)]


def test_it_records_9011_and_9012_on_the_command(world):
    point = world.point_a
    command = DeviceCommand.objects.create(point=point, kind="set_time", cn="1012", qn="20260101120000123",
                                           status=CommandStatus.SENT)
    reply = dict(cp="QnRtn=1", st="91", flag=4, qn=command.qn)
    assert verdicts(process_packets([received(frame(point.mn, cn="9011", **reply))])) == [Verdict.STORED]
    command.refresh_from_db()
    assert (command.status, command.qn_rtn) == (CommandStatus.ACKNOWLEDGED, "1")

    done = dict(cp="ExeRtn=1", st="91", flag=4, qn=command.qn)
    process_packets([received(frame(point.mn, cn="9012", **done))])

    command.refresh_from_db()
    assert (command.status, command.exe_rtn) == (CommandStatus.DONE, "1")
    assert command.acknowledged_at and command.finished_at
    assert list(RawPacket.objects.values_list("cn", flat=True).order_by("id")) == ["9011", "9012"]


def test_it_fails_a_command_the_device_refuses(world):
    command = DeviceCommand.objects.create(point=world.point_a, kind="set_rtd_interval", cn="1062",
                                           qn="20260101120000124", status=CommandStatus.SENT, params={"seconds": 60})
    process_packets([received(frame(world.point_a.mn, cn="9011", cp="QnRtn=2", st="91", flag=4, qn=command.qn))])

    command.refresh_from_db()
    assert command.status == CommandStatus.FAILED and command.error == "QnRtn=2"


def test_it_writes_outbox_rows_for_matching_upstreams(world):
    province = Upstream.objects.create(name="province", host="127.0.0.1", port=1, mn_patterns="*")
    city = Upstream.objects.create(name="city", host="127.0.0.1", port=2, mn_patterns="BBBB*")
    Upstream.objects.create(name="off", host="127.0.0.1", port=3, is_active=False)
    data = frame(world.point_a.mn, cp=MINUTE_CP)
    other = frame(world.point_b.mn, cp=MINUTE_CP)

    process_packets([received(data), received(other)])

    rows = sorted((o.upstream_id, o.mn, bytes(o.payload)) for o in OutboxItem.objects.all())
    assert rows == sorted([(province.pk, world.point_a.mn, data), (province.pk, world.point_b.mn, other),
                           (city.pk, world.point_b.mn, other)])


def test_it_writes_the_outbox_in_the_transaction_that_stores_the_packet(world):
    Upstream.objects.create(name="province", host="127.0.0.1", port=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        process_packets([received(frame(world.point_a.mn, cp=MINUTE_CP))])
        assert OutboxItem.objects.count() == 1
        raise RuntimeError("the batch fails after the insert")

    assert not OutboxItem.objects.exists() and not RawPacket.objects.exists() and not Reading.objects.exists()


def test_it_forwards_only_uploads(world):
    Upstream.objects.create(name="province", host="127.0.0.1", port=1)
    process_packets([received(frame(world.point_a.mn, cn="9011", cp="QnRtn=1", st="91", flag=4))])

    assert not OutboxItem.objects.exists()


def test_it_stores_sub_packet_data(world):
    mn = world.point_a.mn
    first = frame(mn, qn="20260101120000201", flag=7, pnum=2, pno=1,
                  cp="DataTime=20260101120000;w01018-Avg=40.1,w01018-Flag=N")
    second = frame(mn, qn="20260101120000202", flag=7, pnum=2, pno=2,
                   cp="DataTime=20260101120000;w21003-Avg=2.5,w21003-Flag=N")

    assert verdicts(process_packets([received(first)])) == [Verdict.STORED]
    assert verdicts(process_packets([received(second)])) == [Verdict.STORED]

    assert dict(Reading.objects.values_list("parameter", "avg")) == {"w01018": 40.1, "w21003": 2.5}
    assert sorted(RawPacket.objects.values_list("pno", "pnum")) == [(1, 2), (2, 2)]


def test_it_takes_a_missing_data_time_from_the_other_sub_packets(world):
    mn = world.point_a.mn
    first = frame(mn, qn="20260101120000211", flag=7, pnum=2, pno=1,
                  cp="DataTime=20260101120000;w01018-Avg=40.1")
    second = frame(mn, qn="20260101120000212", flag=7, pnum=2, pno=2, cp="w21003-Avg=2.5")
    process_packets([received(first)])

    assert verdicts(process_packets([received(second)])) == [Verdict.STORED]
    assert set(Reading.objects.values_list("time", flat=True)) == {dt.datetime(2026, 1, 1, 4, tzinfo=dt.UTC)}


def test_it_stores_a_2005_packet_under_2017_codes(world):
    old = frame(world.point_a.mn, qn=None, flag=None, cp="DataTime=20260101120000;011-Avg=55.5,011-Flag=N;060-Avg=3.3")

    assert verdicts(process_packets([received(old)])) == [Verdict.STORED]
    assert dict(Reading.objects.values_list("parameter", "avg")) == {"w01018": 55.5, "w21003": 3.3}
    # Without a QN, the DataTime identifies the packet: the same packet again is a duplicate.
    assert verdicts(process_packets([received(old)])) == [Verdict.DUPLICATE]


def test_it_rejects_an_upload_without_data_time_and_keeps_it_as_evidence(world):
    data = frame(world.point_a.mn, cp="w01018-Avg=40.1")

    outcomes = process_packets([received(data)])

    assert verdicts(outcomes) == [Verdict.REJECTED]
    raw = RawPacket.objects.get()
    assert (raw.verdict, raw.dedup_key) == ("rejected", None)
    assert not Reading.objects.exists()
    # ... and its retransmission is judged again, not acknowledged as a duplicate.
    assert verdicts(process_packets([received(data)])) == [Verdict.REJECTED]


def test_it_rejects_a_packet_without_mn(db):
    outcomes = process_packets([received(frame(None))])  # type: ignore[arg-type]

    assert verdicts(outcomes) == [Verdict.REJECTED] and not RawPacket.objects.exists()


def test_it_records_tolerances_and_warnings_of_the_packet(world):
    data = frame(world.point_a.mn, cp=MINUTE_CP, length_mode="plus6")

    process_packets([received(data)])

    result = RawPacket.objects.get().result
    assert "length_plus_6" in result["tolerances"]
    assert any("declared length" in w for w in result["warnings"])


def test_it_updates_a_reading_sent_again_with_a_new_qn(world):
    mn = world.point_a.mn
    process_packets([received(frame(mn, qn="20260101121000001", cp="DataTime=20260101120000;w01018-Avg=40.1"))])
    process_packets([received(frame(mn, qn="20260101121000002", cp="DataTime=20260101120000;w01018-Avg=41.0"))])

    assert list(Reading.objects.values_list("avg", flat=True)) == [41.0]


def test_it_costs_a_fixed_number_of_queries_for_a_large_batch(world, django_assert_max_num_queries):
    Upstream.objects.create(name="province", host="127.0.0.1", port=1)
    batch = []
    for n in range(300):
        point = world.point_a if n % 2 else world.point_b
        minute = f"{n % 60:02d}"
        batch.append(received(frame(point.mn, qn=f"2026010112{minute}00{n:03d}",
                                    cp=f"DataTime=2026010112{minute}00;w01018-Avg={n}.5;w21003-Avg=1.{n}")))

    with django_assert_max_num_queries(12):
        outcomes = process_packets(batch)

    assert set(verdicts(outcomes)) == {Verdict.STORED}
    assert RawPacket.objects.count() == 300 and OutboxItem.objects.count() == 300
    assert Reading.objects.count() == 120  # 60 distinct (point, minute) pairs x 2 parameters
