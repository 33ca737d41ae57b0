"""Compaction reads and encodes outside the write transaction, then writes units in batches (issue 16).

What a unit read and encoded (``compaction.prepare``) is written (``compaction._write``) only when
the narrow rows and the block are still the ones read; otherwise that unit rolls back alone and a
later run takes it. A batch is one transaction: its units are compacted together or not at all.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from qingyuan.monitoring import compaction
from qingyuan.monitoring.compaction import Totals, compact_day, compact_units, prepare
from qingyuan.monitoring.models import Reading, ReadingBlock

from .readings_data import at, days_ago, everything, insert, make_rows

pytestmark = pytest.mark.django_db


def test_it_rolls_a_unit_back_when_a_late_row_arrives_between_read_and_write(world: Any) -> None:
    p, day = world.point_a.pk, days_ago(5)
    insert(p, "minute", make_rows(random.Random(1), day, "minute", n_times=6))
    prepared = prepare(p, "minute", day)
    assert prepared is not None and prepared.readings == 18
    insert(p, "minute", make_rows(random.Random(2), day, "minute", n_times=1, offset=80000))  # the late row
    before = everything()

    totals = Totals()
    compaction._write(totals, [prepared])

    assert (totals.blocks, totals.conflicts) == (0, 1)
    assert not ReadingBlock.objects.exists() and Reading.objects.count() == 21 and everything() == before
    done = compact_day(p, "minute", day)  # the next run takes the late row in
    assert done is not None and done.count == 21 and everything() == before and not Reading.objects.exists()


def test_it_rolls_back_when_a_row_went_and_another_came_in_equal_number(world: Any) -> None:
    """Same count, other rows (e.g. one deleted, one late): the newest id differs, the unit rolls back."""
    p, day = world.point_a.pk, days_ago(5)
    insert(p, "realtime", make_rows(random.Random(3), day, "realtime", n_times=4, codes=("a21026",)))
    prepared = prepare(p, "realtime", day)
    assert prepared is not None
    Reading.objects.filter(point_id=p).order_by("time").first().delete()
    insert(p, "realtime", make_rows(random.Random(4), day, "realtime", n_times=1, codes=("a21026",), offset=70000))
    assert Reading.objects.count() == prepared.readings

    totals = Totals()
    compaction._write(totals, [prepared])

    assert (totals.blocks, totals.conflicts) == (0, 1) and not ReadingBlock.objects.exists()


def test_it_rolls_back_only_the_conflicting_unit_of_a_batch(world: Any) -> None:
    rng = random.Random(5)
    day = days_ago(4)
    for point in (world.point_a, world.point_b):
        insert(point.pk, "minute", make_rows(rng, day, "minute", n_times=5))
    first, second = prepare(world.point_a.pk, "minute", day), prepare(world.point_b.pk, "minute", day)
    assert first is not None and second is not None
    assert compact_day(world.point_b.pk, "minute", day) is not None  # another run compacted B meanwhile
    before = everything()

    totals = Totals()
    compaction._write(totals, [first, second])

    assert (totals.blocks, totals.created, totals.readings, totals.conflicts) == (1, 1, 15, 1)
    assert ReadingBlock.objects.count() == 2 and not Reading.objects.exists()
    assert everything() == before  # nothing lost, nothing doubled


def test_it_rolls_back_when_the_block_changed_since_it_was_read(world: Any) -> None:
    p, day = world.point_a.pk, days_ago(6)
    rng = random.Random(6)
    insert(p, "minute", make_rows(rng, day, "minute", n_times=3))
    compact_day(p, "minute", day)
    insert(p, "minute", make_rows(rng, day, "minute", n_times=2, offset=40000))
    prepared = prepare(p, "minute", day)  # a merge into the block read
    assert prepared is not None and prepared.block is not None
    insert(p, "minute", make_rows(rng, day, "minute", n_times=1, offset=60000))
    assert compact_day(p, "minute", day) is not None  # the block changed under it
    before = everything()

    totals = Totals()
    compaction._write(totals, [prepared])

    assert (totals.blocks, totals.conflicts) == (0, 1) and everything() == before
    assert ReadingBlock.objects.get().count == 18


def test_it_writes_a_batch_per_transaction_and_reports_progress_after_each(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(compaction, "BATCH_UNITS", 3)
    writes: list[int] = []
    real_write = compaction._write
    monkeypatch.setattr(compaction, "_write", lambda totals, batch: (writes.append(len(batch)),
                                                                     real_write(totals, batch)))
    rng = random.Random(7)
    units = []
    for n in range(3, 10):  # 7 units
        insert(world.point_a.pk, "realtime", make_rows(rng, days_ago(n), "realtime", n_times=2))
        units.append((world.point_a.pk, "realtime", days_ago(n)))
    units.append((world.point_b.pk, "realtime", days_ago(3)))  # nothing narrow: no block, no write
    before = everything()
    seen: list[int] = []

    totals = Totals()
    taken = compact_units(totals, units, progress=lambda n, unit: seen.append(n))

    assert taken == 8 and writes == [3, 3, 1] and seen == [3, 6, 8]
    assert (totals.blocks, totals.readings) == (7, 42) and ReadingBlock.objects.count() == 7
    assert everything() == before and not Reading.objects.exists()


def test_it_writes_what_it_prepared_when_told_to_stop(world: Any) -> None:
    rng = random.Random(8)
    units = []
    for n in range(3, 7):
        insert(world.point_a.pk, "minute", make_rows(rng, days_ago(n), "minute", n_times=2))
        units.append((world.point_a.pk, "minute", days_ago(n)))

    totals = Totals()
    assert compact_units(totals, units, stop=lambda n: n >= 2) == 2

    assert totals.blocks == 2 and ReadingBlock.objects.count() == 2
    assert Reading.objects.filter(time__lt=at(days_ago(4), 0)).count() == 12  # the two older days: narrow
