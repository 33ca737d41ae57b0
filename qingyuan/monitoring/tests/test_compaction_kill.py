"""Compaction killed with SIGKILL mid-run (issue 16 "Bad input and faults"): nothing lost, nothing doubled."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from qingyuan.monitoring import codec
from qingyuan.monitoring.tests.readings_data import days_ago, insert, key_of, make_rows
from qingyuan.test import make_world

from .sqlite_copy import copy_test_database, manage


def readings_in(path: Path) -> tuple[Counter[tuple[Any, ...]], int, int]:
    """The multiset of readings in the database file (narrow + decoded blocks), narrow rows, blocks."""
    import datetime as dt

    out: Counter[tuple[Any, ...]] = Counter()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cols = ", ".join(codec.Row._fields)
        narrow = db.execute(f"SELECT point_id, kind, {cols} FROM monitoring_reading "  # noqa: S608
                            "WHERE kind IN ('realtime', 'minute')").fetchall()
        for point_id, kind, t, *rest in narrow:
            when = dt.datetime.fromisoformat(t).replace(tzinfo=dt.UTC)
            out[key_of(point_id, kind, codec.Row(when, *rest))] += 1
        blocks = db.execute("SELECT point_id, kind, day, data, checksum, count FROM monitoring_readingblock").fetchall()
        for point_id, kind, day, data, crc, count in blocks:
            for row in codec.decode(dt.date.fromisoformat(day), data, crc, count=count):
                out[key_of(point_id, kind, row)] += 1
    finally:
        db.close()
    return out, len(narrow), len(blocks)


def blocks_in(path: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)
        try:
            return db.execute("SELECT COUNT(*) FROM monitoring_readingblock").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0


def compact(path: Path) -> subprocess.Popen[bytes]:
    return manage(path, "compact")


@pytest.mark.django_db(transaction=True)
def test_it_loses_and_doubles_nothing_when_killed_mid_run(tmp_path: Path) -> None:
    world = make_world()
    rng = random.Random(16)
    for n in range(3, 43):  # 40 closed days x 2 kinds x 2 points = 160 units
        for point in (world.point_a, world.point_b):
            # every 4 minutes: a run long enough (~1 s, the kill waits up to 0.25 s) for the kill to land in it
            insert(point.pk, "minute", make_rows(rng, days_ago(n), "minute", n_times=360, step=240))
            insert(point.pk, "realtime", make_rows(rng, days_ago(n), "realtime", n_times=360, step=240, offset=30))
    path = copy_test_database(tmp_path / "db.sqlite3")
    before, narrow, _ = readings_in(path)
    assert narrow == 160 * 360 * 3 and sum(before.values()) == narrow

    proc = compact(path)
    deadline = time.monotonic() + 240
    while blocks_in(path) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()  # still running: the kill is mid-run
    time.sleep(rng.random() * 0.2)  # somewhere inside a unit's transaction, or between two
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    after, narrow_left, blocks = readings_in(path)
    assert 20 <= blocks < 160 and 0 < narrow_left < narrow
    assert after == before  # each reading narrow or in exactly one block

    done = compact(path)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err.decode()
    final, narrow_left, blocks = readings_in(path)
    assert (narrow_left, blocks) == (0, 160)
    assert final == before
