"""``manage.py alarm_engine``: evaluate committed ingest batches in a process of their own.

Use it with ``QINGYUAN_QUALITY = {"evaluate_on_commit": False}``: the gateway then
only stores (at its full speed) and this process polls for committed batches
every ``--poll`` seconds, reads their readings back and runs the alarm rules on
another core. Run one: the series history (constant values, sudden drops) is
kept in this process's memory. With ``evaluate_on_commit`` on (the default) it
is not needed; the worker's ``quality.sweep`` step catches anything missed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from qingyuan.core import worker
from qingyuan.quality import queue


def evaluate_now() -> bool:
    return queue.evaluate_pending(older_than=queue.dt.timedelta(0)) > 0


class Command(BaseCommand):
    help = "Evaluate alarm rules on committed ingest batches as they arrive (see QINGYUAN_QUALITY)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--poll", type=float, default=0.05, help="Seconds between polls when idle.")
        parser.add_argument("--once", action="store_true", help="Evaluate what is waiting, then exit.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        step = worker.Step("alarms.evaluate", evaluate_now)
        if options["once"]:
            done = worker.run_pass([step], {}, limit=10**9)
            self.stdout.write(f"alarm engine: {done} batch(es) evaluated")
            return
        self.stdout.write(f"alarm engine polling every {options['poll']} s")
        worker.run_forever([step], idle_seconds=options["poll"])
