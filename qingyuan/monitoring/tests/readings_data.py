"""Random and realistic readings for the compaction, store and equivalence tests (not a test module)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from typing import Any

from django.utils import timezone

from qingyuan.monitoring.codec import FLOATS, ZONE, Row
from qingyuan.monitoring.models import Reading, ReadingBlock
from qingyuan.monitoring.store import block_rows

CODES = ("a01012", "a19001", "a21026", "w01018", "w21003", "w00000")
KEY_COLUMNS = ("time", "parameter", *FLOATS, "flag", "eflag")


def days_ago(n: int) -> dt.date:
    return timezone.localdate(timezone=ZONE) - dt.timedelta(days=n)


def at(day: dt.date, seconds: int) -> dt.datetime:
    return (dt.datetime.combine(day, dt.time(), ZONE) + dt.timedelta(seconds=seconds)).astimezone(dt.UTC)


def value(rng: random.Random, base: float) -> float | None:
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.06:
        return rng.choice([0.0, -1.5, 1e-7, 123456.789, 0.1 + 0.2])
    return round(base + rng.gauss(0, base * 0.05 + 0.1), rng.choice([1, 2, 3]))


def make_rows(rng: random.Random, day: dt.date, kind: str, *, n_times: int = 24, codes: tuple[str, ...] = CODES[:3],
              step: int = 600, offset: int = 0) -> list[Row]:
    rows = []
    for i in range(n_times):
        t = at(day, offset + i * step)
        for j, code in enumerate(codes):
            base = 10.0 * (j + 1) + 3 * math.sin(i / 7)
            if kind == "realtime":
                rows.append(Row(t, code, rtd=value(rng, base), zs_rtd=value(rng, base) if j == 2 else None,
                                flag=rng.choice(["N", "N", "N", "D", "", "M"])))
            else:
                avg = value(rng, base)
                rows.append(Row(t, code, avg=avg, min=value(rng, base - 1), max=value(rng, base + 1),
                                cou=value(rng, base * 3) if j == 0 else None,
                                zs_avg=value(rng, base) if j == 2 else None,
                                zs_min=value(rng, base) if j == 2 else None, zs_max=value(rng, base) if j == 2 else None,
                                flag=rng.choice(["N", "N", "N", "D", "", "M", "n"]), eflag=rng.choice(["", "", "B01"])))
    return rows


def insert(point_id: int, kind: str, rows: list[Row]) -> None:
    Reading.objects.bulk_create([Reading(point_id=point_id, kind=kind, **r._asdict()) for r in rows],
                                ignore_conflicts=True)


def everything(point_id: int | None = None) -> Counter[tuple[Any, ...]]:
    """The multiset of every real-time/minute reading, narrow or in a block (floats as their repr)."""
    out: Counter[tuple[Any, ...]] = Counter()
    narrow = Reading.objects.filter(kind__in=["realtime", "minute"])
    blocks = ReadingBlock.objects.all()
    if point_id is not None:
        narrow, blocks = narrow.filter(point_id=point_id), blocks.filter(point_id=point_id)
    for values in narrow.values_list("point_id", "kind", *KEY_COLUMNS):
        out[key_of(values[0], values[1], Row._make(values[2:]))] += 1
    for block in blocks:
        for row in block_rows(block):
            out[key_of(block.point_id, block.kind, row)] += 1
    return out


def key_of(point_id: int, kind: str, row: Row) -> tuple[Any, ...]:
    return (point_id, kind, row.time.timestamp(), row.parameter, *(repr(getattr(row, f)) for f in FLOATS),
            row.flag, row.eflag)
