"""Every vector of shared/hj212/vectors.jsonl (copied to tests/data)."""

from __future__ import annotations

from typing import Any

import pytest

from qingyuan.hj212 import InvalidFrame, InvalidReason, Packet, Tolerance, crc16

from .support import VECTORS, bytewise, decode, summary

VALID = [v for v in VECTORS if v["valid"]]
INVALID = [v for v in VECTORS if not v["valid"]]

# The vectors' error strings, mapped to the decoder's reasons.
ERRORS = {
    "length mismatch": InvalidReason.BAD_LENGTH,
    "crc mismatch": InvalidReason.BAD_CRC,
    "crc not hex": InvalidReason.BAD_CRC,
    "truncated": InvalidReason.TRUNCATED,
    "bad length field": InvalidReason.BAD_HEADER,
    "missing ##": InvalidReason.BAD_HEADER,
    "structure: no CP=&&...&&": InvalidReason.UNCLOSED_CP,
}


def _reason(error: str) -> InvalidReason:
    return next(reason for prefix, reason in ERRORS.items() if error.startswith(prefix))


def _ident(v: dict[str, Any]) -> str:
    return f"{VECTORS.index(v)}-{'-'.join(v['tags'][:3])}"


def _length_tolerated(v: dict[str, Any]) -> bool:
    """Invalid only by its length field: CRC and CR LF verify (docs/hj212.md, "Decisions")."""
    raw = v["packet"].encode()
    segment, crc, length = raw[6:-4], raw[-4:], raw[2:6]
    if not (raw.startswith(b"##") and length.isdigit()) or crc.upper() != b"%04X" % crc16(segment):
        return False
    return int(length) != len(segment)


def _frame(v: dict[str, Any]) -> bytes:
    return str(v["packet"]).encode() + b"\r\n"


@pytest.mark.parametrize("v", VALID, ids=_ident)
def test_it_parses_each_valid_vector_to_its_expected_fields(v: dict[str, Any]) -> None:
    events = decode([_frame(v)])
    assert len(events) == 1
    packet = events[0]
    assert isinstance(packet, Packet), packet
    expected = v["expected"]
    assert packet.qn == expected.get("QN")
    assert packet.st == expected.get("ST")
    assert packet.cn == expected.get("CN")
    assert packet.pw == expected.get("PW")
    assert packet.mn == expected.get("MN")
    assert packet.flag == (int(expected["Flag"]) if "Flag" in expected else None)
    assert packet.pnum == (int(expected["PNUM"]) if "PNUM" in expected else None)
    assert packet.pno == (int(expected["PNO"]) if "PNO" in expected else None)
    assert packet.cp.fields == expected["CP"]
    assert packet.length == expected["length"]
    assert packet.crc.upper() == expected["crc"]
    assert packet.raw == _frame(v)
    decoded = expected.get("Flag_decoded", {"version_bits": 0, "D": 0, "A": 0})
    assert packet.version == decoded["version_bits"]
    assert packet.split is bool(decoded["D"])
    assert packet.ack_requested is bool(decoded["A"])


@pytest.mark.parametrize("v", VALID, ids=_ident)
def test_it_records_only_the_tolerances_a_valid_vector_needs(v: dict[str, Any]) -> None:
    (packet,) = decode([_frame(v)])
    assert isinstance(packet, Packet)
    expected: set[Tolerance] = set()
    if packet.crc != v["expected"]["crc"]:
        expected.add(Tolerance.LOWERCASE_CRC)
    if v["expected"]["length"] > 1024:
        expected.add(Tolerance.OVERSIZE_SEGMENT)
    assert packet.tolerances == expected


@pytest.mark.parametrize("v", [v for v in INVALID if not _length_tolerated(v)], ids=_ident)
@pytest.mark.parametrize("lenient", [True, False])
def test_it_rejects_each_invalid_vector_for_its_stated_reason(v: dict[str, Any], lenient: bool) -> None:
    events = decode([_frame(v)], lenient_length=lenient)
    first = events[0]
    assert isinstance(first, InvalidFrame), first
    error = v["expected"]["error"]
    assert first.reason is _reason(error)
    assert error in first.detail
    assert not any(isinstance(e, Packet) for e in events)
    assert b"".join(e.data for e in events if isinstance(e, InvalidFrame)) == _frame(v)


@pytest.mark.parametrize("v", [v for v in INVALID if _length_tolerated(v)], ids=_ident)
def test_it_rejects_length_only_vectors_when_strict_and_accepts_them_when_lenient(v: dict[str, Any]) -> None:
    # Decision (docs/hj212.md): length off while CRC and CR LF verify is the
    # LENGTH_MISMATCH tolerance; lenient_length=False gives the vectors' rejection.
    (strict,) = decode([_frame(v)], lenient_length=False)
    assert isinstance(strict, InvalidFrame)
    assert strict.reason is InvalidReason.BAD_LENGTH
    (lenient,) = decode([_frame(v)])
    assert isinstance(lenient, Packet)
    assert Tolerance.LENGTH_MISMATCH in lenient.tolerances
    assert lenient.length == int(v["packet"][2:6])
    assert lenient.cn == "1062"


def test_it_matches_the_stated_error_of_length_vectors_fed_exactly_as_printed() -> None:
    # Without the CR LF (as the vector prints it) and then EOF, nothing verifies.
    by_tag = {tag: v for v in INVALID for tag in v["tags"]}
    plus6 = by_tag["len-plus-6"]
    (event,) = decode([plus6["packet"].encode()])
    assert isinstance(event, InvalidFrame)
    assert event.reason is InvalidReason.TRUNCATED
    assert plus6["expected"]["error"] in event.detail


def test_it_accepts_the_len_plus_6_vector_with_its_own_tolerance() -> None:
    plus6 = next(v for v in INVALID if "len-plus-6" in v["tags"])
    (packet,) = decode([_frame(plus6)])
    assert isinstance(packet, Packet)
    assert packet.tolerances == {Tolerance.LENGTH_MISMATCH, Tolerance.LENGTH_PLUS_6}
    assert any("declared length 107" in w for w in packet.warnings)


@pytest.mark.parametrize("v", VECTORS, ids=_ident)
def test_it_gives_the_same_events_whole_and_byte_by_byte(v: dict[str, Any]) -> None:
    assert summary(decode(bytewise(_frame(v)))) == summary(decode([_frame(v)]))
