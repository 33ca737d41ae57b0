"""The storage page of the platform's administrators: tiers, volumes, legal holds, expiry and compaction runs.

Only superusers (the platform's administrators) see it; everyone else gets 404, as for any page
outside their scope. The row counts are cached for ``COUNT_SECONDS`` (the readings table of a
province is too big to count on every visit); on PostgreSQL a readings table beyond
``EXACT_LIMIT`` rows (by the planner's estimate) is shown by its estimate only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingyuan.core import jobs
from qingyuan.core.htmx import render_page
from qingyuan.core.models import AuditEntry, Job
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring import holds, hour_series, retention
from qingyuan.monitoring.choices import ReadingKind
from qingyuan.monitoring.models import (
    ExpiryRun,
    HourBlock,
    PacketBlock,
    RawPacket,
    Reading,
    ReadingBlock,
    RetentionTier,
)
from qingyuan.org.actor import actor_for

COUNT_SECONDS = 600
EXACT_LIMIT = 5_000_000
HOLDS_SHOWN = 200
RUNS_SHOWN = 10
# The compaction runs' audit entries (monitoring.compaction, monitoring.evidence_blocks): what each is, and
# the figures shown (by label; a key without one is left out rather than shown as a code).
COMPACTION_ACTIONS = {"readings.compact": gettext_lazy("Readings compacted"),
                      "evidence.compact": gettext_lazy("Raw packets compacted")}
COMPACTION_LABELS = {"units": gettext_lazy("days looked at"), "days": gettext_lazy("days looked at"),
                     "blocks": gettext_lazy("blocks"), "readings": gettext_lazy("readings moved into blocks"),
                     "packets": gettext_lazy("packets moved into blocks"),
                     "retransmissions": gettext_lazy("retransmissions merged"), "bytes": gettext_lazy("bytes"),
                     "held": gettext_lazy("held days skipped"), "corrupt": gettext_lazy("corrupt blocks")}


def sees_storage(user: Any) -> bool:
    """The platform's administrators (superusers): the page spans every park."""
    return actor_for(user).is_superuser


def _estimate(table: str) -> int | None:
    """PostgreSQL's estimate of a table's rows (partitions summed); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(c.reltuples), 0)::bigint FROM pg_class c WHERE c.oid = %s::regclass "
            "OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)", [table, table])
        return max(int(cursor.fetchone()[0]), 0)


def volumes() -> dict[str, Any]:
    """Rows narrow and compacted, per kind: exact counts (cached), or an estimate of a huge narrow table."""
    cached: dict[str, Any] | None = cache.get("monitoring.storage.volumes")
    if cached is not None:
        return cached
    estimate = _estimate(Reading._meta.db_table)
    narrow: dict[str, int] = {}
    if estimate is None or estimate <= EXACT_LIMIT:
        narrow = dict(Reading.objects.order_by().values_list("kind").annotate(n=Count("id")))
    blocks = {kind: (n, readings or 0) for kind, n, readings in ReadingBlock.objects.order_by().values_list("kind")
              .annotate(n=Count("id"), readings=Sum("count"))}
    rows = []
    for kind in ReadingKind:
        n_blocks, in_blocks = blocks.get(kind.value, (0, 0))
        rows.append({"kind": kind.label, "narrow": narrow.get(kind.value), "blocks": n_blocks,
                     "in_blocks": in_blocks, "compacts": kind in (ReadingKind.REALTIME, ReadingKind.MINUTE)})
    packet_blocks = PacketBlock.objects.aggregate(n=Count("id"), packets=Sum("count"))
    raw_estimate = _estimate(RawPacket._meta.db_table)
    figures = {
        "readings": rows, "readings_estimate": estimate if not narrow else None,
        "packets": raw_estimate if raw_estimate and raw_estimate > EXACT_LIMIT else RawPacket.objects.count(),
        "packets_estimated": bool(raw_estimate and raw_estimate > EXACT_LIMIT),
        "pointless_packets": RawPacket.objects.filter(point__isnull=True).count(),
        "packet_blocks": packet_blocks["n"], "packets_in_blocks": packet_blocks["packets"] or 0,
        "hour_blocks": hour_blocks(), "counted_at": timezone.now(),
    }
    cache.set("monitoring.storage.volumes", figures, COUNT_SECONDS)
    return figures


def hour_blocks(now: dt.datetime | None = None) -> dict[str, int]:
    """The hour blocks (``hour_series``): periods with a valid block (``built == version``), the hour
    readings and data bytes in them, and closed periods waiting for the worker to (re)build theirs."""
    valid = Q(built=F("version"))
    waiting = Q(period__lt=hour_series.closed_before(now), period__gte=0) & ~valid
    found = HourBlock.objects.aggregate(
        valid=Count("id", filter=valid), readings=Sum("count", filter=valid),
        bytes=Sum(Length("data"), filter=valid), waiting=Count("id", filter=waiting))
    return {"valid": found["valid"], "readings": found["readings"] or 0, "bytes": found["bytes"] or 0,
            "waiting": found["waiting"]}


def tiers(now: dt.datetime) -> list[dict[str, Any]]:
    windows, kept, backlog = retention.windows(), retention.first_kept_days(now), retention.backlog(now)
    rows = [{"label": tier.label, "days": windows[tier], "years": round(windows[tier] / 365.25, 1),
             "first_kept": kept[tier], "due": backlog[tier]["due"], "oldest": backlog[tier]["oldest"]}
            for tier in RetentionTier]
    rows += [{"label": kind.label, "days": None} for kind in (ReadingKind.HOUR, ReadingKind.DAY)]
    return rows


def holds_in_force(now: dt.datetime) -> dict[str, Any]:
    """Open cases' holds (listed, with their point) and how many closed cases' ranges are kept."""
    found = holds.holds(None, dt.datetime.combine(retention.EPOCH, dt.time(), holds.ZONE), now)
    open_holds = sorted((h for h in found if h.pins_compaction), key=lambda h: (h.start, h.point_id))
    shown = open_holds[:HOLDS_SHOWN]
    names = dict(MonitoringPoint.objects.filter(pk__in={h.point_id for h in shown}).values_list("pk", "name"))
    return {
        "open": [{"hold": h, "point": names.get(h.point_id, h.point_id), "until_now": h.end >= now} for h in shown],
        "open_total": len(open_holds),
        "closed_cases": len({h.reason for h in found if not h.pins_compaction}),
        "closed_ranges": sum(1 for h in found if not h.pins_compaction),
    }


def _counts(data: Any, labels: dict[str, Any]) -> list[tuple[str, Any]]:
    """An audit entry's counts by label, for people, not as a dict; keys without a label are left out."""
    if not isinstance(data, dict):
        return []
    return [(str(labels[k]), v) for k, v in data.items() if k in labels and isinstance(v, int)]


def runs() -> dict[str, Any]:
    expiry = list(ExpiryRun.objects.all()[:RUNS_SHOWN])
    for run in expiry:
        run.figures = _counts(run.counts, retention.COUNT_LABELS)  # type: ignore[attr-defined,unused-ignore]
    compaction = list(AuditEntry.objects.filter(action__in=list(COMPACTION_ACTIONS)).order_by("-time", "-id")
                      [:RUNS_SHOWN])
    for entry in compaction:
        entry.label = COMPACTION_ACTIONS[entry.action]  # type: ignore[attr-defined,unused-ignore]
        entry.figures = _counts(entry.after, COMPACTION_LABELS)  # type: ignore[attr-defined,unused-ignore]
    return {"expiry": expiry, "compaction": compaction}


def storage(request: HttpRequest) -> HttpResponse:
    if not sees_storage(request.user):
        raise Http404
    now = timezone.now()
    running = list(Job.objects.filter(kind__startswith="monitoring.", status__in=[Job.Status.QUEUED,
                                                                                  Job.Status.RUNNING]))
    context = {"tiers": tiers(now), "volumes": volumes(), "holds": holds_in_force(now), "runs": runs(),
               "running": running}
    return render_page(request, "monitoring/storage.html", context)


@require_POST
def storage_expire(request: HttpRequest) -> HttpResponse:
    """Queue the whole expiry backlog for the worker (audited by ``jobs.submit``); show its progress."""
    if not sees_storage(request.user):
        raise Http404
    job = jobs.submit(retention.JOB_KIND, params={"source": "page"}, user=request.user,
                      title=_("Expire monitoring data beyond its retention window"))
    messages.success(request, _("Expiry queued; the worker runs it."))
    return redirect("core:job", job.pk)
