"""Finding a compacted packet's block by its id range (``PacketBlock.first_id`` / ``last_id``), whatever
order the packets were stored in (docs/storage.md, "Raw evidence")."""

from __future__ import annotations

import datetime as dt
import importlib
import logging

import pytest
from django.apps import apps

from qingyuan.monitoring import evidence_codec, evidence_lookup
from qingyuan.monitoring.evidence_blocks import CorruptEvidence, compact_packets, entries_of, ids_of
from qingyuan.monitoring.models import PacketBlock

from .test_evidence_blocks import at, days_ago, fill_day, receive

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("qingyuan.monitoring.migrations.0010_packet_block_id_range").fill_id_ranges


def entry_ids(block: PacketBlock) -> list[int]:
    return [e.id for e in entries_of(block)]


def damage_index(block: PacketBlock) -> None:
    raw = bytearray(block.index)
    raw[-8] ^= 0xFF
    PacketBlock.objects.filter(pk=block.pk).update(index=bytes(raw))


def test_it_finds_each_packet_of_two_blocks_with_overlapping_ranges(world):
    day = days_ago(5)
    for i in range(6):  # the two points' packets stored interleaved: both blocks span the same ids
        for point in (world.point_a, world.point_b):
            receive(point, at(day, 1, 10 * i, 7))
    a = PacketBlock.objects.get(pk=compact_packets(world.point_a.pk, day).block_id)
    b = PacketBlock.objects.get(pk=compact_packets(world.point_b.pk, day).block_id)
    assert a.first_id < b.first_id < a.last_id < b.last_id

    for block in (a, b):
        for packet_id in entry_ids(block):
            assert evidence_lookup.locate(packet_id) == evidence_lookup.Located(block.pk, block.point_id, day)
    inside_a = [i for i in entry_ids(b) if a.first_id < i < a.last_id]  # b's packets within a's range
    assert inside_a and all(evidence_lookup.locate(i).block_id == b.pk for i in inside_a)
    assert evidence_lookup.locate(b.last_id + 1) is None


def test_it_skips_a_damaged_block_instead_of_failing(world, caplog, as_user):
    day = days_ago(5)
    for i in range(4):
        for point in (world.point_a, world.point_b):
            receive(point, at(day, 1, 10 * i, 7))
    a = PacketBlock.objects.get(pk=compact_packets(world.point_a.pk, day).block_id)
    b = PacketBlock.objects.get(pk=compact_packets(world.point_b.pk, day).block_id)
    lost, kept = entry_ids(a), entry_ids(b)
    damage_index(a)

    assert all(evidence_lookup.locate(packet_id).block_id == b.pk for packet_id in kept)
    assert evidence_lookup.locate(lost[1]) is None
    assert as_user(world.regulator).get(f"/monitoring/packets/{lost[1]}/").status_code == 404
    assert any(r.levelname == "ERROR" and "is corrupt" in r.getMessage() for r in caplog.records)


def test_it_does_not_search_a_block_without_a_range(world, monkeypatch):
    day = days_ago(5)
    fill_day(world.point_a, day, 3)
    block = PacketBlock.objects.get(pk=compact_packets(world.point_a.pk, day).block_id)
    packet_id = entry_ids(block)[0]
    PacketBlock.objects.filter(pk=block.pk).update(first_id=None, last_id=None)
    opened = []
    real = evidence_lookup.ids_of
    monkeypatch.setattr(evidence_lookup, "ids_of", lambda b: opened.append(b.pk) or real(b))

    assert evidence_lookup.locate(packet_id) is None and opened == []


def test_it_backfills_the_range_of_existing_blocks_and_leaves_a_damaged_one_empty(world, caplog):
    blocks = []
    for n in (7, 6, 5):
        for point in (world.point_a, world.point_b):
            fill_day(point, days_ago(n), 3)
            blocks.append(compact_packets(point.pk, days_ago(n)).block_id)
    truth = {b.pk: (min(entry_ids(b)), max(entry_ids(b))) for b in PacketBlock.objects.all()}
    PacketBlock.objects.update(first_id=None, last_id=None)  # as the rows were before migration 0010
    damaged = PacketBlock.objects.get(pk=blocks[2])
    damage_index(damaged)

    with caplog.at_level(logging.ERROR, logger="qingyuan.monitoring.evidence"):
        assert backfill(apps, None) == (5, 1)

    got = dict((pk, (first, last)) for pk, first, last in PacketBlock.objects.values_list("pk", "first_id", "last_id"))
    assert got == {**truth, damaged.pk: (None, None)}
    assert any("index damaged, no id range" in r.getMessage() for r in caplog.records)
    assert backfill(apps, None) == (0, 1)  # again: nothing more to fill, the damaged one is still logged
    assert evidence_lookup.locate(truth[blocks[0]][0]).block_id == blocks[0]


def test_it_backfills_in_chunks(world, monkeypatch):
    migration = importlib.import_module("qingyuan.monitoring.migrations.0010_packet_block_id_range")
    monkeypatch.setattr(migration, "CHUNK", 2)
    for n in (8, 7, 6, 5, 4):
        fill_day(world.point_a, days_ago(n), 2)
        compact_packets(world.point_a.pk, days_ago(n))
    PacketBlock.objects.update(first_id=None, last_id=None)

    assert backfill(apps, None) == (5, 0)
    assert not PacketBlock.objects.filter(first_id__isnull=True).exists()
    assert all(b.first_id == min(entry_ids(b)) and b.last_id == max(entry_ids(b)) for b in PacketBlock.objects.all())


def test_it_widens_an_earlier_blocks_range_only_through_its_index_when_a_retransmission_merges(world):
    day = days_ago(6)
    receive(world.point_a, at(day, 9), qn="20261101090000001", data_time=at(day, 9))
    compact_packets(world.point_a.pk, day)
    before = PacketBlock.objects.get(day=day)
    receive(world.point_a, at(days_ago(3), 8), qn="20261101090000001", data_time=at(day, 9))
    receive(world.point_a, at(days_ago(3), 9))

    compact_packets(world.point_a.pk, days_ago(3))

    after = PacketBlock.objects.get(pk=before.pk)  # the retransmission is counted, not kept: same ids
    assert (after.first_id, after.last_id) == (before.first_id, before.last_id) == (entry_ids(after)[0],) * 2
    later = PacketBlock.objects.get(day=days_ago(3))
    assert (later.first_id, later.last_id) == (min(entry_ids(later)), max(entry_ids(later)))
    assert dt.date.fromisoformat(str(later.day)) == days_ago(3)


def test_it_reads_the_ids_of_an_index_as_its_entries_have_them_and_rejects_a_damaged_one(world, caplog):
    day = days_ago(5)
    fill_day(world.point_a, day, 12)
    block = PacketBlock.objects.get(pk=compact_packets(world.point_a.pk, day).block_id)

    assert ids_of(block) == entry_ids(block) and len(entry_ids(block)) == 12

    damage_index(block)
    with pytest.raises(CorruptEvidence):
        ids_of(PacketBlock.objects.get(pk=block.pk))
    assert any(r.levelname == "ERROR" and "is corrupt" in r.getMessage() for r in caplog.records)
    empty = evidence_codec.encode_index(day, [], evidence_codec.CODEC_LZMA)
    assert evidence_codec.index_ids(empty, evidence_codec.CODEC_LZMA) == []
