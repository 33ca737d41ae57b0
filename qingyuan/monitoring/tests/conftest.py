"""Fixtures of the monitoring tests: data stored the way the gateway stores it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection

from qingyuan.gateway.sink import Received
from qingyuan.hj212 import Decoder, Packet, build_packet
from qingyuan.ingest.process import process_packets


def upload(point: Any, data_time: str, *, cn: str = "2051", qn: str | None = None, cp: str | None = None,
           at: float | None = None) -> Received:
    cp = cp or f"DataTime={data_time};w01018-Avg=40.5,w01018-Min=39.0,w01018-Max=42.0,w01018-Flag=N;w21003-Avg=2.2"
    data = build_packet(st=point.st, cn=cn, pw=point.password, mn=point.mn, cp=cp,
                        qn=qn or f"{data_time}{int(cn) % 1000:03d}", flag=5)
    decoder = Decoder()
    decoder.receive_data(data)
    packet = decoder.next_event()
    assert isinstance(packet, Packet)
    return Received(packet, "10.0.0.8:40000", time.time() if at is None else at, 1)


@pytest.fixture
def store():
    """``store(point, "20260101120000", ...)`` sends one upload through process_packets."""

    def send(point: Any, data_time: str, **kwargs: Any) -> None:
        outcomes = process_packets([upload(point, data_time, **kwargs)])
        assert outcomes[0].verdict.value in ("stored", "duplicate"), outcomes

    return send


@pytest.fixture
def postgresql(db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the readings table is partitioned only there (run under bin/with-postgres)")
