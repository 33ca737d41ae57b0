"""Real sockets: a simulated logger → the gateway (DjangoSink, test database) → an exceedance alarm on commit →
an assignment to the linked unit → the enterprise explains with evidence → the regulator verifies and closes."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time

import pytest

from qingyuan.alarms.models import Alarm
from qingyuan.gateway.config import GatewayConfig
from qingyuan.gateway.server import GatewayServer
from qingyuan.ingest.sink import DjangoSink
from qingyuan.quality.tests.support import pdf, permit
from qingyuan.simulator.device import FleetStats, Options
from qingyuan.simulator.fleet import run_fleet
from qingyuan.simulator.packets import DeviceSpec
from qingyuan.simulator.scenarios import Behaviour
from qingyuan.tasks.models import Assignment
from qingyuan.test import make_point

pytestmark = pytest.mark.slow


class Gateway:
    """``GatewayServer(DjangoSink)`` in a thread with its own event loop."""

    def __init__(self) -> None:
        config = GatewayConfig(host="127.0.0.1", port=0, log_level="WARNING", batch_delay=0.002)
        self.server = GatewayServer(config, DjangoSink)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(20), "gateway did not start"

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            await self.server.start()
            self.ready.set()
            await self.server._stop.wait()
            await self.server.shutdown()

        asyncio.run(main())

    def stop(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self.server.request_shutdown)
        self.thread.join(30)


def _an_exceeding_hour() -> tuple[str, dt.datetime]:
    """An MN and a local hour at whose start the simulator's exceedance episode is on (so its 2061 is high).

    Episodes last 45 minutes every 3 hours at a phase that depends on the MN; for some MNs no hour starts
    inside one, so try a few."""
    for n in range(100):
        mn = f"GASE2E{n:018d}"
        behaviour = Behaviour(mn, {"exceedance"})
        for h in range(3):
            hour = dt.datetime(2026, 3, 2, 8 + h, 0)
            if behaviour.active("exceedance", hour):
                return mn, hour
    raise AssertionError("no MN with an exceeding hour")


def test_it_turns_simulated_exceedance_into_an_assignment_that_is_explained_and_closed(
        transactional_db, world, as_user):
    mn, hour = _an_exceeding_hour()
    point = make_point(world.enterprise_a, mn, medium="gas")
    permit(world.enterprise_a, point.outlet, {"a21026": 200.0}, ref="GB 16297-1996 表2 new", unit="mg/m3")
    spec = DeviceSpec(mn=point.mn, password=point.password, st="31", medium="gas", rtd_interval=30,
                      min_interval=10, limits={"a21026": 200.0}, scenarios=frozenset({"exceedance"}))
    options = Options(port=0, backfill_hours=1.2, realtime=False, over_time=5, window=8,
                      start=hour + dt.timedelta(hours=1, seconds=30))
    gateway = Gateway()
    options.port = gateway.server.port
    stats = FleetStats()
    # Backfill from 1.2 h before the start: the minute uploads of the last 70 minutes and the hour (8 in all).
    # The gateway acknowledges after process_packets returned, i.e. after the commit and its evaluation,
    # so the alarm exists once everything is acknowledged. (No polling from here: the in-memory SQLite test
    # database locks whole tables between connections.)
    try:
        async def drive() -> None:
            stop = asyncio.Event()

            async def until_acknowledged() -> None:
                t0 = time.monotonic()
                while stats.acked < 8 and time.monotonic() - t0 < 30:
                    await asyncio.sleep(0.05)
                stop.set()

            watcher = asyncio.create_task(until_acknowledged())
            await run_fleet([spec], options, duration=35, stop=stop, stats=stats)
            await watcher

        asyncio.run(drive())
    finally:
        gateway.stop()

    alarm = Alarm.objects.get(kind="exceedance", parameter="a21026")
    assert alarm.point == point and alarm.enterprise == world.enterprise_a and alarm.severity == "high"
    assert alarm.peak > 200.0 and alarm.limit == 200.0 and alarm.detail["basis"] == "hourly_mean"
    assert alarm.assignment is not None and alarm.assignment.assignee_unit == world.bureau
    # The episode's end is a drop of every pollutant (also an assigned kind): all of them, one episode of the
    # enterprise, are listed on one assignment.
    assert set(Assignment.objects.values_list("assignee_unit", flat=True)) == {world.bureau.pk}
    assert Assignment.objects.count() == 1 and Alarm.objects.filter(assignment__isnull=False).count() > 1
    assert all(f"#{a.pk} " in alarm.assignment.requirements for a in Alarm.objects.filter(assignment__isnull=False))

    url = f"/alarms/{alarm.pk}/"
    ent = as_user(world.ent_a)
    assert ent.post(url + "act/explain/", {"kind": "process", "text": "脱硫塔循环泵跳停，已恢复",
                                           "files": [pdf("检修记录.pdf")]}).status_code == 302
    assert as_user(world.officer).post(url + "act/accept/", {"reason": "现场核实属实"}).status_code == 302
    assert as_user(world.regulator).post(url + "act/close/", {"reason": ""}).status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.verdict, alarm.explanation_kind) == ("closed", "accepted", "process")
