"""``manage.py compact --processes N``: the points split among N processes, every unit compacted once."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from qingyuan.monitoring.tests.readings_data import days_ago, insert, make_rows
from qingyuan.monitoring.tests.sqlite_copy import copy_test_database, manage
from qingyuan.monitoring.tests.test_compaction_kill import readings_in
from qingyuan.test import make_world


def run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    process = manage(path, "compact", *args, text=True)
    stdout, stderr = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.django_db(transaction=True)
def test_it_compacts_every_unit_once_with_two_processes(tmp_path: Path) -> None:
    world = make_world()
    rng = random.Random(6)
    for n in range(3, 9):  # 6 closed days x 2 kinds x 2 points = 24 units
        for point in (world.point_a, world.point_b):
            insert(point.pk, "minute", make_rows(rng, days_ago(n), "minute", n_times=48, step=600))
            insert(point.pk, "realtime", make_rows(rng, days_ago(n), "realtime", n_times=48, step=600, offset=30))
    path = copy_test_database(tmp_path / "db.sqlite3")
    before, narrow, _ = readings_in(path)

    done = run(path, "--processes", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("12 blocks written (12 new)") == 2, done.stdout  # one point each
    after, narrow_left, blocks = readings_in(path)
    assert (narrow_left, blocks) == (0, 24)
    assert after == before and sum(before.values()) == narrow  # nothing lost, nothing doubled

    refused = run(path, "--processes", "2", "--limit", "3")
    assert refused.returncode != 0 and "--limit" in refused.stderr
