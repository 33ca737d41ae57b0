"""The fast paths (planned CP, standard header, slot-filled objects, folded CRC,
one-byte searches) give exactly what the plain code gives."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingyuan.hj212 import CP, Packet, Param, Tolerance, build_packet, cpplan, crc16, segment
from qingyuan.hj212.cp import _parse_generic, parse_cp
from qingyuan.hj212.crc import crc16_bitwise
from qingyuan.hj212.encoder import frame

from .support import decode, packets

WATER = {"DataTime": "20240115000000", "w01018-Min": "41.257", "w01018-Avg": "51.124", "w01018-Max": "60.991",
         "w01018-Cou": "469.562", "w01018-Flag": "N", "w00000-Avg": "1.5", "w00000-Flag": "D"}  # fmt: skip


def _upload(cp: dict[str, str], **kwargs: object) -> Packet:
    args: dict[str, object] = dict(st="32", cn="2051", pw="123456", mn="MN1", qn="20240115000000001", flag=5, cp=cp)
    args.update(kwargs)
    (packet,) = packets(decode([build_packet(**args)]))  # type: ignore[arg-type]
    return packet


def _same_cp(fast: CP, generic: CP) -> None:
    assert fast == generic
    assert repr(fast) == repr(generic)
    assert list(fast.params) == list(generic.params)
    assert list(fast.fields.items()) == list(generic.fields.items())


def test_it_builds_ordinary_frozen_dataclass_instances() -> None:
    for _ in range(3):  # the third packet of a layout takes the planned path
        packet = _upload(WATER)
    assert type(packet) is Packet and type(packet.cp) is CP
    assert all(type(p) is Param for p in packet.cp.params.values())
    rebuilt = Packet(**{f.name: getattr(packet, f.name) for f in dataclasses.fields(Packet)})
    assert rebuilt == packet and repr(rebuilt) == repr(packet)
    cod = packet.cp.params["w01018"]
    assert cod == Param("w01018", "w01018", None, 41.257, 51.124, 60.991, 469.562, flag="N")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cod.avg = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        packet.cp.fields = {}  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(packet)) == packet
    assert copy.deepcopy(packet) == packet
    assert dataclasses.replace(cod, avg=1.0).avg == 1.0
    assert dataclasses.asdict(packet)["cp"]["fields"] == WATER


def test_it_builds_cp_fields_on_first_read_and_keeps_them() -> None:
    slot = CP.__dict__["fields"].slot
    text = "DataTime=20240101000000;w01018-Avg=1.5,w01018-Flag=N;w01001-Avg=7.1"
    for _ in range(3):  # the third CP of a layout takes the planned path
        cp = parse_cp(text, "32", [], "lazy-fields")
    assert type(slot.__get__(cp)) is tuple  # (keys, values) until first read
    assert repr(cp) == repr(_parse_generic(text, "32", []))  # reads it
    fields = slot.__get__(cp)
    assert fields == {"DataTime": "20240101000000", "w01018-Avg": "1.5", "w01018-Flag": "N", "w01001-Avg": "7.1"}
    assert cp.fields is fields and type(fields) is dict
    made = CP(text, dict(fields), "20240101000000", dict(cp.params), {})  # the constructor writes through
    assert made == cp and slot.__get__(made) == fields


keys = st.sampled_from(
    ["DataTime", "w01018-Rtd", "w01018-Flag", "w01018-Avg", "001-Min", "B01-Cou", "a21026-ZsAvg", "w01018-ValidNum",
     "01-Max", "a34013-Max", "w01018-EFlag", "w01018-SampleTime", "i11001-Info", "SB1-RS", "x", "a-Avg", "a_b-Avg"]
)  # fmt: skip
values = st.sampled_from(
    ["1.5", "-0.041", "0", "N", "", "20160801000000", "nan", "-inf", "1e999", "1_0", "abc", "1.", ".5", "+2",
     "1e3", " 1", "1\n", "1\x1c", "\u30001", "１", "é", "a/b", "//x//", "/", "清洗"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(keys, st.sampled_from([";", ","])), min_size=1, max_size=8, unique_by=lambda kv: kv[0]),
    st.lists(st.lists(values, min_size=8, max_size=8), min_size=1, max_size=4),
    st.sampled_from(["32", "31", "23", None]),
)
def test_a_device_gets_what_the_generic_path_gives_packet_after_packet(
    layout: list[tuple[str, str]], rows: list[list[str]], st_: str | None
) -> None:
    device = object()  # a hint of its own: its plan is tried first from the second text on
    for row in [rows[0], rows[0], *rows]:
        text = "".join(f"{k}={v}{sep}" for (k, sep), v in zip(layout, row, strict=False))[:-1]
        fast_warnings: list[str] = []
        generic_warnings: list[str] = []
        _same_cp(parse_cp(text, st_, fast_warnings, device), _parse_generic(text, st_, generic_warnings))
        assert fast_warnings == generic_warnings


def test_it_plans_a_layout_when_seen_twice_and_paid_for(monkeypatch: pytest.MonkeyPatch) -> None:
    caches = cpplan._Caches()
    monkeypatch.setattr(cpplan, "_caches", caches)
    text = "DataTime=20240101000000;w01018-Avg=1.5,w01018-Flag=N"
    _same_cp(parse_cp(text, "32", [], "dev"), _parse_generic(text, "32", []))
    assert not caches.plans
    parse_cp(text, "32", [], "dev")
    assert list(caches.plans.values()) == [caches.by_device[hash("dev")][1]]
    caches.credit = 0  # a flood of new layouts used it up
    other = text.replace("Avg", "Max")
    for _ in range(cpplan._CREDIT_PER_PLAN - 1):
        _same_cp(parse_cp(other, "32", [], "dev"), _parse_generic(other, "32", []))
        assert len(caches.plans) == 1
    parse_cp(other, "32", [], "dev")  # every CP parsed earned credit: now it is paid for
    assert len(caches.plans) == 2


def test_it_forgets_all_plans_when_they_hold_too_many_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpplan, "_caches", cpplan._Caches())
    monkeypatch.setattr(cpplan, "_PLAN_KEYS_MAX", 5)
    first, second = "a-Avg=1;b-Avg=2;c-Avg=3", "d-Avg=1;e-Avg=2;f-Avg=3"
    for text in (first, first, second, second, first):
        _same_cp(parse_cp(text, None, [], None), _parse_generic(text, None, []))
    assert list(cpplan._caches.plans) == [(None, ("d-Avg", "e-Avg", "f-Avg"))]


def test_a_device_plan_is_not_reused_under_another_medium(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2005 code names another pollutant in water than in gas: the device's last plan must not decide."""
    monkeypatch.setattr(cpplan, "_caches", cpplan._Caches())
    text = "DataTime=20240101000000;001-Min=1.5"
    device = "logger"
    for st_ in ("31", "31", "31", "32", "31", "32"):
        _same_cp(parse_cp(text, st_, [], device), _parse_generic(text, st_, []))


def test_its_ascii_whitespace_class_is_what_strip_strips() -> None:
    space = re.compile(f"[{cpplan._ASCII_SPACE}]")
    assert {c for c in map(chr, range(128)) if space.fullmatch(c)} == {c for c in map(chr, range(128)) if c.isspace()}


header_values = st.sampled_from(["", "1", "32", "2051", "20160801085857223", "a=b", "1\t", "x y", "Ａ", "0005", "7"])


@settings(max_examples=400, deadline=None)
@given(st.lists(header_values, min_size=6, max_size=6), st.sampled_from(["", "DataTime=1", "a-Avg=1&", "&", "a=1 "]))
def test_it_parses_standard_headers_as_the_general_code_does(items: list[str], cp: str) -> None:
    qn, st_, cn, pw, mn, flag = items
    for tail in ("&&", "&& ", "&"):
        text = f"QN={qn};ST={st_};CN={cn};PW={pw};MN={mn};Flag={flag};CP=&&{cp}{tail}"
        data = text.encode()
        fast = segment.parse_packet(b"raw", data, len(data), "ABCD", frozenset(), [])
        with mock.patch.object(segment, "_STANDARD_HEAD", lambda _: None):
            general = segment.parse_packet(b"raw", data, len(data), "ABCD", frozenset(), [])
        assert fast == general and repr(fast) == repr(general)


def test_it_folds_the_crc_of_long_segments_exactly() -> None:
    data = bytes(range(7, 256)) * 41
    for n in (511, 512, 513, 1023, 1024, 1025, 2047, 2048, 4096, 4097, 8191, 8192, 9999):
        assert crc16(data[:n]) == crc16_bitwise(data[:n]), n


def test_it_takes_a_lone_cr_or_hash_inside_a_frame_for_data() -> None:
    text = "QN=1;ST=32;CN=3020;PW=1;MN=M;Flag=4;CP=&&i11001-Info=//a#b\rc#//;i12001-Info=1&&"
    (packet,) = decode([frame(text)])
    assert isinstance(packet, Packet) and packet.cp.params["i11001"].info == "a#b\rc#"
    big = _upload({f"w{k:05d}-Avg": f"{k}.25" for k in range(70)})  # above 1024 bytes: accepted, noted
    assert big.tolerances == {Tolerance.OVERSIZE_SEGMENT}
    assert big.warnings == (f"data segment of {big.length} bytes exceeds the standard's 1024",)
