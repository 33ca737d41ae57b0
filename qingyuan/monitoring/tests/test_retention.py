"""Expiry deletes exactly what is beyond each tier's window, never hour/day readings, never a held day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qingyuan.core.models import AuditEntry
from qingyuan.monitoring import holds, retention
from qingyuan.monitoring.models import ExpiryMark, ExpiryRun, PacketBlock, RawPacket, Reading, ReadingBlock

from .retention_data import NOW, WINDOWS, at, packet, packet_block, reading, reading_block

D = dt.date


@pytest.fixture
def windows(settings):
    for name, days in WINDOWS.items():
        setattr(settings, name, days)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_knows_the_first_kept_day_of_each_tier(windows):
    assert retention.first_kept_days(NOW) == {"realtime": D(2026, 3, 10), "minute": D(2026, 2, 18),
                                              "raw": D(2026, 2, 28)}


def test_it_deletes_a_second_before_the_first_kept_day_and_keeps_its_midnight(world, windows, clock):
    p = world.point_a
    gone_rt = reading(p, "realtime", at(D(2026, 3, 9), 23, 59, 59))
    kept_rt = reading(p, "realtime", at(D(2026, 3, 10)))
    gone_min = reading(p, "minute", at(D(2026, 2, 17), 23, 59, 59))
    kept_min = reading(p, "minute", at(D(2026, 2, 18)))
    gone_raw = packet(p, at(D(2026, 2, 27), 23, 59, 59))
    kept_raw = packet(p, at(D(2026, 2, 28)))
    old_hour = reading(p, "hour", at(D(2020, 1, 1), 8))
    old_day = reading(p, "day", at(D(2020, 1, 1)))

    totals = retention.expire_all(now=NOW)

    remaining = set(Reading.objects.values_list("pk", flat=True))
    assert remaining == {kept_rt.pk, kept_min.pk, old_hour.pk, old_day.pk}
    assert gone_rt.pk not in remaining and gone_min.pk not in remaining
    assert set(RawPacket.objects.values_list("pk", flat=True)) == {kept_raw.pk}
    assert not RawPacket.objects.filter(pk=gone_raw.pk).exists()
    assert (totals["realtime"], totals["minute"], totals["raw"]) == (1, 1, 1)


def test_it_deletes_blocks_beyond_the_window_and_counts_their_readings(world, windows, clock):
    p = world.point_a
    reading_block(p, "realtime", D(2026, 3, 9), count=7)
    kept = reading_block(p, "realtime", D(2026, 3, 10), count=7)
    reading_block(p, "minute", D(2026, 1, 5), count=3)
    packet_block(p, D(2026, 2, 27), count=5)
    kept_packets = packet_block(p, D(2026, 2, 28), count=5)

    totals = retention.expire_all(now=NOW)

    assert list(ReadingBlock.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(PacketBlock.objects.values_list("pk", flat=True)) == [kept_packets.pk]
    assert (totals["realtime"], totals["minute"], totals["raw"], totals["blocks"]) == (7, 3, 5, 3)


def test_it_expires_packets_that_never_matched_a_point(world, windows, clock):
    old = packet(None, at(D(2026, 1, 1), 9), mn="UNKNOWN-MN")
    new = packet(None, at(D(2026, 3, 1), 9), mn="UNKNOWN-MN")

    retention.expire_all(now=NOW)

    assert not RawPacket.objects.filter(pk=old.pk).exists() and RawPacket.objects.filter(pk=new.pk).exists()


def test_it_never_expires_a_held_day_but_expires_the_days_around_it(world, windows, clock, monkeypatch):
    """A hold (open or closed case) pins its local days against expiry."""
    p = world.point_a
    monkeypatch.setitem(holds._PROVIDERS, "test", lambda ids, since, until: [
        holds.Hold(p.pk, at(D(2026, 1, 10), 15), at(D(2026, 1, 11), 2), "case 1", pins_compaction=False)])
    before, first, second, after = (reading(p, "minute", at(D(2026, 1, d), 12)) for d in (9, 10, 11, 12))
    block = reading_block(p, "minute", D(2026, 1, 11), count=4)
    raw_held = packet(p, at(D(2026, 1, 10), 20))
    other_point = reading(world.point_b, "minute", at(D(2026, 1, 10), 12))

    retention.expire_all(now=NOW)

    assert set(Reading.objects.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert ReadingBlock.objects.filter(pk=block.pk).exists() and RawPacket.objects.filter(pk=raw_held.pk).exists()
    assert not Reading.objects.filter(pk__in=[before.pk, after.pk, other_point.pk]).exists()
    run = ExpiryRun.objects.get()
    assert run.counts["held_days_skipped"] == 3  # two minute days and one raw day of point A


def test_it_writes_one_audit_entry_per_batch_with_the_counts_deleted(world, windows, clock):
    p = world.point_a
    for minute in range(0, 60, 10):
        reading(p, "realtime", at(D(2026, 3, 1), 8, minute))
        reading(p, "minute", at(D(2026, 1, 1), 8, minute))
    for hour in range(3):
        packet(p, at(D(2026, 2, 1), hour))
    reading_block(p, "minute", D(2026, 1, 2), count=11)

    retention.expire_all(now=NOW)

    entry = AuditEntry.objects.get(action="monitoring.expire")
    assert (entry.user, entry.user_name) == (None, "")
    assert entry.after == {"realtime": 6, "minute": 6 + 11, "raw": 3, "blocks": 1, "held_days_skipped": 0}
    assert Reading.objects.count() == 0 and RawPacket.objects.count() == 0 and ReadingBlock.objects.count() == 0
    run = ExpiryRun.objects.get()
    assert entry.object_id == str(run.pk) and run.counts == entry.after and run.source == "command"


def test_it_claims_each_day_once_so_a_second_run_does_nothing(world, windows, clock):
    p = world.point_a
    reading(p, "realtime", at(D(2026, 3, 1), 8))
    retention.ensure_marks()
    stale = list(ExpiryMark.objects.all())  # what a second worker read before the first one committed

    first = retention.expire_batch(now=NOW)
    assert first.counts["realtime"] == 1 and first.claimed

    # The second worker's claims (same marks, same next_day seen) update nothing, so it deletes nothing,
    # even of data that landed meanwhile on a day the first one already looked at.
    late = reading(p, "realtime", at(D(2026, 3, 1), 9))
    for mark in stale:
        assert ExpiryMark.objects.filter(pk=mark.pk, next_day=mark.next_day).update(next_day=D(2026, 3, 2)) == 0
    second = retention.expire_batch(now=NOW)
    assert second.claimed == 0 and second.deleted == 0 and second.run is None
    assert Reading.objects.filter(pk=late.pk).exists()
    assert AuditEntry.objects.filter(action="monitoring.expire").count() == 1


def test_it_stops_a_batch_at_its_row_budget_and_the_next_batch_goes_on(world, windows, clock):
    p = world.point_a
    for day in (1, 2, 3):
        reading(p, "minute", at(D(2026, 1, day), 8))
        reading(p, "minute", at(D(2026, 1, day), 9))

    first = retention.expire_batch(now=NOW, max_rows=2)
    assert first.counts["minute"] == 2 and Reading.objects.count() == 4
    retention.expire_all(now=NOW)
    assert Reading.objects.count() == 0
    assert sum(r.counts["minute"] for r in ExpiryRun.objects.all()) == 6


def test_the_worker_step_reports_work_until_nothing_is_due(world, windows, clock):
    reading(world.point_a, "realtime", at(D(2026, 3, 1), 8))
    assert retention.expire_step() is True
    while retention.expire_step():
        pass
    assert retention.expire_step() is False and Reading.objects.count() == 0


def test_rescan_looks_again_at_days_already_passed(world, windows, clock):
    p = world.point_a
    retention.expire_all(now=NOW)
    straggler = reading(p, "realtime", at(D(2026, 2, 1), 8))  # arrived for a day the marks had passed
    retention.expire_all(now=NOW)
    assert Reading.objects.filter(pk=straggler.pk).exists()
    retention.rescan()
    retention.expire_all(now=NOW)
    assert not Reading.objects.filter(pk=straggler.pk).exists()
