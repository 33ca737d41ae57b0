"""The worker loop: a list of ``handle_one_x() -> bool`` steps run until stopped.

Each step claims one row (or one small batch) with an optimistic
``UPDATE ... WHERE`` and returns True if it did something, so several workers can
run against one database without doing the same work twice. Apps register their
steps in ``AppConfig.ready``.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

from qingyuan.core.context import new_request_id, reset_request_id, set_request_id

log = logging.getLogger("qingyuan.worker")


@dataclass(frozen=True)
class Step:
    name: str
    func: Callable[[], bool]
    every: float = 0.0  # minimum seconds between two runs of a periodic step


_STEPS: dict[str, Step] = {}


def register(name: str, func: Callable[[], bool], *, every: float = 0.0) -> None:
    _STEPS[name] = Step(name, func, every)


def steps() -> list[Step]:
    return list(_STEPS.values())


def run_pass(selected: list[Step], last_run: dict[str, float], *, limit: int = 1000) -> int:
    """Run each due step until it reports nothing to do (or ``limit`` items); return items done."""
    done = 0
    for step in selected:
        now = time.monotonic()
        if step.every and now - last_run.get(step.name, -1e9) < step.every:
            continue
        last_run[step.name] = now
        for _ in range(limit):
            token = set_request_id(f"worker-{new_request_id()[:16]}")
            try:
                did = step.func()
            except Exception:
                log.exception("worker step %s failed", step.name)
                did = False
            finally:
                reset_request_id(token)
            if not did:
                break
            done += 1
    return done


def run_forever(selected: list[Step], *, idle_seconds: float, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()

    def handle(signum: int, frame: object) -> None:
        log.info("worker received signal %s, stopping after this step", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
    last_run: dict[str, float] = {}
    while not stop.is_set():
        close_old_connections()
        if run_pass(selected, last_run) == 0:
            stop.wait(idle_seconds)
