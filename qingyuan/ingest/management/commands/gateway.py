"""``manage.py gateway``: the HJ 212 gateway storing into the Django database.

Settings come from ``QINGYUAN_GATEWAY_*`` (docs/gateway-behavior.md). Two
defaults differ from the bare gateway: it listens on 127.0.0.1 unless
``QINGYUAN_GATEWAY_HOST`` says otherwise (set it to 0.0.0.0 to take devices
from the network), and it writes its counters to ``var/gateway-stats.json``
for the device status page. Listening on loopback only, the per-address
connection limit is lifted (every simulated device comes from 127.0.0.1).
SIGTERM or SIGINT shuts it down gracefully.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qingyuan.gateway.run import main
from qingyuan.ingest.sink import DjangoSink

DEFAULT_HOST = "127.0.0.1"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def stats_path() -> str:
    return os.environ.get("QINGYUAN_GATEWAY_STATS_PATH") or str(settings.VAR_DIR / "gateway-stats.json")


class Command(BaseCommand):
    help = "Run the HJ 212 gateway: receive packets from data loggers and store them (SIGTERM stops it)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", help="Listen address (default: QINGYUAN_GATEWAY_HOST or 127.0.0.1).")
        parser.add_argument("--port", type=int, help="Listen port (default: QINGYUAN_GATEWAY_PORT or 9212).")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        environ = dict(os.environ)
        environ.setdefault("QINGYUAN_GATEWAY_HOST", DEFAULT_HOST)
        environ.setdefault("QINGYUAN_GATEWAY_STATS_PATH", stats_path())
        if options["host"]:
            environ["QINGYUAN_GATEWAY_HOST"] = options["host"]
        if options["port"] is not None:
            environ["QINGYUAN_GATEWAY_PORT"] = str(options["port"])
        if environ["QINGYUAN_GATEWAY_HOST"] in LOOPBACK:  # every device of a demo comes from 127.0.0.1
            environ.setdefault("QINGYUAN_GATEWAY_MAX_PER_IP", environ.get("QINGYUAN_GATEWAY_MAX_CONNECTIONS", "20000"))
        os.makedirs(os.path.dirname(environ["QINGYUAN_GATEWAY_STATS_PATH"]) or ".", exist_ok=True)
        code = main(DjangoSink, environ)
        if code:
            raise CommandError(f"gateway exited with code {code}")
