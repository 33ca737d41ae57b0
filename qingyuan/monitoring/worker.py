"""Worker steps of monitoring, registered in ``MonitoringConfig.ready``.

Each returns True when it changed something (the worker then runs it again
until it reports nothing to do). Every write is an ``UPDATE ... WHERE`` that
stays right when several workers or gateways run against one database.
"""

from __future__ import annotations

from qingyuan.core import worker
from qingyuan.monitoring import actions, hour_series, partitions
from qingyuan.monitoring.compaction import compact_step as compact_readings_step
from qingyuan.monitoring.evidence_blocks import compact_step as compact_evidence_step
from qingyuan.monitoring.retention import expire_step


def mark_devices_offline() -> bool:
    """Devices silent for max(3 x their minute-data interval, 10 min) go offline."""
    return actions.mark_offline() > 0


def create_partitions() -> bool:
    """PostgreSQL: the readings partitions of this month and the next two exist."""
    return bool(partitions.ensure_partitions())


def expire_outbox() -> bool:
    return actions.expire_outbox_claims() > 0


def fail_stale_commands() -> bool:
    return actions.fail_stale_commands() > 0


def register_steps() -> None:
    worker.register("monitoring.offline", mark_devices_offline, every=60)
    worker.register("monitoring.partitions", create_partitions, every=3600)
    worker.register("monitoring.outbox", expire_outbox, every=300)
    worker.register("monitoring.commands", fail_stale_commands, every=30)
    worker.register("monitoring.expire", expire_step, every=3600)
    worker.register("monitoring.compact_evidence", compact_evidence_step, every=600)
    worker.register("monitoring.compact", compact_readings_step, every=600)
    worker.register("monitoring.hour_blocks", hour_series.build_step, every=600)
