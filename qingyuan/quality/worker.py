"""Worker steps of the monitoring intelligence, registered in ``QualityConfig.ready``.

Each returns True when it did something (the worker then runs it again until idle):

* ``quality.sweep``: evaluate committed readings the on-commit callback did not
  (a crash between commit and callback, a failing listener);
* ``quality.drain``: evaluated readings → pending hours and days;
* ``quality.periods``: compute due hours, then due days (with their KPIs and months);
* ``quality.kpi_days``: make yesterday pending for active points that sent
  nothing at all, so their KPIs count the missing hours.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qingyuan.core import worker
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.quality import compute, pending, queue
from qingyuan.quality.choices import Period
from qingyuan.quality.models import KpiDaily


def sweep() -> bool:
    return queue.sweep_unevaluated() > 0


def drain() -> bool:
    return pending.drain_touched() > 0


def periods() -> bool:
    return pending.process_due() > 0


def kpi_days(now: dt.datetime | None = None) -> bool:
    """Points that must deliver (permit limits) and sent nothing yesterday still get KPI rows (all missing)."""
    now = now or timezone.now()
    yesterday = compute.local_day(now) - dt.timedelta(days=1)
    have = KpiDaily.objects.filter(day=yesterday).values("point_id")
    # Points whose outlet has permit limits (an expected set); the others count only what they sent.
    missing = (MonitoringPoint.objects.filter(is_active=True, outlet__limits__isnull=False).exclude(pk__in=have)
               .distinct())
    start = compute.local_midnight(yesterday)
    pending.enqueue((pk, Period.DAY, start, now) for pk in missing.values_list("pk", flat=True))
    return False  # periodic: one pass per run, never repeated at once


def register_steps() -> None:
    worker.register("quality.sweep", sweep, every=10)
    worker.register("quality.drain", drain)
    worker.register("quality.periods", periods)
    worker.register("quality.kpi_days", kpi_days, every=900)
