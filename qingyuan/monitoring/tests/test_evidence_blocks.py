"""Compressed raw evidence (issue 16 part 2): a closed day of a point's packets in one checksummed block."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from qingyuan.core.models import AuditEntry, Job
from qingyuan.ingest.process import process_packets
from qingyuan.monitoring import evidence_blocks, evidence_codec, holds
from qingyuan.monitoring.evidence_blocks import (
    CorruptEvidence,
    compact_due,
    compact_packets,
    entries_of,
    frames_of,
)
from qingyuan.monitoring.evidence_codec import ZONE, Entry
from qingyuan.monitoring.models import PacketBlock, RawPacket

from .conftest import upload

FIELDS = ("id", "received_at", "peer", "connection_id", "mn", "cn", "qn", "pno", "pnum", "data_time", "verdict",
          "reason", "duplicates", "dedup_key", "result", "text")


def days_ago(n: int) -> dt.date:
    return timezone.localdate(timezone=ZONE) - dt.timedelta(days=n)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=ZONE)


def receive(point: Any, when: dt.datetime, *, cn: str = "2051", qn: str | None = None, cp: str | None = None,
            data_time: dt.datetime | None = None) -> str:
    """One packet through the sink, received at ``when``; returns its verdict."""
    stamp = (data_time or when).astimezone(ZONE).strftime("%Y%m%d%H%M%S")
    return process_packets([upload(point, stamp, cn=cn, qn=qn, cp=cp, at=when.timestamp())])[0].verdict.value


def fill_day(point: Any, day: dt.date, n: int = 30) -> None:
    """A day of uploads: minute data every 10 min and real-time data in between (two CNs)."""
    for i in range(n):
        moment = at(day, 0) + dt.timedelta(minutes=10 * i, seconds=7)
        receive(point, moment, cn="2051" if i % 3 else "2011", data_time=moment.replace(second=0))


def as_rows(point: Any) -> list[tuple[Any, ...]]:
    return [tuple(getattr(p, f) for f in FIELDS) for p in RawPacket.objects.filter(point=point).order_by("id")]


def block_rows(block: PacketBlock) -> list[tuple[Any, ...]]:
    return [tuple(getattr(e, f) for f in FIELDS) for e in frames_of(block)]


# -- the codec ----------------------------------------------------------------------------------
frame_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300) | st.sampled_from([
    "##0101QN=20260301000000001;ST=32;CN=2051;PW=密码;MN=AAAA;CP=&&DataTime=20260301000000;w01018-Avg=40.5&&1C80\r\n",
    "\ufffd\ufffd##00\x00\x01\x7f污水\r\n", "", "\r\n\r\n", "A" * 2000])


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(frame_text, min_size=1, max_size=25), codec=st.sampled_from([1, 2]))
def test_it_reads_back_every_frame_byte_for_byte(texts, codec):
    day = dt.date(2026, 3, 1)
    entries = [Entry(id=i + 1, received_at=at(day, 23, 59, 59).astimezone(dt.UTC) - dt.timedelta(seconds=i),
                     peer="10.0.0.8:40000", connection_id=7, mn="AAAA", cn="2051", qn=f"2026030100000000{i}",
                     pno=None, pnum=None, data_time=None, verdict="stored", reason="", duplicates=0,
                     dedup_key=f"AAAA|2051|Q2026030100000000{i}|0", result={"notes": [t[:20]]}, text=t)
               for i, t in enumerate(texts)]
    data, checksum = evidence_codec.encode_frames(entries, codec)
    index = evidence_codec.encode_index(day, entries, codec)

    back = evidence_codec.decode_index(day, index, codec)
    evidence_codec.decode_frames(data, checksum, back, codec)

    assert [e.text for e in back] == texts
    assert [(e.id, e.received_at, e.dedup_key, e.result) for e in back] == [
        (e.id, e.received_at, e.dedup_key, e.result) for e in entries]


def test_it_compacts_a_closed_day_into_one_block_and_deletes_the_narrow_rows(world):
    day, point = days_ago(5), world.point_a
    fill_day(point, day)
    receive(point, at(days_ago(0), 0, 5))  # today: open, stays narrow
    RawPacket.objects.create(point=point, mn=point.mn, cn="2051", received_at=at(day, 12, 0, 1), peer="10.0.0.9:1",
                             text="##0042QN=1;污水 \ufffd\x01 PW=123456;\r\n", verdict="rejected",
                             reason="no valid DataTime in a 2051 upload", result={"notes": ["坏"]})
    before = [r for r in as_rows(point) if r[1].astimezone(ZONE).date() == day]

    done = compact_packets(point.pk, day)

    block = PacketBlock.objects.get()
    assert done is not None and done.packets == 31 and done.block_id == block.pk
    assert (block.point_id, block.day, block.count) == (point.pk, day, 31)
    assert block_rows(block) == sorted(before, key=lambda r: (r[1], r[0]))  # every field, every byte
    assert block.stats["verdict"] == {"stored": 30, "rejected": 1} and block.stats["cn"] == {"2051": 21, "2011": 10}
    assert RawPacket.objects.filter(point=point).count() == 1  # today's
    entry = AuditEntry.objects.get(action="packet_block.compact")
    assert (entry.user, entry.object_id, entry.related_id) == (None, str(block.pk), str(point.pk))
    assert entry.after["packets"] == 31 and entry.after["checksum"] == block.checksum
    assert compact_packets(point.pk, day) is None  # nothing left: idempotent
    assert AuditEntry.objects.filter(action="packet_block.compact").count() == 1


def test_it_leaves_open_days_and_days_an_open_case_holds_narrow(world, monkeypatch, settings):
    point = world.point_a
    for n in (1, 3, 4):
        fill_day(point, days_ago(n), 3)
    monkeypatch.setitem(holds._PROVIDERS, "test", lambda ids, since, until: [
        holds.Hold(point.pk, at(days_ago(4), 10), at(days_ago(4), 11), "alarm 1"),  # open: pins
        holds.Hold(point.pk, at(days_ago(3), 10), at(days_ago(3), 11), "alarm 2", pins_compaction=False)])

    assert evidence_blocks.due_days() == [(point.pk, days_ago(3))]  # 1 day ago is not closed (48 h)
    totals = compact_due()

    assert totals.blocks == 1 and list(PacketBlock.objects.values_list("day", flat=True)) == [days_ago(3)]
    assert compact_packets(point.pk, days_ago(4)) is None and compact_packets(point.pk, days_ago(1)) is None
    settings.QINGYUAN_COMPACT_AFTER_HOURS = 0
    assert compact_packets(point.pk, days_ago(1)) is not None


def test_it_merges_a_retransmission_after_compaction_into_its_entry_idempotently(world):
    point, day = world.point_a, days_ago(6)
    qn = at(day, 9).strftime("%Y%m%d%H%M%S") + "123"
    assert receive(point, at(day, 9, 0, 5), qn=qn) == "stored"
    receive(point, at(day, 10), qn=None)
    compact_packets(point.pk, day)
    # the logger sends the packet again three days later: the key is in the block, so it is stored narrow
    assert receive(point, at(days_ago(3), 8), qn=qn, data_time=at(day, 9)) == "stored"
    receive(point, at(days_ago(3), 9))

    done = compact_packets(point.pk, days_ago(3))

    assert done is not None and (done.packets, done.retransmissions) == (1, 1)
    first = PacketBlock.objects.get(day=day)
    original = next(e for e in entries_of(first) if e.qn == qn)
    assert original.duplicates == 1 and first.count == 2 and first.stats["retransmissions"] == 1
    later = PacketBlock.objects.get(day=days_ago(3))
    assert later.count == 1 and all(e.qn != qn for e in entries_of(later))
    assert not RawPacket.objects.filter(point=point).exists()
    frames_of(first)  # still verifies: the frames did not change, only the index
    assert compact_packets(point.pk, days_ago(3)) is None and compact_due().blocks == 0
    assert next(e for e in entries_of(PacketBlock.objects.get(day=day)) if e.qn == qn).duplicates == 1


def test_it_merges_late_rows_into_the_existing_block(world):
    point, day = world.point_a, days_ago(5)
    fill_day(point, day, 4)
    compact_packets(point.pk, day)
    receive(point, at(day, 23, 59, 58))  # a late row of a compacted day (held back, then released)
    receive(point, at(day, 0, 0, 1))

    done = compact_packets(point.pk, day)

    block = PacketBlock.objects.get()
    assert done is not None and done.packets == 2 and block.count == 6
    times = [e.received_at for e in frames_of(block)]
    assert times == sorted(times) and len({e.id for e in frames_of(block)}) == 6


@pytest.mark.parametrize("column", ["data", "index", "checksum"])
def test_it_refuses_a_corrupted_block_instead_of_reading_it_as_empty(world, column, caplog):
    point, day = world.point_a, days_ago(5)
    fill_day(point, day, 5)
    compact_packets(point.pk, day)
    block = PacketBlock.objects.get()
    if column == "checksum":
        block.checksum ^= 1
    else:
        raw = bytearray(getattr(block, column))
        raw[len(raw) // 2] ^= 0xFF
        setattr(block, column, bytes(raw))
    block.save()

    with pytest.raises(CorruptEvidence):
        frames_of(PacketBlock.objects.get())
    assert "is corrupt" in caplog.text and caplog.records[-1].levelname == "ERROR"


def test_it_runs_the_backlog_as_a_job_with_progress_and_one_audit_entry(world):
    for n in (5, 6, 7):
        fill_day(world.point_a, days_ago(n), 3)
    fill_day(world.point_b, days_ago(6), 3)

    call_command("compact_evidence", stdout=open("/dev/null", "w"))

    job = Job.objects.get(kind="monitoring.compact_evidence")
    assert job.status == Job.Status.DONE and (job.done, job.total) == (4, 4)
    assert PacketBlock.objects.count() == 4 and not RawPacket.objects.exists()
    entry = AuditEntry.objects.get(action="evidence.compact")
    assert entry.user is None and entry.after == {"days": 4, "blocks": 4, "packets": 12, "retransmissions": 0,
                                                  "bytes": entry.after["bytes"]}


def test_it_compacts_from_the_worker_step(world):
    fill_day(world.point_a, days_ago(4), 3)

    assert evidence_blocks.compact_step() is True
    assert evidence_blocks.compact_step() is False
    assert PacketBlock.objects.get().count == 3
