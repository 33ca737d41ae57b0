"""Frames the gateway discarded: counted per day, reason and MN, with the last few kept as samples."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F

from qingyuan.gateway.sink import InvalidReceived
from qingyuan.monitoring.frames import device_zone
from qingyuan.monitoring.models import InvalidFrameCount, InvalidFrameSample

_MN = re.compile(rb"MN=([0-9A-Za-z_\-]{1,64})")


def mn_in(data: bytes) -> str:
    """The MN the discarded bytes name, if any (a bad-CRC frame still says who sent it)."""
    match = _MN.search(data)
    return match.group(1).decode("ascii") if match else ""


@transaction.atomic
def record_invalid(frames: Sequence[InvalidReceived]) -> None:
    if not frames:
        return
    zone = device_zone()
    counts: Counter[tuple[dt.date, str, str]] = Counter()
    samples = []
    for f in frames:
        at = dt.datetime.fromtimestamp(f.received_at, dt.UTC)
        mn = mn_in(f.data)
        counts[(at.astimezone(zone).date(), f.reason[:32], mn)] += 1
        samples.append(InvalidFrameSample(
            reason=f.reason[:32], detail=f.detail[:300], mn=mn, peer=f.peer[:64], received_at=at,
            data=f.data.decode("utf-8", "backslashreplace")))
    days = {day for day, _, _ in counts}
    existing = {(c.day, c.reason, c.mn): c.pk for c in InvalidFrameCount.objects.filter(day__in=days)
                .filter(reason__in={r for _, r, _ in counts}, mn__in={m for _, _, m in counts})}
    new = []
    for key, n in counts.items():
        pk = existing.get(key)
        if pk is None:
            new.append(InvalidFrameCount(day=key[0], reason=key[1], mn=key[2], count=n))
        else:
            InvalidFrameCount.objects.filter(pk=pk).update(count=F("count") + n)
    InvalidFrameCount.objects.bulk_create(new)
    InvalidFrameSample.objects.bulk_create(samples[-InvalidFrameSample.KEEP:])
    cutoff = (InvalidFrameSample.objects.order_by("-id").values_list("id", flat=True)
              [InvalidFrameSample.KEEP:InvalidFrameSample.KEEP + 1].first())
    if cutoff is not None:
        InvalidFrameSample.objects.filter(id__lte=cutoff).delete()
