"""Which evidence block holds a packet, by the packet's id: the old page ``monitoring/packets/<pk>/``.

A compacted packet keeps its narrow row's id in its block's index (``evidence_codec.Entry.id``), and
every block carries the smallest and largest id of its index (``PacketBlock.first_id`` / ``last_id``,
written by ``evidence_blocks`` whenever it writes an index; migration 0010 filled them for the blocks
before). The URL names no point, so the candidates are the blocks whose range holds the id, found
through the range indexes (see ``PacketBlock``). Several blocks may hold it in their range: the points'
packets of a day are stored interleaved, and a late packet merged into an old day's block widens that
block's range. Their indexes (never their frames) are opened, the narrowest range first, until one
holds the id; ids are unique, so that block is the answer. Only the ids of an index are decoded
(``ids_of``: ~3.5 ms for a day of 4,320 frames, against ~31 ms to build its entries), so a county's
66 interleaved blocks of one day cost at most a quarter of a second.

A packet stored out of receipt order, however late, is found. A block with no range (its index could
not be decoded when 0010 ran) is not searched; a damaged block among the candidates is skipped (it is
logged as an error by ``ids_of`` and reported by the evidence pages themselves).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F

from qingyuan.monitoring.evidence_blocks import CorruptEvidence, ids_of
from qingyuan.monitoring.models import PacketBlock


@dataclass(frozen=True)
class Located:
    block_id: int
    point_id: int
    day: dt.date


def candidates(packet_id: int):  # type: ignore[no-untyped-def]
    """The blocks whose id range holds ``packet_id``, the narrowest range first (index only, no frames)."""
    return (PacketBlock.objects.filter(first_id__lte=packet_id, last_id__gte=packet_id)
            .only("id", "point_id", "day", "codec", "index")
            .order_by(F("last_id") - F("first_id"), "id"))


def locate(packet_id: int) -> Located | None:
    """The block holding the compacted packet ``packet_id``, or None (see the module doc)."""
    for block in candidates(packet_id):
        try:
            ids = ids_of(block)
        except CorruptEvidence:
            continue
        if packet_id in ids:
            return Located(block.pk, block.point_id, block.day)
    return None
