"""Entry point: ``main(sink_factory)`` runs the gateway until SIGTERM or SIGINT.

The Django management command calls ``main(DjangoSink)``; tests and benchmarks
run ``python -m qingyuan.gateway --sink module:factory``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
from collections.abc import Callable, Mapping

from .config import ConfigError, GatewayConfig
from .server import GatewayServer
from .sink import Sink

log = logging.getLogger("qingyuan.gateway")
FD_HEADROOM = 64  # descriptors besides the connections: listening socket, database, log files


def raise_open_files_limit() -> int:
    """Lift the soft RLIMIT_NOFILE to the hard limit: each device is one descriptor."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 1 << 20)
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


async def serve(config: GatewayConfig, sink_factory: Callable[[], Sink]) -> GatewayServer:
    """Run until SIGTERM/SIGINT, then shut down gracefully; a second signal exits at once.

    The handlers are plain ``signal.signal`` handlers that schedule the shutdown
    on the loop: unlike ``loop.add_signal_handler`` they cannot lose a signal when
    the loop's wake-up pipe is full (thousands of sink completions at once).
    """
    server = GatewayServer(config, sink_factory)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)

    def on_signal(signum: int) -> None:
        name = signal.Signals(signum).name
        if server.closing:
            log.warning("second %s: exiting without waiting", name)
            os._exit(1)
        log.info("%s received: shutting down", name)
        server.request_shutdown()

    def handler(signum: int, frame: object) -> None:
        loop.call_soon_threadsafe(on_signal, signum)

    previous = {signum: signal.signal(signum, handler) for signum in signals}
    try:
        await server.serve()
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
    return server


def main(sink_factory: Callable[[], Sink], environ: Mapping[str, str] | None = None) -> int:
    try:
        config = GatewayConfig.from_env(environ)
    except ConfigError as exc:
        logging.basicConfig()
        log.error("%s", exc)
        return 2
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    limit = raise_open_files_limit()
    if limit < config.max_connections + FD_HEADROOM:
        log.warning("open files limit %d leaves no room for max_connections %d: each connection takes one "
                    "descriptor and the gateway needs %d more (listening socket, database, logs); raise the "
                    "limit to at least %d (ulimit -n, systemd LimitNOFILE) or lower max_connections",
                    limit, config.max_connections, FD_HEADROOM, config.max_connections + FD_HEADROOM)
    asyncio.run(serve(config, sink_factory))
    return 0
