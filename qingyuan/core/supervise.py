"""Keep a few child processes running: the supervisor behind ``qingyuan demo``.

A child that exits, crashed or not, is started again after a back-off delay:
1 s, doubling up to 30 s; once a child has stayed up for a minute its back-off
starts over. A child that keeps crashing is retried at the cap for ever and
never takes the others down. SIGINT or SIGTERM stop everything: each child gets
one SIGTERM, and SIGKILL if it is still running after a grace period. Every
start, exit, restart and stop is said on the console in plain words.

Each child runs in a process group of its own, so a Ctrl-C in the terminal
reaches only the supervisor, which then stops the children with one SIGTERM each
(the gateway treats a second signal as "exit without waiting").

No sleep-polling: SIGCHLD, SIGINT and SIGTERM write to a wake-up pipe
(``signal.set_wakeup_fd``) and the loop waits on it with ``select()`` until the
next restart is due. Standard library only; it must run in the main thread.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True, slots=True)
class Child:
    name: str
    argv: tuple[str, ...]
    delay: float = 0.0  # seconds after the supervisor starts before this child's first start


@dataclass(frozen=True, slots=True)
class Backoff:
    first: float = 1.0
    cap: float = 30.0
    reset_after: float = 60.0  # a child up this long has recovered: its next restart waits `first` again

    def after_exit(self, failures: int, uptime: float) -> tuple[int, float]:
        """(failures in a row, seconds to wait) after a child that had ``failures`` ran ``uptime`` seconds."""
        failures = 1 if uptime >= self.reset_after else failures + 1
        return failures, min(self.cap, self.first * 2 ** (failures - 1))


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


@dataclass
class _State:
    child: Child
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    start_at: float | None = None  # monotonic time of the next (re)start, None while running


class Supervisor:
    def __init__(self, children: Sequence[Child], *, backoff: Backoff = Backoff(), grace: float = 15.0,
                 env: Mapping[str, str] | None = None, label: str = "qingyuan", out: TextIO | None = None) -> None:
        self.states = [_State(c) for c in children]
        self.backoff, self.grace, self.env, self.label = backoff, grace, env, label
        self.out = out or sys.stdout
        self.stopping = False
        self.stop_signal = ""

    def say(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self.out, flush=True)

    def run(self) -> int:
        """Run the children until SIGINT or SIGTERM, then stop them; returns 0."""
        read_fd, write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        os.set_blocking(write_fd, False)
        previous_fd = signal.set_wakeup_fd(write_fd)
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        previous[signal.SIGCHLD] = signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake select()
        try:
            now = time.monotonic()
            for state in self.states:
                state.start_at = now + state.child.delay
            while not self.stopping:
                self._start_due()
                self._reap()
                if self.stopping:
                    break
                select.select([read_fd], [], [], self._timeout())
                try:
                    os.read(read_fd, 512)
                except BlockingIOError:
                    pass
            self.say(f"{self.stop_signal} received: stopping everything.")
            self._stop_all()
        finally:
            signal.set_wakeup_fd(previous_fd)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            os.close(read_fd)
            os.close(write_fd)
        return 0

    def _on_signal(self, signum: int, frame: object) -> None:
        # No printing here: a handler that prints while the loop prints raises "reentrant call".
        self.stop_signal = self.stop_signal or signal.Signals(signum).name
        self.stopping = True

    def _timeout(self) -> float | None:
        due = [s.start_at for s in self.states if s.start_at is not None]
        return max(0.0, min(due) - time.monotonic()) if due else None

    def _start_due(self) -> None:
        now = time.monotonic()
        for state in self.states:
            if state.start_at is None or state.start_at > now or self.stopping:
                continue
            restart = state.proc is not None
            try:
                state.proc = subprocess.Popen(state.child.argv, env=self.env, process_group=0)
            except OSError as exc:
                state.failures, wait = self.backoff.after_exit(state.failures, 0.0)
                state.start_at = now + wait
                self.say(f"{state.child.name} could not be started ({exc}); trying again in {wait:g} s.")
                continue
            state.started_at, state.start_at = time.monotonic(), None
            self.say(f"{'restarted' if restart else 'started'} {state.child.name} (pid {state.proc.pid}).")

    def _reap(self) -> None:
        for state in self.states:
            if state.proc is None or state.start_at is not None or state.proc.poll() is None:
                continue
            uptime = time.monotonic() - state.started_at
            state.failures, wait = self.backoff.after_exit(state.failures, uptime)
            state.start_at = time.monotonic() + wait
            at = time.strftime("%H:%M:%S", time.localtime(time.time() + wait))
            self.say(f"{state.child.name} (pid {state.proc.pid}) {describe_exit(state.proc.returncode)} after "
                     f"{uptime:.0f} s; restarting it in {wait:g} s, at {at} ({self._in_a_row(state)}).")

    @staticmethod
    def _in_a_row(state: _State) -> str:
        return "first failure" if state.failures == 1 else f"failure {state.failures} in a row"

    def _running(self) -> list[_State]:
        return [s for s in self.states if s.proc is not None and s.start_at is None and s.proc.poll() is None]

    def _stop_all(self) -> None:
        running = self._running()
        for state in running:
            assert state.proc is not None
            state.proc.send_signal(signal.SIGTERM)
        if running:
            self.say(f"sent SIGTERM to {', '.join(s.child.name for s in running)}; "
                     f"waiting up to {self.grace:g} s for them to finish.")
        deadline = time.monotonic() + self.grace
        for state in running:
            assert state.proc is not None
            try:
                code = state.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                self.say(f"{state.child.name} stopped ({describe_exit(code)}).")
            except subprocess.TimeoutExpired:
                state.proc.kill()
                state.proc.wait()
                self.say(f"{state.child.name} did not stop within {self.grace:g} s: killed it (SIGKILL).")
        self.say("everything stopped.")
