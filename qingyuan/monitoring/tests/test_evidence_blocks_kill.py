"""Evidence compaction killed with SIGKILL mid-run: every packet is narrow or in exactly one block.

The test database (SQLite in memory) is copied to a file; a subprocess compacts it day by day and
is killed while it works; the file is then read with the bare ``sqlite3`` module and the
pure codec, and a second run finishes the job.
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings

from qingyuan.hj212 import build_packet
from qingyuan.monitoring import evidence_codec
from qingyuan.monitoring.models import RawPacket
from qingyuan.test import make_world

from .sqlite_copy import ROOT, child_env, copy_test_database
from .test_evidence_blocks import at, days_ago

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DAYS, PER_DAY = 6, 1200
CHILD = """
import os, sys
import django
django.setup()
from qingyuan.monitoring.evidence_blocks import compact_packets, due_days
stepped = "--stepped" in sys.argv  # wait for the parent's word before each day: it cannot fall behind
for point_id, day in due_days():
    print("start", day, flush=True)
    if stepped:
        sys.stdin.readline()
    compact_packets(point_id, day)
    print("done", day, flush=True)
"""


def child(path: str, *, stepped: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, *(["--stepped"] if stepped else [])], env=child_env(path),
                            stdin=subprocess.PIPE if stepped else subprocess.DEVNULL, stdout=subprocess.PIPE,
                            text=True, cwd=str(ROOT))


def where_is_everything(path: str) -> tuple[dict[int, str], Counter[int]]:
    """(narrow id -> text, how many blocks hold each id), read from the file without Django."""
    db = sqlite3.connect(path)
    narrow = dict(db.execute("SELECT id, text FROM monitoring_rawpacket"))
    held: Counter[int] = Counter()
    texts: dict[int, str] = {}
    for day, codec, index, data, checksum in db.execute(
            "SELECT day, codec, \"index\", data, checksum FROM monitoring_packetblock"):
        entries = evidence_codec.decode_index(dt.date.fromisoformat(day), index, codec)
        evidence_codec.decode_frames(data, checksum, entries, codec)
        for e in entries:
            held[e.id] += 1
            texts[e.id] = e.text or ""
    db.close()
    overlap = set(narrow) & set(texts)
    assert not overlap, f"{len(overlap)} packets both narrow and compacted"
    return {**narrow, **texts}, held


@pytest.mark.skipif("sqlite" not in settings.DATABASES["default"]["ENGINE"], reason="copies the SQLite database")
def test_it_leaves_every_packet_narrow_or_in_exactly_one_block_when_killed(tmp_path):
    world = make_world()
    point = world.point_a
    rows = []
    for d in range(DAYS):
        day = days_ago(3 + d)
        for i in range(PER_DAY):
            moment = at(day, 0) + dt.timedelta(seconds=57 * i)
            stamp = moment.strftime("%Y%m%d%H%M%S")
            cp = f"DataTime={stamp};w01018-Rtd={random.uniform(10, 90):.2f},w01018-Flag=N;w00000-Rtd=1.{i}"
            text = build_packet(st="32", cn="2011", pw="123456", mn=point.mn, cp=cp, qn=f"{stamp}{i % 1000:03d}",
                                flag=5).decode()
            rows.append(RawPacket(point=point, mn=point.mn, cn="2011", qn=f"{stamp}{i % 1000:03d}",
                                  received_at=moment, peer="10.0.0.8:40000", text=text, verdict="stored",
                                  dedup_key=f"{point.mn}|2011|Q{stamp}{i % 1000:03d}|0", data_time=moment))
    RawPacket.objects.bulk_create(rows, batch_size=2000)
    original = dict(RawPacket.objects.values_list("id", "text"))
    path = str(copy_test_database(tmp_path / "evidence.sqlite3"))

    process = child(path, stepped=True)
    started = 0
    assert process.stdout is not None and process.stdin is not None
    for line in process.stdout:
        if line.startswith("start"):
            started += 1
            process.stdin.write("go\n")
            process.stdin.flush()
            if started == 3:  # inside the third day's transaction, somewhere, or waiting before the fourth
                time.sleep(random.uniform(0.0, 0.25))
                process.send_signal(signal.SIGKILL)
                break
    process.wait(30)
    assert process.returncode == -signal.SIGKILL

    found, held = where_is_everything(path)
    assert found == original  # nothing lost, nothing changed
    assert set(held.values()) <= {1}  # nothing doubled
    assert 0 < len(held) < len(original)  # the kill landed mid-run

    again = child(path)
    out, _ = again.communicate(timeout=600)
    assert again.returncode == 0, out
    found, held = where_is_everything(path)
    assert found == original and set(held) == set(original) and set(held.values()) == {1}
