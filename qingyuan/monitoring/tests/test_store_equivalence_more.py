"""The alarm engine's history (``alarms.series.load_history``) and the inspectors' live values
(``inspections.services.live_monitoring``) are the same over narrow, compacted and partly compacted readings.

In the style of ``test_store_equivalence`` (issue 16 part 3: "Every query ... returns the same results over
compacted and narrow data"): hypothesis draws the data; the answer over the narrow readings is the truth, then
the closed days are compacted, late rows and retransmissions with other values arrive narrow afterwards, and
the days are compacted again. Run on PostgreSQL too: ``bin/with-postgres .venv/bin/pytest -q <this module>``.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace
from typing import Any

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from qingyuan.alarms.series import SeriesMemory, load_history
from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.inspections.services import LIVE_WINDOW, live_monitoring
from qingyuan.monitoring import compaction, store
from qingyuan.monitoring.codec import ZONE, Row
from qingyuan.monitoring.models import Reading, ReadingBlock

from .readings_data import at, days_ago, insert, make_rows
from .test_store_equivalence import SETTINGS, WATER, check, days, kinds, reset, seeds, window

SECOND_MN = "AAAA0000000000000000002A"


@SETTINGS
@given(seed=seeds, n_days=days, kind=kinds, keep_hours=st.integers(1, 80), back=st.integers(0, 40))
def test_it_loads_the_same_alarm_history(world: Any, seed: int, n_days: int, kind: str, keep_hours: int,
                                         back: int) -> None:
    """alarms.series.load_history: a series first seen is read back ``keeps`` before its new values."""
    p = world.point_a.pk
    _, end = window(n_days)
    newest = end - dt.timedelta(hours=back)
    series = {(p, kind, code): [(newest - dt.timedelta(minutes=20), 1.0), (newest, 2.0)] for code in WATER}
    ctxs: Any = {p: SimpleNamespace(keeps={kind: dt.timedelta(hours=keep_hours)})}

    def ask() -> Any:
        memory = SeriesMemory()
        load_history(ctxs, list(series), series, memory)
        return {k: (s.times, s.values, s.top) for k, s in memory.data.items()}

    check(p, kind, seed, n_days, ask)


def live_scenario(point_ids: list[int], seed: int, until: dt.datetime) -> tuple[list[tuple[int, str, list[Row]]], ...]:
    """Yesterday evening to a little after ``until``: real-time every 2 min (off the minute marks), minute data
    every 10 min; a parameter of a point may fall silent yesterday. (data, late rows, retransmissions)."""
    rng = random.Random(seed)
    data, late, again = [], [], []
    yesterday, today = days_ago(1), days_ago(0)
    for pid in point_ids:
        silent = rng.choice([None, *WATER])
        for kind, step, offset in (("realtime", 120, 30), ("minute", 600, 0)):
            before, after = rng.randint(1, 8 * 3600 // step), rng.randint(0, 3 * 3600 // step)  # up to midnight
            rows = [r for day, n, start in ((yesterday, before, 86400 - before * step), (today, after, 0))
                    for r in make_rows(rng, day, kind, n_times=n, codes=WATER, step=step, offset=start + offset)
                    if r.time <= until + dt.timedelta(minutes=30)
                    and (rng.random() < 0.9 or r.time >= at(today, 0) - dt.timedelta(seconds=step))
                    and not (r.parameter == silent and r.time.astimezone(ZONE).date() == today)]
            late_rows = [r._replace(time=r.time + dt.timedelta(seconds=step // 2)) for r in rows if rng.random() < 0.1]
            changed = [r._replace(avg=(r.avg or 0) + 1, rtd=(r.rtd or 0) + 1, flag="D") for r in rows if rng.random() < 0.1]
            data.append((pid, kind, rows))
            late.append((pid, kind, late_rows))
            again.append((pid, kind, changed))
    return data, late, again


def put(groups: list[tuple[int, str, list[Row]]]) -> None:
    for pid, kind, rows in groups:
        insert(pid, kind, rows)


@SETTINGS
@given(seed=seeds, minutes=st.integers(1, 5 * 60))
@override_settings(QINGYUAN_COMPACT_AFTER_HOURS=0)  # below the 6-hour window: yesterday evening is compacted
def test_it_shows_the_same_live_values_to_inspectors(world: Any, seed: int, minutes: int) -> None:
    """inspections.services.live_monitoring: each parameter's newest value of the last 6 hours."""
    enterprise = world.enterprise_a
    second = MonitoringPoint.objects.filter(mn=SECOND_MN).first() or MonitoringPoint.objects.create(
        park=enterprise.park, name="乙排口", mn=SECOND_MN, password="123456", st="32",  # points listed by name
        outlet=Outlet.objects.create(enterprise=enterprise, medium="water", code="DW002", name="清下水排口"))
    ids = [world.point_a.pk, second.pk]
    now = at(days_ago(0), 0) + dt.timedelta(minutes=minutes)  # the window reaches into yesterday
    assert now - LIVE_WINDOW < at(days_ago(0), 0)
    reset()
    data, late, again = live_scenario(ids, seed, now)
    put(data + late)
    truth = live_monitoring(enterprise, now=now)
    Reading.objects.all().delete()
    put(data)
    compaction.compact_due()
    blocks = ReadingBlock.objects.count()
    assert store.has_blocks(ids, "realtime", now - LIVE_WINDOW, now), "the window reaches a compacted day"
    assert not Reading.objects.filter(time__lt=at(days_ago(0), 0), kind__in=["realtime", "minute"]).exists()
    if not any(rows for _p, _k, rows in late):
        assert live_monitoring(enterprise, now=now) == truth
    put(late + again)
    assert live_monitoring(enterprise, now=now) == truth, "block ∪ narrow"
    compaction.compact_due()
    assert live_monitoring(enterprise, now=now) == truth, "merged"
    assert compaction.compact_due().blocks == 0 and ReadingBlock.objects.count() == blocks
    assert live_monitoring(enterprise, now=now) == truth, "compacting twice = once"
    assert any(p.values for p in truth) or not any(rows for _p, _k, rows in data)
