"""The supervisor behind ``qingyuan demo``: restarts with back-off, says so, stops everything on SIGTERM.

The supervisor runs in a process of its own (it owns the signal handlers and the wake-up fd) over small
Python children; the demo's own test (qingyuan/demo/tests/test_demo_restarts.py) kills its real gateway.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qingyuan.core.supervise import Backoff, describe_exit

ROOT = Path(__file__).resolve().parents[3]
STEADY = "import time\nwhile True: time.sleep(60)"
STUBBORN = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True: time.sleep(60)"


def test_it_doubles_the_delay_up_to_the_cap_and_starts_over_after_a_minute_up():
    backoff = Backoff(first=1.0, cap=30.0, reset_after=60.0)
    failures, delays = 0, []
    for _ in range(7):
        failures, delay = backoff.after_exit(failures, uptime=0.5)
        delays.append(delay)
    assert delays == [1, 2, 4, 8, 16, 30, 30]
    assert failures == 7
    assert backoff.after_exit(failures, uptime=59.0) == (8, 30)
    assert backoff.after_exit(failures, uptime=60.0) == (1, 1)


def test_it_describes_exits_in_plain_words():
    assert describe_exit(3) == "exited with code 3"
    assert describe_exit(0) == "exited with code 0"
    assert describe_exit(-signal.SIGKILL) == "was killed by SIGKILL"


def supervise(tmp_path: Path, children: dict[str, str], *, first: float = 0.2, cap: float = 0.8,
              grace: float = 5.0) -> tuple[subprocess.Popen[bytes], Path]:
    specs = ", ".join(f"Child({name!r}, (sys.executable, '-c', {code!r}))" for name, code in children.items())
    script = (f"import sys\nfrom qingyuan.core.supervise import Backoff, Child, Supervisor\n"
              f"sys.exit(Supervisor([{specs}], backoff=Backoff(first={first}, cap={cap}), grace={grace},"
              f" label='sup').run())\n")
    log = tmp_path / "supervisor.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    return proc, log


def wait_for(log: Path, pattern: str, *, count: int = 1, timeout: float = 20.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.findall(pattern, log.read_text(errors="replace"))
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{pattern!r} x{count} not in:\n{log.read_text(errors='replace')[-3000:]}")


def pids(log: Path) -> list[int]:
    return [int(p) for p in re.findall(r"started \w+ \(pid (\d+)\)", log.read_text(errors="replace"))]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def cleanup(proc: subprocess.Popen[bytes], log: Path) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    for pid in pids(log):
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_it_restarts_a_crashing_child_at_the_capped_back_off_and_keeps_the_others_running(tmp_path):
    proc, log = supervise(tmp_path, {"steady": STEADY, "crasher": "import sys; sys.exit(3)"})
    try:
        lines = wait_for(log, r"sup: crasher \(pid \d+\) exited with code 3 after \d+ s; restarting it in ([\d.]+) s,"
                              r" at \d\d:\d\d:\d\d \((first failure|failure \d+ in a row)\)\.", count=5)
        assert [float(delay) for delay, _ in lines[:5]] == [0.2, 0.4, 0.8, 0.8, 0.8]
        assert [which for _, which in lines[:3]] == ["first failure", "failure 2 in a row", "failure 3 in a row"]
        text = log.read_text()
        assert text.count("started steady") == 1 and "restarted steady" not in text
        assert text.count("restarted crasher") >= 4
        steady = int(re.search(r"started steady \(pid (\d+)\)", text).group(1))
        assert alive(steady) and proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        assert not alive(steady)
        text = log.read_text()
        assert "sup: SIGTERM received: stopping everything." in text
        assert "sup: steady stopped (was killed by SIGTERM)." in text
        assert text.rstrip().endswith("sup: everything stopped.")
    finally:
        cleanup(proc, log)


@pytest.mark.slow
def test_it_restarts_a_killed_child_and_says_which_signal(tmp_path):
    proc, log = supervise(tmp_path, {"gateway": STEADY, "worker": STEADY})
    try:
        wait_for(log, r"started worker")
        first = int(wait_for(log, r"started gateway \(pid (\d+)\)")[0])
        os.kill(first, signal.SIGKILL)
        wait_for(log, rf"sup: gateway \(pid {first}\) was killed by SIGKILL after \d+ s; restarting it in 0\.2 s")
        second = int(wait_for(log, r"restarted gateway \(pid (\d+)\)")[0])
        assert second != first and alive(second)
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert proc.wait(15) == 0
        assert not alive(second)
        assert "sup: SIGINT received: stopping everything." in log.read_text()
    finally:
        cleanup(proc, log)


@pytest.mark.slow
def test_it_kills_a_child_that_ignores_sigterm_after_the_grace_period(tmp_path):
    proc, log = supervise(tmp_path, {"stubborn": STUBBORN, "steady": STEADY}, grace=1.0)
    try:
        wait_for(log, r"started steady")
        stubborn = int(wait_for(log, r"started stubborn \(pid (\d+)\)")[0])
        time.sleep(0.5)  # let the child install its SIGTERM handler
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        assert 0.9 <= time.monotonic() - began < 10
        assert not alive(stubborn)
        text = log.read_text()
        assert "sup: stubborn did not stop within 1 s: killed it (SIGKILL)." in text
        assert "sup: steady stopped (was killed by SIGTERM)." in text
    finally:
        cleanup(proc, log)


@pytest.mark.slow
def test_it_starts_nothing_again_once_asked_to_stop(tmp_path):
    proc, log = supervise(tmp_path, {"crasher": "import sys; sys.exit(1)"}, first=1.0, cap=1.0)
    try:
        wait_for(log, r"crasher \(pid \d+\) exited with code 1")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        time.sleep(1.2)
        assert log.read_text().count("started crasher") == 1 and "restarted crasher" not in log.read_text()
    finally:
        cleanup(proc, log)
