from __future__ import annotations

from django.core.management.base import BaseCommand

from qingyuan.demo import data, inbox
from qingyuan.demo.seed import Seeder, summary


class Command(BaseCommand):
    help = "Create the demo county (idempotent): park, units, enterprises, outlets, points, permits, accounts."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        Seeder(log=lambda line: self.stdout.write(line)).run()
        inbox.settle()  # after the seed's commit, which sent its notifications
        counts = summary()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password {data.PASSWORD}):")
        for username, name, position, _role, _unit in data.ACCOUNTS:
            self.stdout.write(f"  {username:<11} {name} · {position}")
