"""Read-side helpers of the monitoring pages: a fixed number of queries each, whatever the size."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.core.pollutants import pollutant_name
from qingyuan.core.templatetags.units import unit_label
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.hj212 import NEED_DATA, Decoder, Packet
from qingyuan.monitoring import hour_series, store
from qingyuan.monitoring.choices import ReadingKind
from qingyuan.monitoring.frames import device_zone
from qingyuan.monitoring.models import InvalidFrameCount, Reading
from qingyuan.standards.codes import pollutant

RANGES = {
    "24h": (ReadingKind.MINUTE, dt.timedelta(hours=24)),
    "7d": (ReadingKind.HOUR, dt.timedelta(days=7)),
}
GATEWAY_STATS_FRESH = dt.timedelta(minutes=2)


def today() -> dt.date:
    return timezone.localdate(timezone=device_zone())


def status_counts(points: Any) -> dict[str, int]:
    """Online / offline / never seen among ``points`` (a queryset), in one query."""
    agg = points.aggregate(
        total=Count("pk"),
        online=Count("pk", filter=Q(device_state__online=True)),
        seen=Count("pk", filter=Q(device_state__isnull=False)),
    )
    return {"total": agg["total"], "online": agg["online"], "offline": agg["seen"] - agg["online"],
            "never": agg["total"] - agg["seen"]}


# Why the gateway discarded a frame (``hj212.errors.InvalidReason`` values, and the gateway's own
# PROTOCOL_ERROR when a buffer overflows): what the pages and exports show instead of the code.
REJECT_REASONS = {
    "bad_crc": _("CRC check failed"),
    "bad_length": _("Declared length does not fit"),
    "missing_crlf": _("No CR LF after the CRC"),
    "bad_header": _("Unreadable header or garbage"),
    "unclosed_cp": _("Data segment (CP) not closed"),
    "oversize": _("Frame too long"),
    "truncated": _("Frame cut off"),
    "PROTOCOL_ERROR": _("Protocol error (buffer overflow)"),
}


def reject_label(reason: str) -> str:
    """The reader's words for a rejection reason (an unknown code is shown as it is)."""
    label = REJECT_REASONS.get(reason)
    return str(label) if label is not None else reason


def labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, count) pairs of rejection counts by reason, in label order."""
    return sorted((reject_label(reason), n) for reason, n in counts.items())


def rejects_today(mns: list[str] | None = None) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Rejected frames today: per MN by reason code, and by reason code over all (``mns`` restricts both);
    pages show them through ``labelled``."""
    rows = InvalidFrameCount.objects.filter(day=today())
    if mns is not None:
        rows = rows.filter(mn__in=mns)
    per_mn: dict[str, dict[str, int]] = defaultdict(dict)
    total: Counter[str] = Counter()
    for mn, reason, count in rows.values_list("mn", "reason", "count"):
        if mn:
            per_mn[mn][reason] = per_mn[mn].get(reason, 0) + count
        total[reason] += count
    return dict(per_mn), dict(sorted(total.items()))


def gateway_stats() -> dict[str, Any] | None:
    """The gateway's last counters (``var/gateway-stats.json``), if it wrote them recently."""
    path = Path(settings.VAR_DIR) / "gateway-stats.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    written = dt.datetime.fromtimestamp(float(data.get("written_at", 0)), dt.UTC)
    data["fresh"] = timezone.now() - written < GATEWAY_STATS_FRESH
    data["written"] = written
    return data


def label(code: str) -> tuple[str, str]:
    """(name, unit) of a parameter code for display."""
    info = pollutant(code)
    if info is None:
        return code, ""
    return pollutant_name(code), unit_label(info.default_unit)


def translation_is_chinese() -> bool:
    from django.utils import translation

    return (translation.get_language() or "").startswith("zh")


def chart_series(point: MonitoringPoint, range_key: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """Each parameter's values over the range: minute averages (24 h) or hourly averages (7 d). One or two queries."""
    kind, span = RANGES[range_key]
    now = now or timezone.now()
    if kind == ReadingKind.HOUR:  # hour readings: columnar, from the hour blocks where built (hour_series)
        values = hour_series.read(point.pk, kind, now - span, now + dt.timedelta(microseconds=1),
                                  columns=("avg", "rtd", "flag"))
        rows: Any = zip(values.parameters, values.times, *values.columns.values(), strict=True)
    elif store.has_blocks([point.pk], kind, now - span, now):  # a compacted day: block ∪ narrow
        rows = [(r.parameter, r.time, r.avg, r.rtd, r.flag)
                for r in store.rows(point.pk, kind, now - span, now, include_end=True)]
    else:
        rows = (Reading.objects.filter(point=point, kind=kind, time__gte=now - span, time__lte=now)
                .order_by("time").values_list("parameter", "time", "avg", "rtd", "flag"))
    by_code: dict[str, list[list[Any]]] = defaultdict(list)
    for code, time, avg, rtd, flag in rows:
        value = avg if avg is not None else rtd
        by_code[code].append([int(time.timestamp() * 1000), value, flag])
    series = []
    for code in sorted(by_code):
        name, unit = label(code)
        series.append({"code": code, "name": name, "unit": unit, "points": by_code[code]})
    offset = timezone.localtime(now).utcoffset() or dt.timedelta()
    return {"range": range_key, "kind": kind, "from": int((now - span).timestamp() * 1000),
            "to": int(now.timestamp() * 1000), "series": series,
            # the page draws times in the platform's zone (Asia/Shanghai), whatever the browser's
            "utc_offset_ms": int(offset.total_seconds() * 1000)}


def latest_readings(point: MonitoringPoint, kind: str = ReadingKind.MINUTE) -> tuple[dt.datetime | None, list[Any]]:
    """The newest upload of ``kind``: its time and one row per parameter (two queries)."""
    newest = (Reading.objects.filter(point=point, kind=kind).order_by("-time")
              .values_list("time", flat=True).first())
    if newest is None or store.has_blocks([point.pk], kind, newest, timezone.now()):
        # nothing narrow, or a block as new as the newest narrow row (all compacted, or late rows only)
        newest, found = store.latest(point.pk, kind)
        rows = [Reading(point=point, kind=kind, **r._asdict()) for r in found]
    else:
        rows = list(Reading.objects.filter(point=point, kind=kind, time=newest).order_by("parameter"))
    if newest is None:
        return None, []
    for r in rows:
        r.label, r.unit = label(r.parameter)  # type: ignore[attr-defined]
    return newest, rows


@dataclass
class ParsedView:
    packet: Packet | None
    error: str
    params: list[dict[str, Any]]


def parse_stored(text: str) -> ParsedView:
    """Decode a stored raw packet again: the parsed view is derived from the evidence itself."""
    decoder = Decoder()
    try:
        decoder.receive_data(text.encode("utf-8"))
        event = decoder.next_event()
    except Exception as exc:  # noqa: BLE001 - any failure is shown, never raised on a page
        return ParsedView(None, str(exc), [])
    if not isinstance(event, Packet) or event is NEED_DATA:
        return ParsedView(None, getattr(event, "detail", "not a complete frame"), [])
    params = []
    for code, p in event.cp.params.items():
        name, unit = label(code)
        params.append({"code": code, "original": p.original_code, "name": name, "unit": unit, "rtd": p.rtd,
                       "avg": p.avg, "min": p.min, "max": p.max, "cou": p.cou,
                       "zs": ", ".join(f"{v:g}" for v in (p.zs_rtd, p.zs_avg, p.zs_min, p.zs_max) if v is not None),
                       "flag": p.flag or "", "eflag": p.eflag or "", "info": p.info or "",
                       "extra": p.extra})
    return ParsedView(event, "", params)
