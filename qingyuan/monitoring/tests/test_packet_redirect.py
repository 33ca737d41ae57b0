"""The old packet page ``monitoring/packets/<pk>/`` once its packet was compacted into an evidence block."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.monitoring import evidence_blocks, evidence_lookup
from qingyuan.monitoring.evidence_blocks import compact_packets, entries_of
from qingyuan.monitoring.models import PacketBlock, RawPacket

from .test_evidence_blocks import at, days_ago, receive
from .test_packet_lookup import entry_ids

pytestmark = pytest.mark.django_db
DAYS = (10, 9, 8, 7, 6, 5, 4, 3)


@pytest.fixture
def compacted(world):
    """Eight days of two points' packets, stored interleaved (as the gateway does), every day compacted."""
    for n in DAYS:
        for i in range(4):
            moment = at(days_ago(n), 0) + dt.timedelta(minutes=10 * i, seconds=7)
            for point in (world.point_a, world.point_b):
                receive(point, moment, cn="2051" if i % 2 else "2011", data_time=moment.replace(second=0))
    truth = {}
    for n in DAYS:
        for point in (world.point_a, world.point_b):
            ids = list(RawPacket.objects.filter(point=point, received_at__gte=at(days_ago(n), 0),
                                                received_at__lt=at(days_ago(n - 1), 0)).values_list("pk", flat=True))
            done = compact_packets(point.pk, days_ago(n))
            assert done is not None and done.packets == len(ids) == 4
            truth.update(dict.fromkeys(ids, done.block_id))
    assert not RawPacket.objects.exists() and PacketBlock.objects.count() == 2 * len(DAYS)
    return truth


def test_it_finds_the_block_of_every_compacted_packet(compacted, monkeypatch):
    opened = []
    real = evidence_lookup.ids_of
    monkeypatch.setattr(evidence_lookup, "ids_of", lambda block: opened.append(block.pk) or real(block))
    for packet_id, block_id in compacted.items():
        opened.clear()
        found = evidence_lookup.locate(packet_id)
        assert found is not None and found.block_id == block_id, packet_id
        assert found.point_id == PacketBlock.objects.get(pk=block_id).point_id
        assert len(opened) <= 2  # only the blocks whose range holds the id: the two points' blocks of its day
    assert evidence_lookup.locate(max(compacted) + 1) is None and evidence_lookup.locate(0) is None


@pytest.mark.parametrize("who", ["regulator", "officer", "ent_a"])
def test_it_redirects_to_the_packets_evidence_page_for_those_who_may_read_its_frames(compacted, world, as_user, who):
    client = as_user(getattr(world, who))
    block = PacketBlock.objects.get(point=world.point_a, day=days_ago(7))
    entry = entries_of(block)[2]
    response = client.get(f"/monitoring/packets/{entry.id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/monitoring/points/{world.point_a.pk}/evidence/{block.pk}/{entry.id}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    frame = next(e.text for e in evidence_blocks.frames_of(block) if e.id == entry.id)
    assert frame.split("PW=")[0][-30:] in page.content.decode() and "PW=******" in page.content.decode()


@pytest.mark.parametrize("who", ["ent_b", "inspector", "supervisor", "township", "outsider"])
def test_it_answers_404_not_a_redirect_to_those_who_may_not(compacted, world, as_user, who):
    client = as_user(getattr(world, who))
    packet_id = next(pk for pk, b in compacted.items() if PacketBlock.objects.get(pk=b).point_id == world.point_a.pk)
    assert client.get(f"/monitoring/packets/{packet_id}/").status_code == 404
    assert client.get(f"/monitoring/packets/{max(compacted) + 1}/").status_code == 404  # the same as no packet


def test_it_still_shows_a_narrow_packet_and_404s_an_unknown_one(world, as_user):
    receive(world.point_a, at(days_ago(0), 0, 5))
    packet = RawPacket.objects.get()
    client = as_user(world.regulator)
    assert client.get(f"/monitoring/packets/{packet.pk}/").status_code == 200
    assert client.get(f"/monitoring/packets/{packet.pk + 1}/").status_code == 404
    assert as_user(world.ent_b).get(f"/monitoring/packets/{packet.pk}/").status_code == 404


def test_it_gives_every_block_written_by_compaction_the_range_of_its_ids(compacted):
    for block in PacketBlock.objects.all():
        assert (block.first_id, block.last_id) == (min(entry_ids(block)), max(entry_ids(block)))


def test_it_finds_a_packet_merged_late_into_an_old_days_block(compacted, world, as_user):
    old_day = days_ago(DAYS[0])
    receive(world.point_a, at(days_ago(1), 3))  # newer packets stored after it...
    receive(world.point_a, at(old_day, 20))  # ...then one received on the old day, stored nine days late
    late = RawPacket.objects.get(received_at=at(old_day, 20)).pk
    assert late > max(compacted)

    done = compact_packets(world.point_a.pk, old_day)

    block = PacketBlock.objects.get(pk=done.block_id)
    assert done.packets == 1 and block.day == old_day and late in entry_ids(block)
    assert (block.first_id, block.last_id) == (min(entry_ids(block)), late)  # the range widened to the late id
    assert evidence_lookup.locate(late) == evidence_lookup.Located(block.pk, world.point_a.pk, old_day)
    response = as_user(world.regulator).get(f"/monitoring/packets/{late}/")
    assert response.status_code == 302
    assert response["Location"] == f"/monitoring/points/{world.point_a.pk}/evidence/{block.pk}/{late}/"
    for packet_id, block_id in compacted.items():  # the wide block overlaps every other: all still found
        assert evidence_lookup.locate(packet_id).block_id == block_id
