"""Sub-packet reassembly: ordering, duplicates, timeouts."""

from __future__ import annotations

import pytest

from qingyuan.hj212 import Packet, Reassembler, build_packet

from .support import decode


def _sub(pno: int, pnum: int = 3, *, mn: str = "M1", data_time: str = "20160801080000", qn: str = "") -> Packet:
    frame = build_packet(
        st="32", cn="2061", pw="123456", mn=mn, qn=qn or f"2016080108585753{pno}", flag=7, pnum=pnum, pno=pno,
        cp={"DataTime": data_time, f"w0101{pno}-Avg": f"{pno}.5", f"w0101{pno}-Flag": "N"},
    )
    (packet,) = decode([frame])
    assert isinstance(packet, Packet)
    return packet


def test_it_merges_sub_packets_in_pno_order_whatever_the_arrival_order() -> None:
    r = Reassembler(timeout=60)
    assert r.add(_sub(3), 0.0) is None
    assert r.add(_sub(1), 1.0) is None
    done = r.add(_sub(2), 2.0)
    assert done is not None and done.complete and done.missing == ()
    assert [p.pno for p in done.packets] == [1, 2, 3]
    assert list(done.cp.params) == ["w01011", "w01012", "w01013"]
    assert done.cp.data_time == "20160801080000"
    assert done.cp.fields["w01012-Avg"] == "2.5"
    assert done.key == ("M1", "2061", "20160801080000", 3)
    assert r.pending == 0


def test_it_ignores_duplicate_sub_packets_before_and_after_completion() -> None:
    r = Reassembler(timeout=60)
    assert r.add(_sub(1, 2), 0.0) is None
    assert r.add(_sub(1, 2, qn="99999999999999999"), 1.0) is None  # resent after a lost 9014
    done = r.add(_sub(2, 2), 2.0)
    assert done is not None and len(done.packets) == 2
    assert done.packets[0].qn != "99999999999999999"  # the first copy is kept
    assert r.add(_sub(2, 2), 3.0) is None  # late duplicate of a completed group
    assert r.pending == 0


def test_it_keeps_groups_apart_by_device_and_data_time() -> None:
    r = Reassembler(timeout=60)
    assert r.add(_sub(1, 2, mn="A"), 0) is None
    assert r.add(_sub(1, 2, mn="B"), 0) is None
    assert r.add(_sub(2, 2, mn="A", data_time="20160801090000"), 0) is None
    assert r.pending == 3
    done = r.add(_sub(2, 2, mn="B"), 0)
    assert done is not None and done.key[0] == "B"


def test_it_expires_incomplete_groups_after_the_timeout() -> None:
    r = Reassembler(timeout=30)
    r.add(_sub(1), 0.0)
    r.add(_sub(3), 10.0)
    assert r.expire(39.0) == []
    (stale,) = r.expire(40.0)
    assert not stale.complete and stale.missing == (2,)
    assert [p.pno for p in stale.packets] == [1, 3]
    assert r.pending == 0 and r.expire(100.0) == []


def test_it_returns_unsplit_packets_at_once() -> None:
    (packet,) = decode([build_packet(st="32", cn="2011", pw="1", mn="M", qn=None, flag=5, cp="DataTime=1")])
    assert isinstance(packet, Packet)
    done = Reassembler(timeout=1).add(packet, 0)
    assert done is not None and done.complete and done.packets == (packet,) and done.cp is packet.cp


def test_it_passes_through_impossible_numbering_as_incomplete() -> None:
    (packet,) = decode([build_packet(st="32", cn="2061", pw="1", mn="M", qn=None, flag=6, pnum=2, pno=5, cp="")])
    assert isinstance(packet, Packet)
    done = Reassembler(timeout=1).add(packet, 0)
    assert done is not None and not done.complete


def test_it_refuses_a_non_positive_timeout() -> None:
    with pytest.raises(ValueError):
        Reassembler(timeout=0)
