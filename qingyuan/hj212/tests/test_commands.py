"""Replies and commands: exact bytes against the spec examples, validation, QN."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingyuan.hj212 import (
    CommandError,
    Packet,
    data_ack,
    get_field_info,
    get_min_interval,
    get_rtd_interval,
    get_time,
    new_qn,
    notify_ack,
    set_min_interval,
    set_overtime_recount,
    set_rtd_interval,
    set_time,
    start_facility_status,
    start_realtime,
    stop_realtime,
)

from .support import VECTORS, decode

MN = "010000A8900016F000169DC0"
QN = "20160801085857223"


def _frame(tag_or_index: str | int) -> bytes:
    v = VECTORS[tag_or_index] if isinstance(tag_or_index, int) else next(v for v in VECTORS if tag_or_index in v["tags"])
    return str(v["packet"]).encode() + b"\r\n"


def _decode_one(data: bytes) -> Packet:
    (packet,) = decode([data])
    assert isinstance(packet, Packet), packet
    return packet


def _spec(cn: str, *, st: str = "32", tag: str | None = None) -> bytes:
    """The Appendix C vector for a host->field request ``cn``."""
    v = next(v for v in VECTORS if v["tags"][1] in ("request", "notify") and v["expected"]["CN"] == cn
             and (tag is None or tag in v["tags"]) and v["expected"]["PW"] == "123456")
    return str(v["packet"]).encode() + b"\r\n"


def test_it_acks_the_spec_realtime_upload_with_the_spec_9014_bytes() -> None:
    upload = _decode_one(_frame("A=1"))
    reply = next(v for v in VECTORS if v["tags"] == ["2017", "reply", "9014"])
    assert data_ack(upload) == reply["packet"].encode() + b"\r\n"


def test_it_acks_each_sub_packet_with_its_own_qn() -> None:
    sub = next(v for v in VECTORS if "subpacket" in v["tags"] and "A=1" in v["tags"])
    reply = next(v for v in VECTORS if v["tags"] == ["2017", "reply", "9014", "subpacket"])
    assert data_ack(_decode_one(sub["packet"].encode() + b"\r\n")) == reply["packet"].encode() + b"\r\n"


def test_it_builds_replies_that_decode_back_with_length_and_crc() -> None:
    upload = _decode_one(_frame("A=1"))
    for builder, cn in ((data_ack, "9014"), (notify_ack, "9013")):
        reply = _decode_one(builder(upload))
        assert (reply.st, reply.cn, reply.flag, reply.qn) == ("91", cn, 4, upload.qn)
        assert (reply.pw, reply.mn, reply.cp.raw) == (upload.pw, upload.mn, "")
        assert reply.tolerances == frozenset()


def test_it_uses_the_peers_version_bits_in_replies() -> None:
    flag8 = _decode_one(_frame("flag-8"))
    assert _decode_one(data_ack(flag8)).flag == 8
    old = _decode_one(_frame("2005"))  # no QN, no Flag
    reply = _decode_one(data_ack(old))
    assert reply.flag == 0 and reply.qn is None and reply.mn == old.mn


def test_it_answers_a_1013_time_calibration_request_with_9013() -> None:
    from qingyuan.hj212 import build_packet

    request = _decode_one(build_packet(st="32", cn="1013", pw="123456", mn=MN, qn=QN, flag=5, cp=""))
    reply = _decode_one(notify_ack(request))
    assert (reply.cn, reply.qn, reply.st, reply.flag) == ("9013", QN, "91", 4)


def test_it_builds_the_spec_commands_byte_for_byte() -> None:
    assert set_rtd_interval(MN, "100000", 30, QN) == _frame(0)  # Appendix A, CRC 1C80
    assert set_rtd_interval(MN, "123456", 30, QN) == _spec("1062")
    assert get_time(MN, "123456", QN, "w01018") == _spec("1011")
    assert set_time(MN, "123456", datetime(2016, 8, 1, 8, 58, 57), QN, "w01018") == _spec("1012")
    assert set_time(MN, "123456", (2016, 8, 1, 8, 58, 57), QN, polid="w01018") == _spec("1012")
    assert start_realtime(MN, "123456", QN) == _spec("2011")
    assert stop_realtime(MN, "123456", QN) == _spec("2012")


def test_it_builds_the_other_commands_with_flag_5_and_the_device_st() -> None:
    built = {
        "1061": get_rtd_interval(MN, "1", QN, st="31"),
        "1063": get_min_interval(MN, "1", QN, st="31"),
        "1064": set_min_interval(MN, "1", 10, QN, st="31"),
        "3020": get_field_info(MN, "1", QN, polid="w01018", info_id="i11001", begin=(2016, 8, 1, 0, 0, 0),
                               end=datetime(2016, 8, 2), st="31"),
        "1011": get_time(MN, "1", QN, st="31"),
    }
    for cn, data in built.items():
        packet = _decode_one(data)
        assert (packet.cn, packet.st, packet.flag, packet.qn, packet.mn) == (cn, "31", 5, QN, MN)
    assert _decode_one(built["1064"]).cp.fields == {"MinInterval": "10"}
    assert _decode_one(built["3020"]).cp.fields == {
        "PolId": "w01018", "InfoId": "i11001", "BeginTime": "20160801000000", "EndTime": "20160802000000",
    }
    assert _decode_one(built["1011"]).cp.fields == {}


def test_it_validates_intervals() -> None:
    for seconds in (29, 3601, 0):
        with pytest.raises(CommandError):
            set_rtd_interval(MN, "1", seconds, QN)
    assert set_rtd_interval(MN, "1", 3600, QN)
    for minutes in (7, 0, 60):
        with pytest.raises(CommandError):
            set_min_interval(MN, "1", minutes, QN)
    for minutes in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30):
        assert set_min_interval(MN, "1", minutes, QN)


def test_it_refuses_aware_datetimes_and_impossible_times() -> None:
    with pytest.raises(CommandError):
        set_time(MN, "1", datetime(2024, 1, 1, tzinfo=UTC), QN)
    with pytest.raises(CommandError):
        set_time(MN, "1", (2024, 2, 30, 0, 0, 0), QN)


def test_it_makes_17_digit_qns_from_the_callers_clock() -> None:
    assert new_qn(datetime(2016, 8, 1, 8, 58, 57, 223999)) == "20160801085857223"
    assert len(new_qn(datetime(2024, 12, 31, 23, 59, 59))) == 17


def _reference_frame(segment: str) -> bytes:
    """``##`` + length + segment + CRC by the Appendix A bit loop (independent of ``hj212.crc``)."""
    crc = 0xFFFF
    for byte in segment.encode():
        crc = (crc >> 8) ^ byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return b"##%04d%s%04X\r\n" % (len(segment.encode()), segment.encode(), crc)


def test_it_builds_the_first_connection_commands_1000_and_2021_byte_for_byte() -> None:
    assert set_overtime_recount(MN, "123456", 5, 3, QN) == _spec("1000")  # Table C.1, CRC CAC1
    assert start_facility_status(MN, "123456", QN) == _reference_frame(
        f"QN={QN};ST=32;CN=2021;PW=123456;MN={MN};Flag=5;CP=&&&&")
    packet = _decode_one(set_overtime_recount(MN, "1", 10, 3, QN, st="31", version=2))
    assert (packet.cn, packet.st, packet.flag, packet.cp.fields) == ("1000", "31", 9, {"OverTime": "10", "ReCount": "3"})
    assert _decode_one(start_facility_status(MN, "1", QN, st="31")).st == "31"


def test_it_validates_overtime_and_recount() -> None:
    for over_time, re_count in ((0, 3), (100, 3), (10, 0), (10, 100)):
        with pytest.raises(CommandError):
            set_overtime_recount(MN, "1", over_time, re_count, QN)
    assert set_overtime_recount(MN, "1", 99, 99, QN) and set_overtime_recount(MN, "1", 1, 1, QN)
