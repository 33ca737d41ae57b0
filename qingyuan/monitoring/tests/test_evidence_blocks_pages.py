"""The evidence pages over compacted days: the same packets, in the same order, the same frames."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from qingyuan.hj212 import mask_password
from qingyuan.monitoring.evidence_blocks import compact_packets
from qingyuan.monitoring.models import PacketBlock, RawPacket

from .test_evidence_blocks import at, days_ago, fill_day, receive

ROW = re.compile(r'<tr id="packet-(\d+)">(.*?)</tr>', re.S)
LINKS = re.compile(r'(href|hx-get)="[^"]*"')
NOTE = re.compile(r'\n    <div class="text-muted mb-2">[^<]*</div>')


def walk(client, point, cn: str = "") -> list[tuple[int, str]]:
    """Every row of every page of the packet list: (packet id, the row's markup without its links)."""
    rows, page = [], 1
    while True:
        response = client.get(f"/monitoring/points/{point.pk}/packets/", {"cn": cn, "page": page})
        assert response.status_code == 200
        found = ROW.findall(response.content.decode())
        rows += [(int(pk), LINKS.sub("", html)) for pk, html in found]
        if f'page={page + 1}' not in response.content.decode():
            return rows
        page += 1


@pytest.fixture
def three_days(world, settings):
    settings.QINGYUAN_PAGE_SIZE = 4  # 8 packets a page: the days span several pages
    point = world.point_a
    for n in (7, 6, 5):
        fill_day(point, days_ago(n), 9)
    receive(point, at(days_ago(0), 0, 1))
    return point


def test_it_lists_the_same_packets_in_the_same_order_before_and_after_compaction(three_days, world, as_user):
    client, point = as_user(world.regulator), three_days
    before, before_2011 = walk(client, point), walk(client, point, "2011")

    compact_packets(point.pk, days_ago(6))
    compact_packets(point.pk, days_ago(5))  # day 7 stays narrow (as if an open case held it)
    late = RawPacket.objects.create(  # a late row of a compacted day: narrow, listed among the block's
        point=point, mn=point.mn, cn="2011", received_at=at(days_ago(5), 0, 25), peer="10.0.0.8:40000",
        text="##0010late\r\n", verdict="rejected", reason="late")
    after, after_2011 = walk(client, point), walk(client, point, "2011")

    assert PacketBlock.objects.count() == 2 and len(before) == 28
    assert [pk for pk, _ in after] == [pk for pk, _ in before[:7]] + [late.pk] + [pk for pk, _ in before[7:]]
    assert [row for row in after if row[0] != late.pk] == before  # each row's markup unchanged
    assert [row for row in after_2011 if row[0] != late.pk] == before_2011 and len(before_2011) == 9
    assert late.pk in dict(after_2011)


def test_it_opens_only_the_blocks_a_page_needs(three_days, world, as_user, django_assert_max_num_queries,
                                               monkeypatch):
    point = three_days
    for n in (7, 6, 5):
        compact_packets(point.pk, days_ago(n))
    opened = []
    from qingyuan.monitoring import evidence_list

    real = evidence_list.entries_of
    monkeypatch.setattr(evidence_list, "entries_of", lambda block: opened.append(block.day) or real(block))
    client = as_user(world.regulator)

    with django_assert_max_num_queries(14):
        first = client.get(f"/monitoring/points/{point.pk}/packets/")
    assert first.status_code == 200 and opened == [days_ago(5)]  # today's narrow row + 7 of day 5
    opened.clear()
    assert client.get(f"/monitoring/points/{point.pk}/packets/", {"page": 2}).status_code == 200
    assert sorted(opened) == [days_ago(6), days_ago(5)]


def test_it_shows_a_compacted_frame_byte_for_byte_with_its_parse(world, as_user):
    point, day = world.point_a, days_ago(5)
    receive(point, at(day, 9, 0, 5), qn="20260101120000555")
    packet = RawPacket.objects.get()
    client = as_user(world.regulator)
    narrow = client.get(f"/monitoring/packets/{packet.pk}/", HTTP_HX_REQUEST="true").content.decode()

    block_id = compact_packets(point.pk, day).block_id
    url = f"/monitoring/points/{point.pk}/evidence/{block_id}/{packet.pk}/"
    partial, page = client.get(url, HTTP_HX_REQUEST="true"), client.get(url)

    assert partial.status_code == 200 and page.status_code == 200
    body = partial.content.decode()
    assert escape(mask_password(packet.text)) in body and "PW=******" in body and "PW=123456" not in body
    assert "化学需氧量" in body and "w01018" in body and "40.5" in body  # decoded again from the frame
    assert NOTE.sub("", body) == narrow  # the same markup as before, but for the note naming the block
    assert f"{day:%Y-%m-%d}" in NOTE.search(body).group(0) and f"{day:%Y-%m-%d}" in NOTE.search(page.content.decode()).group(0)
    listing = client.get(f"/monitoring/points/{point.pk}/packets/").content.decode()
    assert f'href="{url}"' in listing


def test_it_hides_a_compacted_frame_outside_the_readers_scope(world, as_user):
    day = days_ago(5)
    receive(world.point_a, at(day, 9))
    receive(world.point_b, at(day, 9))
    a, b = (compact_packets(p.pk, day).block_id for p in (world.point_a, world.point_b))
    pk_a = PacketBlock.objects.get(pk=a)
    packet = evidence_id(pk_a)
    url = f"/monitoring/points/{world.point_a.pk}/evidence/{a}/{packet}/"

    assert as_user(world.ent_a).get(url).status_code == 200
    assert as_user(world.officer).get(url).status_code == 200  # the linked unit
    for user in (world.ent_b, world.outsider, world.inspector):
        assert as_user(user).get(url).status_code == 404
    assert as_user(None).get(url).status_code == 302
    regulator = as_user(world.regulator)
    assert regulator.get(f"/monitoring/points/{world.point_b.pk}/evidence/{a}/{packet}/").status_code == 404
    assert regulator.get(f"/monitoring/points/{world.point_a.pk}/evidence/{b}/{packet}/").status_code == 404
    assert regulator.get(f"/monitoring/points/{world.point_a.pk}/evidence/{a}/{packet + 999}/").status_code == 404


def evidence_id(block: PacketBlock) -> int:
    from qingyuan.monitoring.evidence_blocks import entries_of

    return entries_of(block)[0].id


@pytest.mark.parametrize("column", ["data", "index"])
def test_it_says_a_block_is_damaged_instead_of_showing_no_packets(world, as_user, column, caplog):
    point, day = world.point_a, days_ago(5)
    fill_day(point, day, 3)
    block = PacketBlock.objects.get(pk=compact_packets(point.pk, day).block_id)
    packet = evidence_id(block)
    raw = bytearray(getattr(block, column))
    raw[-8] ^= 0xFF
    PacketBlock.objects.filter(pk=block.pk).update(**{column: bytes(raw)})
    client = as_user(world.regulator)

    detail = client.get(f"/monitoring/points/{point.pk}/evidence/{block.pk}/{packet}/")
    listing = client.get(f"/monitoring/points/{point.pk}/packets/")

    assert detail.status_code == 500 and "alert-danger" in detail.content.decode()
    assert f"{day:%Y-%m-%d}" in detail.content.decode()
    if column == "index":  # the list reads only the index
        assert listing.status_code == 500 and "alert-danger" in listing.content.decode()
    assert any(r.levelname == "ERROR" and "is corrupt" in r.getMessage() for r in caplog.records)


def test_it_lists_packet_blocks_in_the_admin_without_their_frames(world, as_user, django_user_model):
    point, day = world.point_a, days_ago(5)
    fill_day(point, day, 3)
    block = PacketBlock.objects.get(pk=compact_packets(point.pk, day).block_id)
    client = as_user(django_user_model.objects.create_superuser("root", password="x"))

    listing = client.get("/admin/monitoring/packetblock/")
    change = client.get(f"/admin/monitoring/packetblock/{block.pk}/change/")

    assert listing.status_code == 200 and f"/admin/monitoring/packetblock/{block.pk}/change/" in listing.content.decode()
    assert change.status_code == 200 and "123456" not in change.content.decode()
