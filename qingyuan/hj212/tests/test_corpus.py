"""The 4,535 third-party packets: whole, byte by byte, and as one stream."""

from __future__ import annotations

from qingyuan.hj212 import Decoder, InvalidFrame, InvalidReason, Packet

from .support import CORPUS, bytewise, decode, drain, packets, summary

GOOD = [row["packet"].encode() + b"\r\n" for row in CORPUS if row["crc_ok"]]
BAD = [row["packet"].encode() + b"\r\n" for row in CORPUS if not row["crc_ok"]]


def test_it_decodes_every_corpus_packet_with_a_good_crc_fed_whole() -> None:
    assert len(GOOD) == 4527
    for frame in GOOD:
        events = decode([frame])
        assert len(events) == 1 and isinstance(events[0], Packet), (frame[:80], events)
        assert events[0].raw == frame


def test_it_decodes_every_corpus_packet_fed_one_byte_at_a_time() -> None:
    for frame in GOOD:
        decoder = Decoder()
        events = []
        for byte in bytewise(frame):
            decoder.receive_data(byte)
            events.extend(drain(decoder))
        assert len(events) == 1 and isinstance(events[0], Packet), (frame[:80], events)
        assert events[0].raw == frame


def test_it_decodes_the_whole_corpus_as_one_concatenated_stream() -> None:
    stream = b"".join(row["packet"].encode() + b"\r\n" for row in CORPUS)
    events = decode([stream])
    got = packets(events)
    assert [p.raw for p in got] == GOOD
    rejected = [e for e in events if isinstance(e, InvalidFrame)]
    assert [e.data for e in rejected] == BAD
    assert {e.reason for e in rejected} == {InvalidReason.BAD_CRC, InvalidReason.BAD_LENGTH}


def test_it_gives_the_same_events_for_the_stream_in_uneven_chunks() -> None:
    stream = b"".join(row["packet"].encode() + b"\r\n" for row in CORPUS[:600])
    sizes = [1, 7, 64, 3, 1500, 2, 333]
    chunks, k, j = [], 0, 0
    while k < len(stream):
        chunks.append(stream[k : k + sizes[j % len(sizes)]])
        k += sizes[j % len(sizes)]
        j += 1
    assert summary(decode(chunks)) == summary(decode([stream]))


def test_it_flags_the_modbus_le_captures_as_bad_crc_with_a_hint() -> None:
    rx = [f for f in BAD if f.startswith((b"##0868", b"##1025", b"##1623"))]
    assert len(rx) == 3
    for frame in rx:
        (event,) = decode([frame])
        assert isinstance(event, InvalidFrame)
        assert event.reason is InvalidReason.BAD_CRC
        assert event.crc_would_match is not None and event.crc_would_match.name == "MODBUS_LE"
