"""Each tolerance: accepted, recorded on the packet, and streamed without stalling."""

from __future__ import annotations

from qingyuan.hj212 import (
    NEED_DATA,
    CrcMode,
    Decoder,
    InvalidFrame,
    InvalidReason,
    Packet,
    Tolerance,
    build_packet,
)

from .support import bytewise, decode, drain, summary

MN = "010000A8900016F000169DC0"
CHINESE_CP = {"DataTime": "20100301145000", "PolId": "w01018", "i11001-Info": "//清洗管路;完成//"}


def _packet(**kwargs: object) -> bytes:
    args: dict[str, object] = dict(st="32", cn="2011", pw="123456", mn=MN, qn="20160801085857223", flag=4,
                                   cp={"DataTime": "20160801085857", "w01018-Rtd": "2.2", "w01018-Flag": "N"})
    args.update(kwargs)
    return build_packet(**args)  # type: ignore[arg-type]


NEXT = _packet(qn="20160801085857224")


def _only(events: list[Packet | InvalidFrame]) -> Packet:
    assert len(events) == 1 and isinstance(events[0], Packet), events
    return events[0]


def test_it_accepts_a_lowercase_crc() -> None:
    frame = _packet(lowercase_crc=True)
    packet = _only(decode([frame]))
    assert packet.tolerances == {Tolerance.LOWERCASE_CRC}
    assert packet.crc == packet.crc.lower()


def test_it_accepts_a_length_counted_in_characters() -> None:
    frame = _packet(cn="3020", cp=CHINESE_CP, length_mode="chars")
    for lenient in (True, False):
        packet = _only(decode([frame], lenient_length=lenient))
        assert packet.tolerances == {Tolerance.CHAR_COUNT_LENGTH}
        assert packet.length == len(packet.segment) < len(packet.segment.encode())
        assert packet.cp.params["i11001"].info == "清洗管路;完成"
    assert summary(decode(bytewise(frame + NEXT))) == summary(decode([frame + NEXT]))
    assert [type(e) for e in decode([frame + NEXT])] == [Packet, Packet]


def test_it_accepts_length_plus_6_as_soon_as_the_crc_and_crlf_verify() -> None:
    frame = _packet(length_mode="plus6")
    decoder = Decoder()
    decoder.receive_data(frame)  # no EOF, no next packet: the logger waits for its 9014
    packet = decoder.next_event()
    assert isinstance(packet, Packet)
    assert packet.tolerances == {Tolerance.LENGTH_MISMATCH, Tolerance.LENGTH_PLUS_6}
    assert packet.length == len(packet.segment) + 6
    assert decoder.next_event() is NEED_DATA


def test_it_accepts_length_plus_6_in_a_stream_in_any_chunking() -> None:
    stream = _packet(length_mode="plus6") + NEXT + _packet(length_mode="plus6", qn="1")
    whole = decode([stream])
    assert [type(e) for e in whole] == [Packet, Packet, Packet]
    assert summary(decode(bytewise(stream))) == summary(whole)


def test_it_accepts_a_length_field_off_by_a_few_bytes_either_way() -> None:
    good = _packet()
    for delta in (-3, -1, 2, 9):
        declared = int(good[2:6]) + delta
        frame = b"##%04d" % declared + good[6:]
        packet = _only(decode([frame + NEXT])[:1])
        assert packet.tolerances == {Tolerance.LENGTH_MISMATCH}
        assert packet.length == declared
        assert summary(decode(bytewise(frame + NEXT))) == summary(decode([frame + NEXT]))


def test_it_rejects_a_wrong_length_when_lenient_length_is_off() -> None:
    frame = _packet(length_mode="plus6")
    (event,) = decode([frame], lenient_length=False, eof=False)
    assert isinstance(event, InvalidFrame)
    assert event.reason is InvalidReason.BAD_LENGTH
    assert event.data == frame


def test_it_accepts_an_oversize_segment_with_a_warning() -> None:
    cp = {"DataTime": "20160801085857"} | {f"a{21000 + k}-Rtd": f"{k}.5" for k in range(80)}
    frame = _packet(cp=cp)
    packet = _only(decode([frame]))
    assert packet.length > 1024
    assert packet.tolerances == {Tolerance.OVERSIZE_SEGMENT}
    assert any("exceeds" in w for w in packet.warnings)


def test_it_rejects_a_segment_above_max_segment_and_resyncs() -> None:
    big = _packet(cp={f"a{21000 + k}-Rtd": "1.5" for k in range(80)})
    events = decode([big + NEXT], max_segment=1024)
    assert [type(e) for e in events] == [InvalidFrame, Packet]
    first = events[0]
    assert isinstance(first, InvalidFrame) and first.reason is InvalidReason.OVERSIZE
    assert first.data == big


def test_it_accepts_a_modbus_le_device_only_when_crc_mode_for_says_so() -> None:
    frame = _packet(crc_mode=CrcMode.MODBUS_LE)
    (rejected,) = decode([frame])
    assert isinstance(rejected, InvalidFrame) and rejected.reason is InvalidReason.BAD_CRC
    assert rejected.crc_would_match is CrcMode.MODBUS_LE

    def mode_for(mn: str) -> CrcMode:
        return CrcMode.MODBUS_LE if mn == MN else CrcMode.HJ212

    packet = _only(decode([frame], crc_mode_for=mode_for))
    assert packet.tolerances == {Tolerance.ALT_CRC_MODE}
    # another device stays on HJ212, and this one is held to its own mode
    other = _packet(mn="OTHER0001")
    assert isinstance(decode([other], crc_mode_for=mode_for)[0], Packet)
    (strict,) = decode([_packet()], crc_mode_for=mode_for)
    assert isinstance(strict, InvalidFrame) and strict.reason is InvalidReason.BAD_CRC
    assert strict.crc_would_match is CrcMode.HJ212


def test_it_accepts_a_modbus_high_byte_first_device() -> None:
    frame = _packet(crc_mode=CrcMode.MODBUS)
    packet = _only(decode([frame], crc_mode_for=lambda mn: CrcMode.MODBUS))
    assert Tolerance.ALT_CRC_MODE in packet.tolerances


def test_it_combines_tolerances() -> None:
    frame = _packet(cn="3020", cp=CHINESE_CP, length_mode="chars", lowercase_crc=True)
    packet = _only(decode([frame]))
    assert packet.tolerances == {Tolerance.CHAR_COUNT_LENGTH, Tolerance.LOWERCASE_CRC}


def test_it_keeps_the_decoder_usable_after_each_tolerance() -> None:
    frames = [
        _packet(lowercase_crc=True),
        _packet(cn="3020", cp=CHINESE_CP, length_mode="chars"),
        _packet(length_mode="plus6"),
        NEXT,
    ]
    decoder = Decoder()
    for frame in frames:
        decoder.receive_data(frame)
    assert [type(e) for e in drain(decoder)] == [Packet] * 4
