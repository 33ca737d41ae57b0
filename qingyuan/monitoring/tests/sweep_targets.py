"""Scope-sweep targets for the monitoring routes added by issue 16 (see qingyuan/demo/tests/sweep_routes.py).

The demo's raw packets are fresh (the sweep data ingests them now), so ``seed`` puts a copy of each
demo point's packets on a closed day and compacts it: every role then meets a compacted packet of
a point it may read and one it may not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from qingyuan.demo.tests.sweep_routes import Target, _all, _under


def _kwargs(block: Any) -> dict[str, Any]:
    from qingyuan.monitoring.evidence_blocks import entries_of

    return {"pk": block.point_id, "block": block.pk, "packet": entries_of(block)[0].id}


TARGETS: dict[str, Target] = {
    "monitoring/points/<int:pk>/evidence/<int:block>/<int:packet>/": Target(
        _all("monitoring.PacketBlock"), _kwargs,
        _under("monitoring.PacketBlock", "point", "enterprises.MonitoringPoint"), parent="pk"),
}


def seed(users: dict[str, Any]) -> None:
    from django.db import transaction
    from django.utils import timezone

    from qingyuan.monitoring import evidence_blocks
    from qingyuan.monitoring.models import RawPacket

    closed = timezone.now() - dt.timedelta(days=5)
    points = set()
    for p in RawPacket.objects.filter(point__isnull=False, received_at__gt=closed):
        RawPacket.objects.create(point_id=p.point_id, mn=p.mn, cn=p.cn, qn=p.qn, received_at=closed, peer=p.peer,
                                 text=p.text, verdict=p.verdict, reason=p.reason, result=p.result)
        points.add(p.point_id)
    for point_id in sorted(points):  # test data: compacted whatever the demo's open alarms hold
        with transaction.atomic():
            evidence_blocks._compact(point_id, timezone.localdate(closed))
