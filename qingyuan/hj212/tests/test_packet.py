"""Header and CP parsing: fields, parameters, equipment, versions, odd devices."""

from __future__ import annotations

from qingyuan.hj212 import InvalidFrame, Packet, build_packet, parse_time
from qingyuan.hj212.encoder import frame

from .support import VECTORS, decode


def _parse(segment: str) -> Packet:
    (event,) = decode([frame(segment)])
    assert isinstance(event, Packet), event
    return event


def _vector(tag: str) -> Packet:
    v = next(v for v in VECTORS if tag in v["tags"])
    return _parse(v["packet"][6:-4])


def test_it_groups_cp_values_into_params_with_floats_and_flags() -> None:
    packet = _vector("2051")
    cod = packet.cp.params["w01018"]
    assert (cod.cou, cod.min, cod.avg, cod.max, cod.flag) == (10.5, 40.1, 40.1, 40.1, "N")
    assert cod.code == cod.original_code == "w01018"
    assert packet.cp.data_time == "20160801084000"
    assert packet.cp.data_time_tuple == (2016, 8, 1, 8, 40, 0)
    assert set(packet.cp.params) == {"w00000", "w01001", "w01018"}


def test_it_reads_negative_values_zs_values_sample_time_and_eflag() -> None:
    gas = next(v for v in VECTORS if "negative-values" in v["tags"])
    packet = _parse(gas["packet"][6:-4])
    assert packet.cp.params["a01013"].min == -0.041
    water = _vector("A=1")
    cod = water.cp.params["w01018"]
    assert (cod.sample_time, cod.eflag, cod.rtd) == ("20160801070000", "A01", 2.2)
    cems = _vector("flag-D")
    assert cems.cp.params["a34013"].zs_rtd == 0.0
    assert cems.cp.params["a34013"].flag == "D"


def test_it_keeps_chinese_info_text_with_separators_inside() -> None:
    packet = _parse("QN=1;ST=32;CN=3020;PW=1;MN=M;Flag=4;CP=&&DataTime=20100301145000;"
                    "i11001-Info=//清洗;管路,完成=是//;i12001-Info=1&&")
    assert packet.cp.fields["i11001-Info"] == "//清洗;管路,完成=是//"
    assert packet.cp.params["i11001"].info == "清洗;管路,完成=是"
    assert packet.cp.params["i12001"].info == "1"
    assert packet.warnings == ()


def test_it_reads_equipment_running_state_and_time() -> None:
    packet = _parse("ST=32;CN=2041;PW=1;MN=M;Flag=4;CP=&&DataTime=20160801000000;SB1-RT=1.1;SB2-RS=1;SB2-RT=2.5&&")
    assert packet.cp.equipment["SB1"].rt == 1.1 and packet.cp.equipment["SB1"].rs is None
    assert packet.cp.equipment["SB2"].rs == 1 and packet.cp.equipment["SB2"].rt == 2.5
    assert "SB1" not in packet.cp.params


def test_it_keeps_unparseable_numbers_as_strings_with_a_warning() -> None:
    packet = _parse("ST=32;CN=2011;PW=1;MN=M;Flag=4;CP=&&w01018-Rtd=abc,w01018-Avg=nan,w01018-Max=1_0,"
                    "w01018-Flag=N,w01018-ValidNum=10&&")
    cod = packet.cp.params["w01018"]
    assert cod.rtd is None and cod.avg is None and cod.max is None
    assert cod.extra == {"Rtd": "abc", "Avg": "nan", "Max": "1_0", "ValidNum": "10"}
    assert len([w for w in packet.warnings if "not a number" in w]) == 3


def test_it_parses_headers_case_insensitively_in_any_order_with_commas() -> None:
    packet = _parse("qn=20160801085857534,ST=32;cn=2061;PW=123456;MN=M1;FLAG=7;PNO=0002;PNUM=0002;RF=1;CP=&&&&")
    assert (packet.qn, packet.cn, packet.flag, packet.pnum, packet.pno) == ("20160801085857534", "2061", 7, 2, 2)
    assert packet.split and packet.ack_requested and packet.version == 1
    assert packet.extra_headers == {"RF": "1"}
    assert any("','" in w for w in packet.warnings)


def test_it_treats_a_missing_flag_as_2005_without_ack() -> None:
    packet = _vector("2005")
    assert packet.flag is None and packet.version == 0
    assert not packet.ack_requested and not packet.split


def test_it_decodes_2025_flags_8_to_11_as_version_2() -> None:
    for flag in (8, 9, 10, 11):
        packet = _parse(f"QN=1;ST=32;CN=2011;PW=1;MN=M;Flag={flag};CP=&&&&")
        assert packet.version == 2
        assert packet.ack_requested is bool(flag & 1)
        assert packet.split is bool(flag & 2)


def test_it_normalises_2005_codes_by_medium() -> None:
    water = _vector("2005")  # ST=32: 001 pH, B01 flow, 011 COD
    assert {"w01001", "w00000", "w01018", "w21003", "w21011", "w21001"} <= set(water.cp.params)
    assert water.cp.params["w01001"].original_code == "001"
    gas = next(v for v in VECTORS if v["tags"] == ["2005", "upload", "2011", "gas"])
    packet = _parse(gas["packet"][6:-4])  # ST=31: 01 dust, S01 O2
    assert packet.cp.params["a34013"].original_code == "01"
    assert "a19001" in packet.cp.params and "S01" not in packet.cp.params


def test_it_tolerates_spec_erratum_spaces_and_missing_semicolon() -> None:
    packet = _parse("QN=1;ST=32;CN=3020;PW=1;MN=M;Flag=5 CP=&& i12003-Info =0;i12001-Info=1 &&")
    assert packet.flag == 5
    assert packet.cp.fields == {"i12003-Info": "0", "i12001-Info": "1"}
    empty = _parse("QN=1;ST=32;CN=2011;PW=1;MN=M;Flag=5;CP=&& &&")
    assert empty.cp.fields == {}


def test_it_rejects_broken_structure() -> None:
    for segment in ("QN=1;ST=32;CN=2011;CP=&&DataTime=1", "QN=1;ST=32;CN=2011;CP=&&&", "no header at all;CP=&&&&"):
        (event,) = decode([frame(segment)])
        assert isinstance(event, InvalidFrame), segment


def test_it_parses_times_without_attaching_a_zone() -> None:
    assert parse_time("20160824003817000") == (2016, 8, 24, 0, 38, 17)
    assert parse_time("20161324003817") is None
    assert parse_time("2016") is None
    assert parse_time(None) is None


def test_it_exposes_the_data_kind_of_uploads() -> None:
    packet = decode([build_packet(st="32", cn="2051", pw="1", mn="M", qn=None, flag=4, cp="")])[0]
    assert isinstance(packet, Packet) and packet.data_kind is not None and packet.data_kind.name == "MINUTE"
