"""Hostile input: garbage runs are one event each and cost the decoder bounded work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingyuan.hj212 import NEED_DATA, Decoder, InvalidFrame, InvalidReason, Packet, build_packet

from .support import bytewise, decode, drain, summary

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MIN_FRAME = 12  # "##" + 4-digit length + CRC + CR LF

A = build_packet(st="32", cn="2011", pw="123456", mn="MN0001", qn="20240101000000001", flag=5,
                 cp={"DataTime": "20240101000000", "w01018-Rtd": "12.5", "w01018-Flag": "N"})

junk = st.binary(min_size=1, max_size=6).map(lambda b: b.replace(b"\r", b"x"))
digits = st.text("0123456789", min_size=1, max_size=12).map(str.encode)
# The pieces a peer stalling the gateway sends: runs of '#', '##' + junk, endless digits,
# length fields claiming nothing or everything. No CR: none of it can end a frame.
pieces = st.one_of(
    st.integers(1, 40).map(lambda k: b"#" * k),
    junk.map(lambda j: b"##" + j),
    digits,
    digits.map(lambda d: b"##" + d),
    st.sampled_from([b"##0000", b"##9999", b"##0010", b"##", b"#", b"&&", b"\n", b"CP=&&", b"ABCD"]),
    junk,
)
hostile = st.lists(pieces, min_size=1, max_size=60).map(b"".join)
# The same with CR LFs and frame endings mixed in: frames may now be rejected one by one.
mixed = st.lists(st.one_of(pieces, st.sampled_from([b"\r\n", b"&&FFFF\r\n", b"##0000FFFF\r\n", A])),
                 min_size=1, max_size=60).map(b"".join)


def _steps(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Count the decoder's decisions (its loop iterations) while a test runs."""
    calls = [0]
    original = Decoder._step

    def counted(self: Decoder):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(self)

    monkeypatch.setattr(Decoder, "_step", counted)
    while True:
        yield calls[0]


def _events_bytewise(data: bytes) -> list[Packet | InvalidFrame]:
    return decode(bytewise(data))


@SETTINGS
@given(hostile)
def test_it_reports_a_hostile_run_as_one_event_whole_and_byte_by_byte(data: bytes) -> None:
    for events in (decode([data]), _events_bytewise(data)):
        assert len(events) == 1, events[:5]
        (event,) = events
        assert isinstance(event, InvalidFrame)
        assert event.count == len(data) and event.data == data


@SETTINGS
@given(hostile)
def test_it_finds_a_valid_packet_after_any_hostile_run(data: bytes) -> None:
    for events in (decode([data + A]), _events_bytewise(data + A)):
        assert [type(e) for e in events] == [InvalidFrame, Packet]
        assert isinstance(events[0], InvalidFrame) and events[0].count == len(data)
        assert isinstance(events[1], Packet) and events[1].raw == A


@SETTINGS
@given(mixed)
def test_it_bounds_the_events_per_input_length_for_mixed_garbage(data: bytes) -> None:
    whole = decode([data])
    assert summary(_events_bytewise(data)) == summary(whole)
    assert len(whole) <= 2 * (len(data) // MIN_FRAME) + 1
    assert len(whole) <= 2 * data.count(b"\r\n") + 1  # every event but a garbage run ends at a CR LF
    assert sum(e.count if isinstance(e, InvalidFrame) else len(e.raw) for e in whole) == len(data)
    for before, after in zip(whole, whole[1:], strict=False):  # runs are never split in two
        assert not (isinstance(before, InvalidFrame) and isinstance(after, InvalidFrame)
                    and not before.data.endswith(b"\r\n") and not after.data.endswith(b"\r\n"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile)
def test_it_takes_a_bounded_number_of_steps_however_long_the_garbage(
    monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    steps = _steps(monkeypatch)
    decoder = Decoder(max_buffer=None)
    decoder.receive_data(data * (65536 // len(data) + 1))  # 64 KiB and more of the same
    decoder.receive_data(b"")
    (event,) = drain(decoder)
    assert isinstance(event, InvalidFrame) and event.count > 65536
    assert next(steps) <= 8  # a decoder trying a frame at every '#' takes tens of thousands


@pytest.mark.parametrize("unit", [b"#", b"##x#", b"##12345678", b"##9999xyz", b"##0000", b"##0000\r\n"])
def test_it_discards_a_mib_of_each_hostile_pattern_in_a_few_steps_per_chunk(
    monkeypatch: pytest.MonkeyPatch, unit: bytes
) -> None:
    steps = _steps(monkeypatch)
    decoder = Decoder()
    stream = (unit * ((1 << 20) // len(unit) + 1))[: 1 << 20]
    chunks = 0
    for start in range(0, len(stream), 4096):
        decoder.receive_data(stream[start : start + 4096])
        chunks += 1
        assert decoder.next_event() is NEED_DATA  # nothing to report while the run lasts
        assert len(decoder.buffer) < 10_011 and decoder.pending_garbage >= start + 4096 - 10_011
    decoder.receive_data(b"")
    (event,) = drain(decoder)
    assert isinstance(event, InvalidFrame) and event.count == 1 << 20 and len(event.data) == 16384
    assert next(steps) <= 4 * chunks


def test_it_keeps_rejecting_frames_that_end_at_a_cr_lf_one_by_one() -> None:
    bad_crc = A[:-6] + b"0000\r\n"
    events = decode([b"###" + bad_crc + b"junk" + bad_crc + A])
    assert [e.reason if isinstance(e, InvalidFrame) else Packet for e in events] == [
        InvalidReason.BAD_HEADER, InvalidReason.BAD_CRC, InvalidReason.BAD_HEADER, InvalidReason.BAD_CRC, Packet,
    ]
    first = events[0]
    assert isinstance(first, InvalidFrame) and first.data == b"###" and first.count == 3  # "#####0101"


def test_it_names_the_start_of_a_run_and_its_total_in_the_detail() -> None:
    (event, packet) = decode([b"noise" + b"#" * 5000 + A])
    assert isinstance(event, InvalidFrame) and isinstance(packet, Packet)
    assert event.reason is InvalidReason.BAD_HEADER
    assert event.detail == "missing ##: 5 bytes of garbage before ##; 5005 bytes discarded in all"
