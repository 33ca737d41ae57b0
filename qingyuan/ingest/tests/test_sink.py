"""DjangoSink: the Sink protocol methods besides store."""

import datetime as dt
import time

from qingyuan import hj212
from qingyuan.gateway.sink import InvalidReceived, Sink, Verdict
from qingyuan.ingest.sink import DjangoSink
from qingyuan.monitoring import actions
from qingyuan.monitoring.models import (
    DeviceCommand,
    DeviceSession,
    DeviceState,
    InvalidFrameCount,
    InvalidFrameSample,
    OutboxItem,
    Upstream,
)

from .support import frame, received


def sink() -> Sink:
    return DjangoSink()


def test_it_stores_a_batch_through_store(world):
    outcomes = sink().store([received(frame(world.point_a.mn))])

    assert [o.verdict for o in outcomes] == [Verdict.STORED]


def test_it_records_sessions(world):
    s = sink()
    s.session_opened(42, "10.0.0.1:5000", time.time())
    s.session_mn(42, world.point_a.mn, time.time())
    s.session_closed(42, time.time(), "idle timeout")

    session = DeviceSession.objects.get(connection_id=42)
    assert (session.peer, session.mn, session.point, session.close_reason) == (
        "10.0.0.1:5000", world.point_a.mn, world.point_a, "idle timeout")
    assert session.closed_at is not None


def test_it_closes_only_the_sessions_its_own_earlier_run_left_open_and_rejudges_online(world):
    from qingyuan.test import make_point

    point_c = make_point(world.point_a.outlet.enterprise, "CCCC0000000000000000000C", medium="gas")
    start = time.time()
    hour_ago = dt.datetime.fromtimestamp(start - 3600, dt.UTC)
    minute_ago = dt.datetime.fromtimestamp(start - 60, dt.UTC)
    for cid, gateway, point in ((1, "gw-a", world.point_a), (2, "gw-a", point_c), (3, "gw-b", world.point_b),
                                (4, "", None)):
        DeviceSession.objects.create(connection_id=cid, gateway=gateway, peer="10.0.0.1:1", opened_at=hour_ago,
                                     mn=point.mn if point else "", point=point)
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=hour_ago)  # silent for an hour
    DeviceState.objects.create(point=point_c, online=True, last_seen=minute_ago)  # sent a minute ago
    DeviceState.objects.create(point=world.point_b, online=True, last_seen=hour_ago)  # on the other gateway

    s = sink()
    s.gateway_started("gw-a", start)

    sessions = {x.connection_id: x for x in DeviceSession.objects.all()}
    for cid in (1, 2, 4):  # ours, and the one a gateway without identity (older version) left
        assert sessions[cid].closed_at == dt.datetime.fromtimestamp(start, dt.UTC)
        assert sessions[cid].close_reason.startswith("gateway restarted")
    assert sessions[3].closed_at is None  # gw-b may be running
    states = {x.point_id: x for x in DeviceState.objects.all()}
    assert states[world.point_a.pk].online is False
    assert states[world.point_a.pk].changed_at == dt.datetime.fromtimestamp(start, dt.UTC)
    assert states[point_c.pk].online is True  # a recent packet says it is online (the worker's rule)
    assert states[world.point_b.pk].online is True  # not ours to judge now; the worker does

    s.session_opened(5, "10.0.0.2:2", time.time())
    assert DeviceSession.objects.get(connection_id=5).gateway == "gw-a"
    s.gateway_started("gw-a", time.time() - 10)  # a session opened after the start is never closed
    assert DeviceSession.objects.get(connection_id=5).closed_at is None


def test_it_counts_rejected_frames_per_reason_and_mn_and_keeps_samples(world):
    data = frame(world.point_a.mn)[:-6] + b"FFFF\r\n"
    frames = [InvalidReceived("bad_crc", "crc mismatch", data, "10.0.0.2:1", time.time(), 7) for _ in range(3)]
    frames.append(InvalidReceived("bad_header", "garbage", b"xx", "10.0.0.2:1", time.time(), 7))

    sink().record_invalid(frames)
    sink().record_invalid(frames[:1])

    counts = {(c.reason, c.mn): c.count for c in InvalidFrameCount.objects.all()}
    assert counts == {("bad_crc", world.point_a.mn): 4, ("bad_header", ""): 1}
    assert InvalidFrameSample.objects.count() == 5


def test_it_keeps_only_the_last_samples(db):
    InvalidFrameSample.KEEP, keep = 10, InvalidFrameSample.KEEP
    try:
        sink().record_invalid([InvalidReceived("bad_crc", str(n), b"x", "p", time.time(), 1) for n in range(25)])
        assert InvalidFrameSample.objects.count() == 10
        assert InvalidFrameSample.objects.order_by("-id").first().detail == "24"
    finally:
        InvalidFrameSample.KEEP = keep


def test_it_hands_queued_commands_to_connected_devices_only(world):
    a = actions.do_queue_command(world.point_a, "set_rtd_interval", {"seconds": 60}, acting_user=world.regulator)
    b = actions.do_queue_command(world.point_b, "start_realtime", acting_user=world.regulator)

    claimed = sink().pending_commands([world.point_a.mn], 10)

    assert [c.id for c in claimed] == [a.pk]
    decoder = hj212.Decoder()
    decoder.receive_data(claimed[0].payload)
    packet = decoder.next_event()
    assert (packet.cn, packet.qn, packet.mn, packet.pw, packet.cp.fields["RtdInterval"]) == (
        "1062", a.qn, world.point_a.mn, world.point_a.password, "60")
    assert DeviceCommand.objects.get(pk=a.pk).status == "sent"
    assert DeviceCommand.objects.get(pk=b.pk).status == "queued"
    assert sink().pending_commands([world.point_a.mn], 10) == []


def test_it_sends_the_time_of_sending_in_a_set_time_command(world):
    actions.do_queue_command(world.point_a, "set_time", acting_user=world.regulator)

    (command,) = sink().pending_commands([world.point_a.mn], 10)

    decoder = hj212.Decoder()
    decoder.receive_data(command.payload)
    assert len(decoder.next_event().cp.fields["SystemTime"]) == 14


def test_it_lists_active_upstreams_and_claims_the_outbox(world):
    up = Upstream.objects.create(name="province", host="10.1.1.1", port=9000)
    Upstream.objects.create(name="off", host="10.1.1.2", port=9000, is_active=False)
    s = sink()
    s.store([received(frame(world.point_a.mn, qn=f"2026010112000000{n}")) for n in range(3)])

    assert [(u.name, u.host, u.port) for u in s.upstreams()] == [("province", "10.1.1.1", 9000)]
    first = s.claim_outbox(up.pk, 2)
    assert len(first) == 2 and first[0].payload.startswith(b"##")
    assert [i.id for i in s.claim_outbox(up.pk, 10)] == [OutboxItem.objects.order_by("id").last().pk]

    s.outbox_delivered([first[0].id])
    s.outbox_failed([first[1].id], "connection refused")

    assert [i.id for i in s.claim_outbox(up.pk, 10)] == [first[1].id]
    failed = OutboxItem.objects.get(pk=first[1].id)
    assert failed.attempts == 1 and failed.last_error == "connection refused"
    assert OutboxItem.objects.get(pk=first[0].id).delivered_at is not None
