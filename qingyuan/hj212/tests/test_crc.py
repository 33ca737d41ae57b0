"""CRC16 of Appendix A (fast fold vs the bitwise loop) and the Modbus variants."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qingyuan.hj212 import CrcMode, crc16
from qingyuan.hj212.crc import crc16_bitwise, crc_text

from .support import CORPUS

SPEC = b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"


def test_it_reproduces_the_spec_example_1c80() -> None:
    assert len(SPEC) == 101
    assert crc16(SPEC) == 0x1C80
    assert crc_text(SPEC) == "1C80"
    assert crc16_bitwise(SPEC) == 0x1C80


def test_it_differs_from_modbus_on_the_spec_example() -> None:
    assert crc16(SPEC, CrcMode.MODBUS) == 0x0759
    assert crc16(SPEC, CrcMode.MODBUS_LE) == 0x5907


def test_it_gives_ffff_for_empty_input() -> None:
    assert crc16(b"") == crc16_bitwise(b"") == 0xFFFF


@given(st.binary(max_size=2000))
def test_it_matches_the_bitwise_algorithm_for_any_input(data: bytes) -> None:
    assert crc16(data) == crc16_bitwise(data)


def test_it_matches_the_bitwise_algorithm_at_every_length_up_to_300() -> None:
    data = bytes(range(256)) * 2
    for n in range(301):
        assert crc16(data[:n]) == crc16_bitwise(data[:n])
        assert crc16(bytearray(data[:n])) == crc16(memoryview(data)[:n])


def test_it_only_ever_produces_256_values_with_a_restricted_low_byte() -> None:
    outputs = {crc16(i.to_bytes(3, "big")) for i in range(0, 1 << 24, 97)}
    assert len(outputs) == 256
    assert {v & 0xFF for v in outputs} == {0x00, 0x01, 0x40, 0x41, 0x80, 0x81, 0xC0, 0xC1}


def test_it_explains_the_tonyxia_rx_log_captures_as_modbus_low_byte_first() -> None:
    expected = {b"##0868": ("A6EC", "0440"), b"##1025": ("7865", "C841"), b"##1623": ("0681", "6C00")}
    seen = 0
    for row in CORPUS:
        raw = row["packet"].encode()
        if raw[:6] in expected and "rx.log" in row["source"]:
            le, hj = expected[raw[:6]]
            segment = raw[6:-4]
            assert raw[-4:].decode() == le
            assert crc_text(segment, CrcMode.MODBUS_LE) == le
            assert crc_text(segment) == hj
            swapped = crc16(segment, CrcMode.MODBUS)
            assert crc16(segment, CrcMode.MODBUS_LE) == ((swapped & 0xFF) << 8) | (swapped >> 8)
            seen += 1
    assert seen == 3


@given(st.binary(max_size=300))
def test_it_computes_modbus_as_the_textbook_crc16_modbus(data: bytes) -> None:
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    assert crc16(data, CrcMode.MODBUS) == crc
