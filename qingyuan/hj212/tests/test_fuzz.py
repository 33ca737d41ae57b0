"""Property tests: round trip, the fuzz invariant, resynchronisation."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingyuan.hj212 import NEED_DATA, Decoder, InvalidFrame, Packet, ProtocolError, Tolerance, build_packet

from .support import CORPUS, decode, summary

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KNOWN = {"QN", "ST", "CN", "PW", "MN", "FLAG", "PNUM", "PNO", "CP"}
SUFFIXES = ["Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "Flag", "EFlag", "SampleTime", "SN", "ValidNum"]
INFO_CHARS = st.characters(
    exclude_categories=["Cs"], exclude_characters="/&#\r\n", min_codepoint=32
) | st.sampled_from("清洗管路完成故障维护 ;,=")

numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda x: f"{x:.3f}"),
    st.integers(-10**6, 10**6).map(str),
)
codes = st.sampled_from(["w01018", "w00000", "a21026", "a34013", "001", "B01", "e10101", "LA"])
cp_items = st.one_of(
    st.tuples(codes, st.sampled_from(SUFFIXES), st.one_of(numbers, st.sampled_from("NFMSDCTB"))).map(
        lambda t: (f"{t[0]}-{t[1]}", t[2])
    ),
    st.tuples(st.sampled_from(["i11001", "i21001"]), st.text(INFO_CHARS, max_size=40)).map(
        lambda t: (f"{t[0]}-Info", f"//{t[1].strip()}//")
    ),
    st.tuples(st.sampled_from(["DataTime", "PolId", "SystemTime"]), st.text(ALNUM, min_size=1, max_size=17)),
)
headers = st.fixed_dictionaries(
    {
        "st": st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
        "cn": st.text("0123456789", min_size=4, max_size=4),
        "pw": st.text(ALNUM, min_size=1, max_size=24),
        "mn": st.text(ALNUM, min_size=1, max_size=24),
        "qn": st.none() | st.text("0123456789", min_size=13, max_size=17),
        "flag": st.none() | st.integers(0, 255),
        "pnum": st.none() | st.integers(1, 9999),
        "pno": st.none() | st.integers(1, 9999),
        "extra_headers": st.dictionaries(
            st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4).filter(lambda k: k.upper() not in KNOWN),
            st.text(ALNUM, min_size=1, max_size=8),
            max_size=2,
        ),
    }
)


@SETTINGS
@given(
    headers,
    st.lists(cp_items, max_size=25).map(dict),
    st.sampled_from(["bytes", "chars", "plus6"]),
    st.booleans(),
)
def test_it_round_trips_built_packets(h: dict[str, Any], cp: dict[str, str], length_mode: str, lower: bool) -> None:
    frame = build_packet(cp=cp, length_mode=length_mode, lowercase_crc=lower, **h)  # type: ignore[arg-type]
    decoder = Decoder()
    decoder.receive_data(frame)  # no EOF: every variant must decode without waiting
    packet = decoder.next_event()
    assert isinstance(packet, Packet), (frame, packet)
    assert packet.raw == frame
    assert (packet.st, packet.cn, packet.pw, packet.mn, packet.qn) == (h["st"], h["cn"], h["pw"], h["mn"], h["qn"])
    assert (packet.flag, packet.pnum, packet.pno) == (h["flag"], h["pnum"], h["pno"])
    assert packet.extra_headers == h["extra_headers"]
    assert packet.cp.fields == cp
    for key, value in cp.items():
        if key.endswith("-Info"):
            code = packet.cp.params
            assert any(p.info == value[2:-2] for p in code.values())
    segment_bytes = len(packet.segment.encode())
    if length_mode == "plus6":
        assert Tolerance.LENGTH_PLUS_6 in packet.tolerances
    elif length_mode == "chars" and segment_bytes != len(packet.segment):
        assert Tolerance.CHAR_COUNT_LENGTH in packet.tolerances
    assert (Tolerance.LOWERCASE_CRC in packet.tolerances) == (lower and packet.crc != packet.crc.upper())
    assert decoder.next_event() is NEED_DATA


def _events(data: bytes, sizes: list[int]) -> list[Packet | InvalidFrame]:
    chunks, k = [], 0
    for size in sizes or [len(data) or 1]:
        chunks.append(data[k : k + size])
        k += size
    chunks.append(data[k:])
    return decode([c for c in chunks if c])


def _check_invariants(data: bytes, sizes: list[int]) -> list[Packet | InvalidFrame]:
    try:
        events = _events(data, sizes)
    except ProtocolError:
        return []
    assert all(isinstance(e, Packet | InvalidFrame) for e in events)
    # every byte is accounted for exactly once, in order
    assert b"".join(e.raw if isinstance(e, Packet) else e.data for e in events) == data
    # and the chunking does not change the events
    assert summary(events) == summary(decode([data]))
    return events


@SETTINGS
@given(st.binary(max_size=600), st.lists(st.integers(1, 50), max_size=30))
def test_it_only_yields_events_for_arbitrary_bytes(data: bytes, sizes: list[int]) -> None:
    _check_invariants(data, sizes)


hashy = st.lists(st.sampled_from([b"##", b"#", b"0", b"1", b"9", b"&&", b"\r\n", b"CP=&&", b";", b"A", b"F"]),
                 max_size=80).map(b"".join)


@SETTINGS
@given(hashy, st.lists(st.integers(1, 50), max_size=30))
def test_it_only_yields_events_for_frame_like_noise(data: bytes, sizes: list[int]) -> None:
    _check_invariants(b"##0010" + data, sizes)


POOL = [row["packet"].encode() + b"\r\n" for row in CORPUS[::450] if row["crc_ok"]]


@SETTINGS
@given(
    st.lists(
        st.tuples(st.sampled_from(POOL), st.binary(max_size=40) | hashy, st.none() | st.tuples(st.integers(0, 2000), st.binary(max_size=3))),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.integers(1, 300), max_size=40),
)
def test_it_recovers_every_intact_packet_around_garbage_and_corruption(
    parts: list[tuple[bytes, bytes, tuple[int, bytes] | None]], sizes: list[int]
) -> None:
    stream, intact = b"", []
    for frame, garbage, corruption in parts:
        if corruption is not None:
            at, junk = corruption
            at %= len(frame)
            frame = frame[:at] + junk + frame[at + 1 :]
        else:
            intact.append(frame)
        stream += garbage + frame
    events = _check_invariants(stream, sizes)
    got = [e.raw for e in events if isinstance(e, Packet)]
    remaining = iter(got)
    assert all(any(frame == raw for raw in remaining) for frame in intact), (intact, got)
