"""Framing state machine: resync, stalls, EOF, bounded buffer, errors."""

from __future__ import annotations

import pytest

from qingyuan.hj212 import (
    NEED_DATA,
    Decoder,
    InvalidFrame,
    InvalidReason,
    Packet,
    ProtocolError,
    build_packet,
)

from .support import bytewise, decode, drain, summary

A = build_packet(st="32", cn="2011", pw="123456", mn="MN0001", qn="20240101000000001", flag=5,
                 cp={"DataTime": "20240101000000", "w01018-Rtd": "12.5", "w01018-Flag": "N"})
B = build_packet(st="31", cn="2051", pw="123456", mn="MN0002", qn="20240101000000002", flag=4,
                 cp={"DataTime": "20240101000000", "a21026-Avg": "3.5", "a21026-Flag": "N"})


def _data(event: Packet | InvalidFrame) -> bytes:
    assert isinstance(event, InvalidFrame), event
    return event.data


def _kinds(events: list[Packet | InvalidFrame]) -> list[object]:
    return [e.reason if isinstance(e, InvalidFrame) else Packet for e in events]


def test_it_returns_need_data_until_a_frame_is_complete() -> None:
    decoder = Decoder()
    assert decoder.next_event() is NEED_DATA
    decoder.receive_data(A[:50])
    assert decoder.next_event() is NEED_DATA
    assert decoder.buffer == A[:50]
    decoder.receive_data(A[50:])
    assert isinstance(decoder.next_event(), Packet)
    assert decoder.next_event() is NEED_DATA
    assert decoder.buffer == b""


def test_it_splits_several_packets_in_one_write_and_joins_one_across_writes() -> None:
    stream = A + B + A
    events = decode([stream[:10], stream[10 : len(A) + 5], stream[len(A) + 5 :]])
    assert [e.raw for e in events if isinstance(e, Packet)] == [A, B, A]


def test_it_resyncs_after_garbage_and_reports_it() -> None:
    events = decode([b"\x00\xffGARBAGE#" + A])
    assert _kinds(events) == [InvalidReason.BAD_HEADER, Packet]
    assert _data(events[0]) == b"\x00\xffGARBAGE#"
    assert isinstance(events[0], InvalidFrame) and "garbage" in events[0].detail


def test_it_recovers_from_a_triple_hash() -> None:
    events = decode([b"#" + A])
    assert _kinds(events) == [InvalidReason.BAD_HEADER, Packet]
    assert _data(events[0]) == b"#"


def test_it_does_not_let_a_bogus_9999_length_hold_back_the_next_packet() -> None:
    decoder = Decoder()
    decoder.receive_data(b"##9999QN=1;ST=32" + A)  # no EOF
    events = drain(decoder)
    assert _kinds(events) == [InvalidReason.TRUNCATED, Packet]
    assert _data(events[0]) == b"##9999QN=1;ST=32"


def test_it_drops_a_truncated_frame_when_a_new_one_begins() -> None:
    events = decode([A[:70] + B])
    assert _kinds(events) == [InvalidReason.TRUNCATED, Packet]
    assert isinstance(events[1], Packet) and events[1].raw == B


def test_it_reports_a_frame_cut_by_end_of_stream_as_truncated() -> None:
    (event,) = decode([A[:-3]])
    assert isinstance(event, InvalidFrame) and event.reason is InvalidReason.TRUNCATED
    assert event.data == A[:-3]
    (header,) = decode([b"##01"])
    assert isinstance(header, InvalidFrame) and header.reason is InvalidReason.TRUNCATED


def test_it_reports_a_missing_crlf_and_keeps_the_next_packet() -> None:
    events = decode([A[:-2] + B])
    assert _kinds(events) == [InvalidReason.MISSING_CRLF, Packet]
    assert _data(events[0]) == A[:-2]


def test_it_reports_a_bad_crc_and_keeps_the_next_packet() -> None:
    broken = A[:-6] + b"0000\r\n"
    events = decode([broken + B])
    assert _kinds(events) == [InvalidReason.BAD_CRC, Packet]
    assert isinstance(events[0], InvalidFrame) and "crc mismatch: got 0000 want" in events[0].detail


def test_it_rejects_a_non_decimal_length_through_to_the_next_header() -> None:
    bad = b"##01x1" + A[6:]
    events = decode([bad + B])
    assert _kinds(events) == [InvalidReason.BAD_HEADER, Packet]
    assert _data(events[0]) == bad


def test_it_rejects_a_frame_without_cp_as_a_bad_header() -> None:
    frame = b"##0011QN=1;ST=32;" + b"%04X\r\n" % 0
    from qingyuan.hj212.encoder import frame as wrap

    (event,) = decode([wrap("QN=1;ST=32;CN=2011")])
    assert isinstance(event, InvalidFrame) and event.reason is InvalidReason.BAD_HEADER
    assert frame  # the hand-made variant above would fail its CRC instead


def test_it_treats_a_hash_header_inside_a_segment_as_a_new_frame() -> None:
    # Documented trade-off: "##" + 4 digits inside a data segment is a resync point.
    frame = build_packet(st="32", cn="3020", pw="1", mn="M", qn=None, flag=4, cp={"i11001-Info": "//code ##1234//"})
    events = decode([frame + B])
    assert _kinds(events)[0] is InvalidReason.TRUNCATED
    assert isinstance(events[-1], Packet) and events[-1].raw == B
    # "##" not followed by four digits is plain text
    ok = build_packet(st="32", cn="3020", pw="1", mn="M", qn=None, flag=4, cp={"i11001-Info": "//## note//"})
    assert _kinds(decode([ok])) == [Packet]


def test_it_gives_the_same_events_whole_and_byte_by_byte_for_a_messy_stream() -> None:
    stream = b"noise" + A[:40] + B + b"##01a1xx" + A[:-2] + B + b"##9999" + A + A[:-6] + b"FFFF\r\n" + b"tail"
    assert summary(decode(bytewise(stream))) == summary(decode([stream]))
    assert len([e for e in decode([stream]) if isinstance(e, Packet)]) == 3


def test_it_raises_protocol_error_for_data_after_eof() -> None:
    decoder = Decoder()
    decoder.receive_data(b"")
    decoder.receive_data(b"")  # a second EOF is harmless
    assert decoder.eof
    with pytest.raises(ProtocolError):
        decoder.receive_data(A)


def test_it_raises_protocol_error_when_the_caller_does_not_drain() -> None:
    decoder = Decoder(max_buffer=4096)
    with pytest.raises(ProtocolError):
        for _ in range(100):
            decoder.receive_data(A)
    assert isinstance(decoder.next_event(), Packet)


def test_it_raises_protocol_error_for_non_bytes() -> None:
    with pytest.raises(ProtocolError):
        Decoder().receive_data("##0101")  # type: ignore[arg-type]


def test_it_bounds_garbage_without_any_header() -> None:
    # Garbage is dropped as it comes and reported once, when its run ends.
    decoder = Decoder(max_segment=100)
    decoder.receive_data(b"x" * 1000)
    assert drain(decoder) == []
    assert len(decoder.buffer) < 113
    assert decoder.pending_garbage + len(decoder.buffer) == 1000
    decoder.receive_data(b"")
    (event,) = drain(decoder)
    assert isinstance(event, InvalidFrame) and event.count == 1000 and event.data == b"x" * 1000


def test_it_bounds_a_frame_that_never_verifies() -> None:
    decoder = Decoder(max_segment=200)
    decoder.receive_data(b"##0010" + b"y" * 5000)
    assert drain(decoder) == []
    assert len(decoder.buffer) <= 212
    decoder.receive_data(A)
    events = drain(decoder)
    assert _kinds(events) == [InvalidReason.MISSING_CRLF, Packet]
    assert isinstance(events[0], InvalidFrame) and events[0].count == 5006


def test_it_keeps_emitting_need_data_after_eof_once_drained() -> None:
    decoder = Decoder()
    decoder.receive_data(A)
    decoder.receive_data(b"")
    assert isinstance(decoder.next_event(), Packet)
    assert decoder.next_event() is NEED_DATA
    assert decoder.next_event() is NEED_DATA
