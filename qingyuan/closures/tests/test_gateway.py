"""A point decommissioned by a closure is quarantined by the real gateway, over TCP, as "decommissioned"."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest
from django.utils import timezone

from qingyuan.closures.tests.helpers import open_case, walk
from qingyuan.hj212 import build_packet
from qingyuan.ingest.tests.test_end_to_end import GatewayThread
from qingyuan.monitoring.choices import QuarantineReason
from qingyuan.monitoring.models import Quarantine, Reading

pytestmark = pytest.mark.slow


def _send(port: int, point, qn: str) -> None:
    data = build_packet(st="32", cn="2051", pw=point.password, mn=point.mn, qn=qn, flag=5,
                        cp="DataTime=20260101120000;w00000-Avg=12.5,w00000-Flag=N")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as device:
        device.sendall(data)
        time.sleep(0.5)


def _wait_for_quarantine(mn: str) -> Quarantine:
    deadline = time.monotonic() + 15
    while not Quarantine.objects.filter(mn=mn).exists():
        assert time.monotonic() < deadline, "nothing quarantined"
        time.sleep(0.1)
    return Quarantine.objects.get(mn=mn)


def test_it_quarantines_a_point_decommissioned_by_a_closure(transactional_db, world):
    case = open_case(world, days_ago=40)
    walk(world, case, timezone.localdate() - dt.timedelta(days=30))
    world.point_b.refresh_from_db()
    assert not world.point_b.is_active
    gateway = GatewayThread()
    try:
        _send(gateway.port, world.point_b, "20260101120000001")
        q = _wait_for_quarantine(world.point_b.mn)
    finally:
        gateway.stop()
    assert q.reason == QuarantineReason.DECOMMISSIONED
    assert not Reading.objects.filter(point=world.point_b).exists()


def test_it_still_calls_an_inactive_point_without_a_closure_inactive(transactional_db, world):
    from qingyuan.enterprises.actions import do_decommission_point

    do_decommission_point(world.point_a, acting_user=world.regulator, reason="设备送检")
    gateway = GatewayThread()
    try:
        _send(gateway.port, world.point_a, "20260101120000002")
        q = _wait_for_quarantine(world.point_a.mn)
    finally:
        gateway.stop()
    assert q.reason == QuarantineReason.INACTIVE
