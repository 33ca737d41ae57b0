"""The old packet page ``monitoring/packets/<pk>/`` once its packet was compacted into an evidence block."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.monitoring import evidence_blocks, evidence_lookup
from qingyuan.monitoring.evidence_blocks import compact_packets, entries_of
from qingyuan.monitoring.models import PacketBlock, RawPacket

from .test_evidence_blocks import at, days_ago, receive

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
    real = evidence_lookup.entries_of
    monkeypatch.setattr(evidence_lookup, "entries_of", lambda block: opened.append(block.pk) or real(block))
    for packet_id, block_id in compacted.items():
        opened.clear()
        found = evidence_lookup.locate(packet_id)
        assert found is not None and found.block_id == block_id, packet_id
        assert found.point_id == PacketBlock.objects.get(pk=block_id).point_id
        assert len(opened) <= 2 + 2 * 4  # bisection probes, then at most two points' blocks of four days
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
