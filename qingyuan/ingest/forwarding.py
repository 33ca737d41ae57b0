"""The durable forwarding outbox as the gateway's forwarder sees it.

Items are written by ``process_packets`` in the transaction that stores their
packet. The forwarder claims the oldest undelivered items of an upstream for a
lease (``claimed_until``), with an optimistic ``UPDATE ... WHERE`` so that two
gateways on one PostgreSQL never send the same item at once; it then marks them
delivered or releases them. An expired lease (a gateway died mid-send) makes
the item claimable again; the worker step ``monitoring.outbox`` clears such
leases and prunes delivered items.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db.models import F, Q
from django.utils import timezone

from qingyuan.gateway import sink as gw
from qingyuan.monitoring.models import OutboxItem, Upstream

LEASE = dt.timedelta(seconds=60)


def upstreams() -> list[gw.Upstream]:
    return [gw.Upstream(u.pk, u.name, u.host, u.port) for u in Upstream.objects.filter(is_active=True)]


def claim(upstream_id: int, limit: int) -> list[gw.OutboxItem]:
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ids = list(OutboxItem.objects.filter(free, upstream_id=upstream_id, delivered_at__isnull=True)
               .order_by("id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4().hex
    OutboxItem.objects.filter(free, id__in=ids, delivered_at__isnull=True).update(
        claimed_until=now + LEASE, claim_token=token)
    rows = OutboxItem.objects.filter(claim_token=token, id__in=ids).order_by("id").values_list("id", "payload")
    return [gw.OutboxItem(pk, upstream_id, bytes(payload)) for pk, payload in rows]


def delivered(ids: Sequence[int]) -> None:
    OutboxItem.objects.filter(id__in=ids).update(delivered_at=timezone.now(), claimed_until=None, claim_token="")


def failed(ids: Sequence[int], error: str) -> None:
    OutboxItem.objects.filter(id__in=ids, delivered_at__isnull=True).update(
        claimed_until=None, claim_token="", attempts=F("attempts") + 1, last_error=error[:300])
