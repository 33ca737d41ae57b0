"""A point's packets, narrow and compacted together, newest first, for the packet list and its pager.

``PointPackets(point, cn)`` is a sequence Django's ``Paginator`` pages through: ``count()`` adds
the narrow rows (counted per local day) to the blocks' counts (``count``, or ``stats["cn"]`` under a
CN filter: no block is opened to count), and a slice opens only the days it covers. Blocks are
per day and the list is ordered by receipt, so a page of 50 opens one or two blocks' indexes (never
their frames) and reads the narrow rows of narrow-only days with LIMIT/OFFSET as before. Order:
received time, then the packet's id (a compacted packet keeps its narrow row's id), both descending.

A point with no block is the plain queryset (the page is what it was before compaction existed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring.choices import PacketVerdict
from qingyuan.monitoring.evidence_blocks import entries_of
from qingyuan.monitoring.evidence_codec import ZONE, Entry, midnight
from qingyuan.monitoring.models import PacketBlock, RawPacket


@dataclass
class CompactedPacket:
    """A packet read from a block, with the attributes the packet pages use on a ``RawPacket``."""

    entry: Entry
    block_id: int
    point: MonitoringPoint | None = None
    compacted = True

    def __getattr__(self, name: str) -> Any:
        if name == "entry":  # not yet set (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.entry, name)

    @property
    def pk(self) -> int:
        return self.entry.id

    @property
    def point_id(self) -> int | None:
        return self.point.pk if self.point is not None else None

    def get_verdict_display(self) -> str:
        try:
            return str(PacketVerdict(self.entry.verdict).label)
        except ValueError:
            return self.entry.verdict


def _order(p: Any) -> tuple[dt.datetime, int]:
    return (p.received_at, p.pk)


def _day_range(days: list[dt.date]) -> Q:
    q = Q()
    for d in days:
        q |= Q(received_at__gte=midnight(d), received_at__lt=midnight(d + dt.timedelta(days=1)))
    return q


class PointPackets:
    def __init__(self, point: MonitoringPoint, cn: str = "") -> None:
        self.point, self.cn = point, cn
        self.narrow = RawPacket.objects.filter(point=point).order_by("-received_at", "-id").defer("text")
        if cn:
            self.narrow = self.narrow.filter(cn=cn)
        self.blocks = {b.day: b for b in PacketBlock.objects.filter(point=point).defer("index", "data")}
        self._days: list[tuple[dt.date, int, int]] | None = None  # (day, narrow count, block count), newest first

    def _block_count(self, block: PacketBlock) -> int:
        return int((block.stats or {}).get("cn", {}).get(self.cn, 0)) if self.cn else block.count

    def days(self) -> list[tuple[dt.date, int, int]]:
        if self._days is None:
            narrow = dict(self.narrow.order_by().annotate(day=TruncDate("received_at", tzinfo=ZONE))
                          .values_list("day").annotate(n=Count("id")).values_list("day", "n"))
            every = sorted(set(narrow) | set(self.blocks), reverse=True)
            self._days = [(d, narrow.get(d, 0), self._block_count(self.blocks[d]) if d in self.blocks else 0)
                          for d in every]
            self._days = [row for row in self._days if row[1] + row[2]]
        return self._days

    def count(self) -> int:
        if not self.blocks:
            return self.narrow.count()
        return sum(n + b for _d, n, b in self.days())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Any]:
        return iter(self[0:self.count()])

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            raise TypeError("PointPackets is read by slices (a page)")
        if not self.blocks:
            return list(self.narrow[index])
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        runs: list[list[tuple[dt.date, int, int]]] = []  # consecutive narrow-only days: one query per run
        mixed: list[tuple[dt.date, int, int]] = []  # days with a block (day, skip, take)
        order: list[tuple[str, int]] = []
        position, previous_narrow = 0, False
        for day, n, b in self.days():
            total = n + b
            if position + total > start and position < stop:
                piece = (day, max(start - position, 0), min(stop, position + total) - max(start, position))
                if b:
                    order.append(("mixed", len(mixed)))
                    mixed.append(piece)
                elif previous_narrow:
                    runs[-1].append(piece)
                else:
                    order.append(("run", len(runs)))
                    runs.append([piece])
                previous_narrow = not b
            position += total
            if position >= stop:
                break
        blocks = self._mixed(mixed) if mixed else {}
        out: list[Any] = []
        for kind, i in order:
            if kind == "mixed":
                out.extend(blocks[mixed[i][0]])
                continue
            run = runs[i]  # newest day first; rows of the run's days only (a block day would end the run)
            skip, take = run[0][1], sum(t for _d, _s, t in run)
            rows = self.narrow.filter(received_at__gte=midnight(run[-1][0]),
                                      received_at__lt=midnight(run[0][0] + dt.timedelta(days=1)))
            out.extend(rows[skip:skip + take])
        return out

    def _mixed(self, wanted: list[tuple[dt.date, int, int]]) -> dict[dt.date, list[Any]]:
        """Days with a block: its entries (index only) merged with the day's late narrow rows."""
        days = [d for d, _s, _t in wanted]
        by_day: dict[dt.date, list[Any]] = {d: [] for d in days}
        for row in self.narrow.filter(_day_range(days)):
            by_day[row.received_at.astimezone(ZONE).date()].append(row)
        for block in PacketBlock.objects.filter(pk__in=[self.blocks[d].pk for d in days]).only(
                "id", "point_id", "day", "codec", "index"):
            by_day[block.day].extend(CompactedPacket(e, block.pk, self.point) for e in entries_of(block)
                                     if not self.cn or e.cn == self.cn)
        out = {}
        for day, skip, take in wanted:
            out[day] = sorted(by_day[day], key=_order, reverse=True)[skip:skip + take]
        return out
