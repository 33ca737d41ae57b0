"""Compaction of readings (issue 16 part 3): a closed day of a point's readings of one kind in one block."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.management import call_command

from qingyuan.core.models import AuditEntry, Job
from qingyuan.monitoring import compaction, holds, store
from qingyuan.monitoring.codec import CorruptBlock
from qingyuan.monitoring.compaction import compact_day, compact_due, compact_step, first_open_day
from qingyuan.monitoring.models import Reading, ReadingBlock

from .readings_data import at, days_ago, everything, insert, make_rows

pytestmark = pytest.mark.django_db


def test_it_compacts_a_closed_day_into_one_block_and_reads_it_back(world: Any) -> None:
    p = world.point_a.pk
    day = days_ago(5)
    rows = make_rows(random.Random(1), day, "minute")
    insert(p, "minute", rows)
    before = everything(p)

    done = compact_day(p, "minute", day)

    assert done is not None and done.moved == len(rows) and done.count == len(rows)
    assert not Reading.objects.filter(point_id=p, kind="minute").exists()
    block = ReadingBlock.objects.get(point_id=p, kind="minute", day=day)
    assert block.count == len(rows) and block.parameters == "a01012,a19001,a21026"
    assert everything(p) == before
    assert store.rows(p, "minute", at(day, 0), at(day, 86400)) == sorted(rows, key=lambda r: (r.time, r.parameter))


def test_it_leaves_open_and_held_days_narrow_and_audits_the_run(world: Any, monkeypatch: Any) -> None:
    p = world.point_a.pk
    rng = random.Random(2)
    closed, held, fresh = days_ago(4), days_ago(3), first_open_day()
    for day in (closed, held, fresh):
        insert(p, "realtime", make_rows(rng, day, "realtime", n_times=5))
    hold = holds.Hold(p, at(held, 3600), at(held, 7200), "alarm 1")
    monkeypatch.setattr(holds, "_PROVIDERS", {"test": lambda ids, since, until: [hold]})

    assert compact_step() is True

    assert list(ReadingBlock.objects.filter(point_id=p).values_list("day", flat=True)) == [closed]
    assert Reading.objects.filter(point_id=p, time__gte=at(held, 0), time__lt=at(held, 86400)).count() == 15
    assert Reading.objects.filter(point_id=p, time__gte=at(fresh, 0)).count() == 15
    entry = AuditEntry.objects.get(action=compaction.ACTION)
    assert entry.user is None and entry.after["blocks"] == 1 and entry.after["readings"] == 15
    assert entry.after["held"] == 1
    assert compact_step() is False  # nothing left that may be compacted
    assert AuditEntry.objects.filter(action=compaction.ACTION).count() == 1


def test_it_merges_late_and_retransmitted_rows_idempotently(world: Any) -> None:
    """Late rows join the block; a retransmission (same time and parameter) leaves the block's copy."""
    p = world.point_a.pk
    day = days_ago(6)
    rng = random.Random(3)
    first = make_rows(rng, day, "realtime", n_times=10, step=30)
    insert(p, "realtime", first)
    compact_day(p, "realtime", day)
    late = make_rows(rng, day, "realtime", n_times=4, step=30, offset=3600)
    again = [r._replace(rtd=999.0) for r in first[:5]]  # retransmitted with other values: ignored
    insert(p, "realtime", late + again)
    expected = sorted(first + late, key=lambda r: (r.time, r.parameter))

    assert store.rows(p, "realtime", at(day, 0), at(day, 86400)) == expected  # block ∪ narrow, block wins
    done = compact_day(p, "realtime", day)
    assert done is not None and (done.moved, done.dropped, done.count) == (len(late), 5, len(expected))
    snapshot = everything(p)
    data = ReadingBlock.objects.get(point_id=p).data

    assert compact_day(p, "realtime", day) is None  # compacting again changes nothing
    assert everything(p) == snapshot and bytes(ReadingBlock.objects.get(point_id=p).data) == bytes(data)
    assert store.rows(p, "realtime", at(day, 0), at(day, 86400)) == expected


def test_it_reports_a_corrupt_block_and_never_reads_it_as_empty(world: Any, capsys: Any) -> None:
    p = world.point_a.pk
    day = days_ago(7)
    insert(p, "minute", make_rows(random.Random(4), day, "minute", n_times=6))
    compact_day(p, "minute", day)
    block = ReadingBlock.objects.get(point_id=p)
    damaged = bytearray(block.data)
    damaged[len(damaged) // 2] ^= 0x20
    ReadingBlock.objects.filter(pk=block.pk).update(data=bytes(damaged))

    with pytest.raises(CorruptBlock):
        store.rows(p, "minute", at(day, 0), at(day, 86400))
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_blocks")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"DAMAGED block {block.pk}: point {p} minute {day:%Y-%m-%d}" in out
    assert "1 reading blocks checked, 1 damaged" in out
    # a late row for the damaged day stays narrow: compaction refuses to merge into it
    insert(p, "minute", make_rows(random.Random(5), day, "minute", n_times=1, offset=80000))
    totals = compact_due()
    assert totals.corrupt == 1 and totals.blocks == 0
    assert Reading.objects.filter(point_id=p).count() == 3


def test_it_runs_the_backlog_as_a_job_with_progress(world: Any, capsys: Any) -> None:
    rng = random.Random(6)
    for point in (world.point_a, world.point_b):
        for n in (3, 4, 5):
            insert(point.pk, "minute", make_rows(rng, days_ago(n), "minute", n_times=3))
            insert(point.pk, "realtime", make_rows(rng, days_ago(n), "realtime", n_times=3))
    before = everything()

    call_command("compact")

    assert everything() == before
    assert ReadingBlock.objects.count() == 12 and not Reading.objects.exists()
    job = Job.objects.get(kind=compaction.JOB)
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 12, 12)
    entry = AuditEntry.objects.get(action=compaction.ACTION)
    assert entry.object_id == str(job.pk) and entry.after["blocks"] == 12 and entry.after["readings"] == 108
    assert "12 blocks written (12 new) from 12 due units: 108 readings compacted" in capsys.readouterr().out


def test_it_refuses_hour_and_day_readings(world: Any) -> None:
    with pytest.raises(ValueError, match="not compacted"):
        compact_day(world.point_a.pk, "hour", dt.date(2026, 1, 1))
