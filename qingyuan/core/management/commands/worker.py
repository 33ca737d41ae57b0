from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qingyuan.core import worker


class Command(BaseCommand):
    help = "Run the background worker: deadlines, escalation, device status and other periodic jobs."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="Run every step until idle, then exit.")
        parser.add_argument("--step", action="append", default=[], help="Only run the named step(s).")
        parser.add_argument("--list", action="store_true", help="List the registered steps and exit.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        available = {s.name: s for s in worker.steps()}
        if options["list"]:
            for name in sorted(available):
                self.stdout.write(name)
            return
        unknown = [n for n in options["step"] if n not in available]
        if unknown:
            raise CommandError(f"Unknown step(s): {', '.join(unknown)}. Known: {', '.join(sorted(available))}")
        selected = [available[n] for n in options["step"]] if options["step"] else list(available.values())
        if options["once"]:
            done = worker.run_pass(selected, {}, limit=10**9)
            self.stdout.write(f"worker pass done: {done} item(s)")
            return
        self.stdout.write(f"worker running {len(selected)} step(s): {', '.join(s.name for s in selected)}")
        worker.run_forever(selected, idle_seconds=settings.QINGYUAN_WORKER_IDLE_SECONDS)
