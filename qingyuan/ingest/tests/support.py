"""Packets as the gateway hands them to the sink: built by the encoder, decoded by the decoder."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping

from qingyuan.gateway.sink import Received
from qingyuan.hj212 import NEED_DATA, Decoder, Packet, build_packet

_QN = itertools.count(1)


def decode(data: bytes) -> Packet:
    decoder = Decoder()
    decoder.receive_data(data)
    event = decoder.next_event()
    assert isinstance(event, Packet), event
    assert decoder.next_event() is NEED_DATA
    return event


def frame(mn: str, *, cn: str = "2051", pw: str = "123456", st: str = "32", qn: str | None = "auto",
          cp: str | Mapping[str, object] = "DataTime=20260101120000;w01018-Avg=40.1,w01018-Flag=N",
          flag: int | None = 5, **kwargs: object) -> bytes:
    if qn == "auto":
        qn = f"20260101120000{next(_QN) % 1000:03d}"
    return build_packet(st=st, cn=cn, pw=pw, mn=mn, cp=cp, qn=qn, flag=flag, **kwargs)  # type: ignore[arg-type]


def received(data: bytes, *, peer: str = "10.0.0.7:50000", at: float | None = None, connection_id: int = 1) -> Received:
    return Received(decode(data), peer, time.time() if at is None else at, connection_id)
