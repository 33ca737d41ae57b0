"""``manage.py simulate``: HJ 212 data loggers for the active monitoring points, until stopped.

With no arguments (what ``qingyuan demo`` runs) it connects every active point
of the database to 127.0.0.1:9212 at real speed, first sends 24 hours of minute
and hour history so the charts have data at once, and makes a few devices
misbehave (``--no-scenarios`` to turn that off). SIGTERM/SIGINT stop it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingyuan.simulator import scenarios
from qingyuan.simulator.device import Options
from qingyuan.simulator.fleet import run_fleet
from qingyuan.simulator.points import UNKNOWN_MN, demo_points, demo_scenarios, specs_for


def fault_lines(specs: list[Any]) -> list[str]:
    """The deliberate faults in plain words, so that alarms, quarantine entries and the "gave up"
    count in the progress lines are expected, not alarming."""
    faulty = [(s, sorted(s.scenarios) or (["unknown_mn"] if s.mn == UNKNOWN_MN else [])) for s in specs]
    faulty = [(s, names) for s, names in faulty if names]
    if not faulty:
        return []
    lines = [f"  {len(faulty)} loggers misbehave on purpose, so the demo has alarms, rejected frames and "
             "quarantined devices to show:"]
    for s, names in faulty:
        for name in names:
            lines.append(f"    {s.name or s.mn} ({s.mn}): {scenarios.SCENARIOS.get(name, name)}")
    lines.append("  In the progress lines, \"gave up\" counts uploads still unacknowledged after the retries: "
                 "the platform refuses corrupted or mis-framed ones and quarantines the unregistered logger, "
                 "so that number grows by design; \"dropped\" counts real-time values skipped while a logger "
                 "was offline (the outage fault).")
    return lines


class Command(BaseCommand):
    help = "Simulate HJ 212 data loggers for the monitoring points (see docs/monitoring.md)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default="127.0.0.1", help="The gateway's address (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=int(os.environ.get("QINGYUAN_GATEWAY_PORT", "9212")))
        parser.add_argument("--devices", type=int, default=0, help="Simulate only the first N points (0: all).")
        parser.add_argument("--mn", action="append", default=[], help="Simulate only these MNs.")
        parser.add_argument("--speed", type=float, default=1.0,
                            help="Simulated seconds per real second (DataTime runs ahead of the clock above 1).")
        parser.add_argument("--duration", type=float, default=None, help="Stop after this many seconds.")
        parser.add_argument("--backfill-hours", type=float, default=24.0,
                            help="Hours of minute/hour history sent at start (0: none).")
        parser.add_argument("--scenario", action="append", default=[], metavar="NAME[:MN]",
                            help="Misbehaviour for every device, or for one MN; repeatable. Names: "
                            + ", ".join(sorted(scenarios.SCENARIOS)))
        parser.add_argument("--no-scenarios", action="store_true", help="Every device behaves.")
        parser.add_argument("--list-scenarios", action="store_true")
        parser.add_argument("--over-time", type=float, default=10.0, help="Seconds to wait for a 9014.")
        parser.add_argument("--re-count", type=int, default=3, help="Retransmissions before giving up.")
        parser.add_argument("--window", type=int, default=16, help="Unacknowledged uploads per device.")
        parser.add_argument("--no-realtime", action="store_true", help="Do not send real-time (2011) data.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["list_scenarios"]:
            for name, text in sorted(scenarios.SCENARIOS.items()):
                self.stdout.write(f"{name:15} {text}")
            return
        if options["speed"] <= 0 or options["over_time"] <= 0 or options["re_count"] < 0 or options["window"] < 1:
            raise CommandError("--speed and --over-time must be positive, --re-count >= 0, --window >= 1")
        points = demo_points()
        if options["mn"]:
            points = [p for p in points if p.mn in set(options["mn"])]
        if options["devices"]:
            points = points[: options["devices"]]
        wanted = options["scenario"]
        if not wanted and not options["no_scenarios"]:
            wanted = demo_scenarios(points)
        try:
            everyone, by_mn = scenarios.parse([] if options["no_scenarios"] else wanted)
        except scenarios.UnknownScenario as exc:
            raise CommandError(str(exc)) from exc
        specs = specs_for(points, everyone, by_mn)
        if not specs:
            raise CommandError("no active monitoring points to simulate (run seed_demo first?)")
        logging.getLogger("qingyuan.simulator").setLevel(logging.INFO)
        run_options = Options(
            host=options["host"], port=options["port"], speed=options["speed"], over_time=options["over_time"],
            re_count=options["re_count"], backfill_hours=options["backfill_hours"], window=options["window"],
            realtime=not options["no_realtime"],
        )
        self.stdout.write(f"simulating {len(specs)} loggers -> {run_options.host}:{run_options.port}, "
                          f"speed {run_options.speed:g}, backfill {run_options.backfill_hours:g} h")
        for line in fault_lines(specs):
            self.stdout.write(line)
        stats = asyncio.run(run_fleet(specs, run_options, duration=options["duration"], handle_signals=True))
        self.stdout.write(f"simulator stopped: {stats.line()}")
