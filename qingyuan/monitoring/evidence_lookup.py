"""Which evidence block holds a packet, by the packet's id: the old page ``monitoring/packets/<pk>/``.

A compacted packet keeps its narrow row's id in its block's index (``evidence_codec.Entry.id``), but
the block rows carry no id range, and the URL names no point. Ids are handed out in the order the
gateway stores packets, which is the order of receipt to within its flush interval (seconds), and a
block holds one point's packets of one local day of receipt. So the day is found by bisection over
the days that have blocks, opening one block's index (never its frames) per step: in a block of day
D, an id below the block's smallest lies on day D or before, one above its largest on day D or after.
The days left (two, plus a day's margin on either side for ids stored out of receipt order around
midnight) are then searched block by block. Ten years of a county is ~12 probes and then the blocks
of two to four days (one index each, the days nearest first).

A packet stored more than a day out of order (a late row merged into an old day's block) is not
found this way: the page answers 404 as before. Damaged blocks met on the way are skipped (they are
logged as errors by ``entries_of`` and reported by the evidence pages themselves).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qingyuan.monitoring.evidence_blocks import CorruptEvidence, entries_of
from qingyuan.monitoring.models import PacketBlock

MARGIN_DAYS = 1


@dataclass(frozen=True)
class Located:
    block_id: int
    point_id: int
    day: dt.date


def _blocks(day: dt.date):  # type: ignore[no-untyped-def]
    return PacketBlock.objects.filter(day=day).only("id", "point_id", "day", "codec", "index").order_by("point_id")


def _ids(block: PacketBlock) -> list[int] | None:
    try:
        return [e.id for e in entries_of(block)]
    except CorruptEvidence:
        return None


def locate(packet_id: int) -> Located | None:
    """The block holding the compacted packet ``packet_id``, or None (see the module doc)."""
    days = list(PacketBlock.objects.order_by("day").values_list("day", flat=True).distinct())
    opened: set[int] = set()
    lo, hi = 0, len(days) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        probe = _blocks(days[mid]).first()
        if probe is None:  # deleted meanwhile (expiry): search what is left around it
            break
        opened.add(probe.pk)
        ids = _ids(probe)
        if not ids:
            break
        if packet_id in ids:
            return Located(probe.pk, probe.point_id, probe.day)
        if packet_id < min(ids):
            hi = mid
        elif packet_id > max(ids):
            lo = mid
        else:
            lo = hi = mid
    if not days:
        return None
    candidates = range(max(lo - MARGIN_DAYS, 0), min(hi + MARGIN_DAYS, len(days) - 1) + 1)
    centre = (lo + hi) / 2
    for i in sorted(candidates, key=lambda i: abs(i - centre)):
        for block in _blocks(days[i]):
            if block.pk in opened:
                continue
            ids = _ids(block)
            if ids is not None and packet_id in ids:
                return Located(block.pk, block.point_id, block.day)
    return None
