"""Packets refused for their sender: counted on one open ``Quarantine`` row per MN and reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import F

from qingyuan.gateway.sink import Received
from qingyuan.monitoring.models import Quarantine


@dataclass(frozen=True, slots=True)
class Refused:
    item: Received
    reason: str  # QuarantineReason


def quarantine(refused: Sequence[Refused]) -> None:
    """Add the refused packets to the open entries of their (MN, reason), creating missing ones."""
    groups: dict[tuple[str, str], list[Received]] = {}
    for r in refused:
        groups.setdefault((r.item.packet.mn or "", r.reason), []).append(r.item)
    mns = {mn for mn, _ in groups}
    open_rows = {(q.mn, q.reason): q.pk for q in Quarantine.objects.filter(resolved=False, mn__in=mns).only("mn", "reason")}
    new = []
    for (mn, reason), items in groups.items():
        last = items[-1]
        p = last.packet
        at = dt.datetime.fromtimestamp(last.received_at, dt.UTC)
        fields = {
            "pw_given": (p.pw or "")[:64], "st": (p.st or "")[:8], "cn": (p.cn or "")[:8], "version": p.version,
            "peer": last.peer[:64], "received_at": at, "text": p.raw.decode("utf-8", "replace"),
        }
        pk = open_rows.get((mn, reason))
        if pk is None:
            first = dt.datetime.fromtimestamp(items[0].received_at, dt.UTC)
            new.append(Quarantine(mn=mn[:64], reason=reason, first_seen=first, count=len(items), **fields))
        else:
            Quarantine.objects.filter(pk=pk).update(count=F("count") + len(items), **fields)
    if new:
        Quarantine.objects.bulk_create(new)
