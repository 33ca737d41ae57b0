"""The demo county's year: one calendar every demo module reads, and back-dating of seeded events.

The story (docs in the module docs of ``history``): monitoring starts 13 months before the
current month with a polluted winter; three plants close in spring; the plants under
rectification are accepted one by one and improve; one of them (the rebound case) drifts back
toward its limit after its acceptance; the outbound section moves from class Ⅳ to Ⅲ.
Dates are counted from the day the demo is seeded, so the story is as fresh whenever it is
seeded (seeded on 5 December 2026: history from 1 November 2025, closures in March–May 2026).

Back-dating: the actions stamp ``now()`` on their audit entries, transition records and
notifications. :func:`backdated` runs a seeding step and then moves the rows that step wrote to
the story's moment with a queryset update. Audit entries and transition records are append-only
for the application (their queryset refuses ``update``); the demo seeder rewrites the times of
rows it has just written, inside its own transaction, before anyone has seen them — the only
place that does, and only for seeded history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Max
from django.utils import timezone

ZONE = ZoneInfo("Asia/Shanghai")
HISTORY_MONTHS = 13

# The three plants closed in spring (淘汰类落后产能), days after the history starts.
CLOSURES = {
    "青溪县华丰农药有限公司": 135,
    "青溪县金源油脂化工厂": 170,
    "青溪县红星塑料厂": 205,
}
# The rectified plants: their acceptance (整治完成) days after the history starts.
ACCEPTED = {
    "江右新材料科技有限公司": 145,  # the rebound case: accepted early, drifting back since
    "青溪宏达化工有限公司": 230,
    "青溪县三江化纤有限公司": 255,
    "青溪县长青化肥有限公司": 300,
    "江右云峰医药中间体有限公司": 335,
}
REBOUND = "江右新材料科技有限公司"
REBOUND_EXPLANATION = (
    "整治验收后第二个月起，二氧化硫月均浓度逐月回升：脱硫塔喷淋层改造后未按规程更换填料，循环液pH控制不稳定。"
    "这是演示数据中有意保留的“防止反弹”案例：企业仍为整治完成状态，但趋势已被系统识别并交办属地单位督促整改。")


@dataclass(frozen=True)
class Calendar:
    today: dt.date
    start: dt.date  # the first day of seeded monitoring history

    def day(self, offset: int) -> dt.date:
        """A day of the story, never later than yesterday."""
        return min(self.start + dt.timedelta(days=offset), self.today - dt.timedelta(days=1))

    def closure(self, name: str) -> dt.date | None:
        return self.day(CLOSURES[name]) if name in CLOSURES else None

    def accepted(self, name: str) -> dt.date | None:
        return self.day(ACCEPTED[name]) if name in ACCEPTED else None

    def progress(self, day: dt.date, begin: int = 120, end: int = 240) -> float:
        """0 until ``begin`` days into the story, 1 from ``end`` on, linear in between (the clean-up)."""
        return min(1.0, max(0.0, ((day - self.start).days - begin) / (end - begin)))


def calendar(today: dt.date | None = None) -> Calendar:
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - HISTORY_MONTHS
    return Calendar(today=today, start=dt.date(index // 12, index % 12 + 1, 1))


def moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware working-day moment of ``day`` (Asia/Shanghai)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _stamped() -> list[type[models.Model]]:
    from qingyuan.core.models import AuditEntry, TransitionRecord

    return [AuditEntry, TransitionRecord]


@contextmanager
def backdated(when: dt.datetime) -> Iterator[None]:
    """Run a seeding step; then date the audit entries and transition records it wrote at ``when``.

    (Notifications are sent on commit, after the whole seed: they keep the seeding time.)"""
    tables = _stamped()
    marks = {model: model._default_manager.aggregate(m=Max("pk"))["m"] or 0 for model in tables}
    yield
    for model in tables:
        # The base queryset: the append-only guard is the application's, not the seeder's.
        models.QuerySet(model).filter(pk__gt=marks[model]).update(time=when)
