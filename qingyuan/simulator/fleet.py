"""Run many simulated loggers at once until stopped (signal, ``--duration`` or the caller's event).

Standard library + ``qingyuan.hj212``; the Django side (``manage.py simulate``)
only turns monitoring points into :class:`DeviceSpec` s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

from .device import Clock, Device, FleetStats, Options
from .packets import DeviceSpec

log = logging.getLogger("qingyuan.simulator")


async def run_fleet(
    specs: Sequence[DeviceSpec],
    options: Options,
    *,
    duration: float | None = None,
    stop: asyncio.Event | None = None,
    stats: FleetStats | None = None,
    report_every: float = 30.0,
    handle_signals: bool = False,
) -> FleetStats:
    """Drive ``specs`` (one TCP connection each) until ``stop`` is set or ``duration`` seconds passed."""
    stop = stop or asyncio.Event()
    stats = stats or FleetStats()
    loop = asyncio.get_running_loop()
    if handle_signals:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    clock = Clock(options.speed, options.start)
    devices = [Device(spec, options, clock, stop, stats) for spec in specs]
    tasks = [asyncio.create_task(d.run(), name=f"device-{d.spec.mn}") for d in devices]
    reporter = asyncio.create_task(_report(stats, stop, report_every))
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), duration)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        reporter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reporter
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
    log.info("simulator stopped: %s", stats.line())
    return stats


async def _report(stats: FleetStats, stop: asyncio.Event, every: float) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        log.info("simulator: %s", stats.line())
