"""What the gateway stores: readings, raw packets, quarantine, devices, commands, forwarding.

Readings are narrow rows keyed by (point, kind, time, parameter) with a unique
constraint, so storing a retransmitted packet again changes nothing. On
PostgreSQL the readings table is partitioned by month (migration 0002,
``monitoring.partitions``); the model is the same on both databases.

These rows are written by ``qingyuan.ingest`` (the gateway's sink) in bulk and
by the actions in ``monitoring.actions``; see docs/monitoring.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.monitoring.choices import (
    CommandKind,
    CommandStatus,
    PacketVerdict,
    QuarantineReason,
    QuarantineResolution,
    ReadingKind,
)


class Reading(models.Model):
    """One parameter of one upload: a real-time value or a minute/hour/day statistic."""

    # DO_NOTHING: the database refuses to delete a point with readings; Django never loads them all.
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
        verbose_name=_("monitoring point"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReadingKind.choices)
    time = models.DateTimeField(_("data time"))  # DataTime, device local time made aware, stored UTC
    parameter = models.CharField(_("parameter"), max_length=16)  # HJ 212-2017 code (2005 codes normalised)
    rtd = models.FloatField(_("real-time value"), null=True, blank=True)
    avg = models.FloatField(_("average"), null=True, blank=True)
    min = models.FloatField(_("minimum"), null=True, blank=True)
    max = models.FloatField(_("maximum"), null=True, blank=True)
    cou = models.FloatField(_("total"), null=True, blank=True)
    zs_rtd = models.FloatField(_("corrected real-time value"), null=True, blank=True)
    zs_avg = models.FloatField(_("corrected average"), null=True, blank=True)
    zs_min = models.FloatField(_("corrected minimum"), null=True, blank=True)
    zs_max = models.FloatField(_("corrected maximum"), null=True, blank=True)
    flag = models.CharField(_("flag"), max_length=4, blank=True)
    eflag = models.CharField(_("equipment flag"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.UniqueConstraint(fields=["point", "kind", "time", "parameter"], name="monitoring_reading_key"),
        ]

    def __str__(self) -> str:
        return f"{self.parameter} {self.kind} {self.time:%Y-%m-%d %H:%M}"

    @property
    def value(self) -> float | None:
        return self.rtd if self.kind == ReadingKind.REALTIME else self.avg


class RawPacket(models.Model):
    """A packet as received, kept as evidence with its peer, time and parse result.

    ``dedup_key`` (MN|CN|QN or DataTime|PNO) is unique: a retransmission is found
    by it and reported DUPLICATE. Rejected packets have no key, so the device's
    retransmission is judged again.
    """

    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+",
        verbose_name=_("monitoring point"),
    )
    mn = models.CharField(_("MN"), max_length=64)
    cn = models.CharField(_("CN"), max_length=8, blank=True)
    qn = models.CharField(_("QN"), max_length=24, blank=True)
    pno = models.PositiveIntegerField(_("sub-packet"), null=True, blank=True)
    pnum = models.PositiveIntegerField(_("sub-packets"), null=True, blank=True)
    data_time = models.DateTimeField(_("data time"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    peer = models.CharField(_("peer"), max_length=64)
    connection_id = models.BigIntegerField(_("connection"), null=True, blank=True)
    text = models.TextField(_("raw packet"))
    # {"tolerances": [...], "warnings": [...], "notes": [...]} or null when the packet was clean.
    result = models.JSONField(_("parse result"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=PacketVerdict.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    duplicates = models.PositiveIntegerField(_("retransmissions"), default=0)
    dedup_key = models.CharField(max_length=128, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("raw packet")
        verbose_name_plural = _("raw packets")
        indexes = [
            models.Index(fields=["point", "-received_at"], name="monitoring_raw_point_recv"),
            models.Index(fields=["point", "qn"], name="monitoring_raw_point_qn"),
        ]

    def __str__(self) -> str:
        return f"{self.mn} CN={self.cn} QN={self.qn}"


class Quarantine(models.Model):
    """Packets refused for who sent them (unknown MN, wrong PW): one open row per MN and reason."""

    mn = models.CharField(_("MN"), max_length=64)
    reason = models.CharField(_("reason"), max_length=20, choices=QuarantineReason.choices)
    pw_given = models.CharField(_("password given"), max_length=64, blank=True)
    st = models.CharField(_("ST"), max_length=8, blank=True)
    cn = models.CharField(_("CN"), max_length=8, blank=True)
    version = models.PositiveSmallIntegerField(_("protocol version bits"), default=1)
    peer = models.CharField(_("peer"), max_length=64)
    first_seen = models.DateTimeField(_("first seen"))
    received_at = models.DateTimeField(_("last seen"))
    count = models.PositiveIntegerField(_("packets"), default=1)
    text = models.TextField(_("last raw packet"))
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("monitoring point"),
    )
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(_("resolution"), max_length=20, choices=QuarantineResolution.choices, blank=True)
    resolution_note = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("quarantined device")
        verbose_name_plural = _("quarantine")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mn", "reason"], condition=models.Q(resolved=False), name="monitoring_quarantine_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mn} ({self.get_reason_display()})"


class InvalidFrameCount(models.Model):
    """Frames the gateway discarded, counted per day, reason and MN (when the bytes name one)."""

    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=32)
    mn = models.CharField(_("MN"), max_length=64, blank=True)
    count = models.PositiveIntegerField(_("frames"), default=0)

    class Meta:
        verbose_name = _("rejected frames")
        verbose_name_plural = _("rejected frames")
        constraints = [models.UniqueConstraint(fields=["day", "reason", "mn"], name="monitoring_invalid_count_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.mn}: {self.count}"


class InvalidFrameSample(models.Model):
    """The last few hundred discarded frames, as evidence (older ones are deleted)."""

    KEEP = 500

    reason = models.CharField(_("reason"), max_length=32)
    detail = models.CharField(_("detail"), max_length=300)
    mn = models.CharField(_("MN"), max_length=64, blank=True)
    peer = models.CharField(_("peer"), max_length=64)
    received_at = models.DateTimeField(_("received"))
    data = models.TextField(_("bytes"))

    class Meta:
        verbose_name = _("rejected frame")
        verbose_name_plural = _("rejected frame samples")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.reason} from {self.peer}"


class DeviceSession(models.Model):
    """One TCP connection of a data logger to a gateway."""

    connection_id = models.BigIntegerField(_("connection"), unique=True)
    # The gateway instance that holds the connection (GatewayConfig.instance); "" before it was recorded.
    gateway = models.CharField(_("gateway"), max_length=100, blank=True, default="")
    peer = models.CharField(_("peer"), max_length=64)
    mn = models.CharField(_("MN"), max_length=64, blank=True)
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("monitoring point"),
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("device session")
        verbose_name_plural = _("device sessions")
        indexes = [
            models.Index(fields=["point", "-opened_at"], name="monitoring_session_point"),
            models.Index(fields=["gateway"], condition=models.Q(closed_at__isnull=True), name="monitoring_session_open"),
        ]

    def __str__(self) -> str:
        return f"{self.peer} {self.mn}"


class DeviceState(models.Model):
    """What the platform knows about a logger now: last packet, online, packets today."""

    point = models.OneToOneField(
        MonitoringPoint, on_delete=models.CASCADE, primary_key=True, related_name="device_state",
        verbose_name=_("monitoring point"),
    )
    online = models.BooleanField(_("online"), default=False)
    changed_at = models.DateTimeField(_("online/offline since"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last packet"), null=True, blank=True)
    last_data_time = models.DateTimeField(_("newest data time"), null=True, blank=True)
    last_cn = models.CharField(_("last CN"), max_length=8, blank=True)
    last_peer = models.CharField(_("last peer"), max_length=64, blank=True)
    packets_day = models.DateField(_("counting day"), null=True, blank=True)
    packets_today = models.PositiveIntegerField(_("packets today"), default=0)
    packets_total = models.BigIntegerField(_("packets"), default=0)

    class Meta:
        verbose_name = _("device status")
        verbose_name_plural = _("device status")

    def __str__(self) -> str:
        return f"{self.point_id}: {'online' if self.online else 'offline'}"

    def packets_on(self, day: object) -> int:
        return self.packets_today if self.packets_day == day else 0


class DeviceCommand(models.Model):
    """A command queued by the web for a logger, and the logger's answers (9011, 9012)."""

    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.CASCADE, related_name="+", verbose_name=_("monitoring point")
    )
    kind = models.CharField(_("command"), max_length=20, choices=CommandKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    cn = models.CharField(_("CN"), max_length=8)
    qn = models.CharField(_("QN"), max_length=20)
    status = models.CharField(_("status"), max_length=14, choices=CommandStatus.choices, default=CommandStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    qn_rtn = models.CharField(_("QnRtn"), max_length=8, blank=True)
    exe_rtn = models.CharField(_("ExeRtn"), max_length=8, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)  # CP of the device's upload answering it
    error = models.CharField(_("error"), max_length=200, blank=True)
    setup = models.BooleanField(_("first-connection setup"), default=False)  # queued by DeviceSetup, not a person

    class Meta:
        verbose_name = _("device command")
        verbose_name_plural = _("device commands")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["point", "qn"], name="monitoring_command_qn")]
        indexes = [models.Index(fields=["status", "id"], name="monitoring_command_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} QN={self.qn}"


class DeviceSetup(models.Model):
    """The first-connection setup of a point's logger (HJ 212-2017 §6.7) and whether it was queued.

    When the logger first connects (no row yet, or ``queued_at`` empty after a
    reset) and ``enabled``, the sink queues: set time (1012), OverTime/ReCount
    (1000), the point's real-time and minute intervals (1062, 1064), start
    real-time (2011) and facility-status (2021) data; ``queued_at`` and the
    connection record that it happened, so it is queued once, not on every reconnect.
    """

    point = models.OneToOneField(
        MonitoringPoint, on_delete=models.CASCADE, primary_key=True, related_name="device_setup",
        verbose_name=_("monitoring point"),
    )
    enabled = models.BooleanField(_("set up on first connection"), default=True)
    over_time_s = models.PositiveSmallIntegerField(
        _("answer timeout (OverTime, s)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(99)])
    re_count = models.PositiveSmallIntegerField(
        _("retries (ReCount)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(99)])
    queued_at = models.DateTimeField(_("setup queued"), null=True, blank=True)
    connection_id = models.BigIntegerField(_("on connection"), null=True, blank=True)

    class Meta:
        verbose_name = _("first-connection setup")
        verbose_name_plural = _("first-connection setups")

    def __str__(self) -> str:
        return f"{self.point_id}: {'queued' if self.queued_at else 'pending'}"


class Upstream(models.Model):
    """An upper-level platform that receives our packets by HJ 212 forwarding."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"))
    mn_patterns = models.TextField(
        _("MN filter"), blank=True, default="*",
        help_text=_("MNs or shell patterns (36112301*), separated by commas or lines; * or empty: all."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("upstream platform")
        verbose_name_plural = _("upstream platforms")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"

    @property
    def patterns(self) -> list[str]:
        return [p.strip() for p in self.mn_patterns.replace("\n", ",").split(",") if p.strip()]


class OutboxItem(models.Model):
    """A packet waiting to be forwarded to an upstream; written in the transaction that stored it."""

    upstream = models.ForeignKey(Upstream, on_delete=models.CASCADE, related_name="outbox")
    mn = models.CharField(_("MN"), max_length=64)
    payload = models.BinaryField(_("packet"))
    created_at = models.DateTimeField(_("created"))
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(
                fields=["upstream", "id"], condition=models.Q(delivered_at__isnull=True), name="monitoring_outbox_todo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.upstream_id}/{self.pk}"


class ReadingBlock(models.Model):
    """A closed day of one point's real-time or minute readings, compacted into one compressed row.

    Written by ``monitoring.compaction`` in the transaction that deletes the narrow rows it holds,
    so a reading is always either narrow or in a block, never both and never neither. ``data`` is
    the codec's payload (``monitoring.codec``); ``checksum`` (CRC-32 of ``data``) is verified on
    every read, and a mismatch raises instead of reading as empty. See docs/storage.md.
    """

    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
        verbose_name=_("monitoring point"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReadingKind.choices)
    day = models.DateField(_("day"))  # the local (Asia/Shanghai) day of the readings' data times
    parameters = models.CharField(_("parameters"), max_length=400)  # codes in the block, comma-separated
    count = models.PositiveIntegerField(_("readings"))
    codec = models.PositiveSmallIntegerField(_("codec version"), default=1)
    data = models.BinaryField(_("compressed readings"))
    checksum = models.BigIntegerField(_("checksum"))
    compacted_at = models.DateTimeField(_("compacted"))

    class Meta:
        verbose_name = _("reading block")
        verbose_name_plural = _("reading blocks")
        constraints = [
            models.UniqueConstraint(fields=["point", "kind", "day"], name="monitoring_readingblock_key"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.kind} {self.day}"


class PacketBlock(models.Model):
    """A closed day of one point's raw packets, the frames compressed together with an offset index.

    The frames are kept byte for byte; the parse is obtained by decoding a frame again. ``stats``
    keeps what statistics need without decompressing (counts by verdict and by tolerance).
    ``index`` is the compressed per-frame metadata (offset, length, received time, peer, verdict,
    reason, retransmissions, dedup key...). Written by ``monitoring.evidence_blocks``; see
    docs/storage.md.

    ``first_id`` / ``last_id`` are the smallest and largest packet id in the index, so the block of a
    packet id is found by ``first_id <= id <= last_id`` (``monitoring.evidence_lookup``); NULL for a
    block migration 0010 could not decode. That predicate is a stabbing query: one B-tree bounds only
    one of its two columns, so the scan covers every block on one side of the id and checks the other
    column in the index. Hence two composite indexes, (first_id, last_id) and (last_id, first_id): the
    planner (PostgreSQL from its histograms, SQLite from ``ANALYZE`` stats) takes the one whose range is
    the smaller (an old id: ``first_id <= id``; a recent one: ``last_id >= id``) and never reads a heap
    row it does not return. A single index on last_id alone would scan every later block for an old id.
    Measured on PostgreSQL 15 over 365,000 blocks (100 points, ten years): an old id 0.35 ms (first
    index), a recent one 0.17 ms (last index); an id in the middle of the range is a sequential scan,
    18.8 ms, as either index would read half of its entries.
    """

    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
        verbose_name=_("monitoring point"),
    )
    day = models.DateField(_("day"))  # the local day of the packets' receipt
    count = models.PositiveIntegerField(_("packets"))
    first_received = models.DateTimeField(_("first received"))
    last_received = models.DateTimeField(_("last received"))
    stats = models.JSONField(_("statistics"), default=dict)
    codec = models.PositiveSmallIntegerField(_("codec version"), default=1)
    index = models.BinaryField(_("frame index"))
    data = models.BinaryField(_("compressed frames"))
    checksum = models.BigIntegerField(_("checksum"))
    compacted_at = models.DateTimeField(_("compacted"))
    first_id = models.BigIntegerField(_("first packet id"), null=True, blank=True)
    last_id = models.BigIntegerField(_("last packet id"), null=True, blank=True)

    class Meta:
        verbose_name = _("packet block")
        verbose_name_plural = _("packet blocks")
        constraints = [
            models.UniqueConstraint(fields=["point", "day"], name="monitoring_packetblock_key"),
        ]
        indexes = [
            models.Index(fields=["first_id", "last_id"], name="monitoring_packetblock_first"),
            models.Index(fields=["last_id", "first_id"], name="monitoring_packetblock_last"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day}"


class RetentionTier(models.TextChoices):
    """What expires, each after its own window (``monitoring.retention``); hour and day readings never do."""

    REALTIME = "realtime", _("Real-time readings")
    MINUTE = "minute", _("Minute readings")
    RAW = "raw", _("Raw packets")


class ExpiryMark(models.Model):
    """How far expiry has looked at one point's data of one tier: every local day before ``next_day``.

    The worker claims a day by moving ``next_day`` past it with ``UPDATE ... WHERE next_day = <seen>``,
    in the transaction that deletes the day's rows, so two workers never expire the same day twice.
    A day a case held when the mark passed it is kept for good. ``point`` is null for the raw packets
    that never matched a point (refused before a point was known).
    """

    tier = models.CharField(_("tier"), max_length=8, choices=RetentionTier.choices)
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("monitoring point"),
    )
    next_day = models.DateField(_("next day to look at"))
    expired_at = models.DateTimeField(_("last looked"), null=True, blank=True)

    class Meta:
        verbose_name = _("expiry mark")
        verbose_name_plural = _("expiry marks")
        constraints = [
            models.UniqueConstraint(fields=["point", "tier"], name="monitoring_expirymark_key"),
            models.UniqueConstraint(fields=["tier"], condition=models.Q(point__isnull=True),
                                    name="monitoring_expirymark_pointless"),
        ]
        indexes = [models.Index(fields=["tier", "next_day"], name="monitoring_expirymark_due")]

    def __str__(self) -> str:
        return f"{self.tier} {self.point_id or '-'} {self.next_day}"


class ExpiryRun(models.Model):
    """One batch of expiry (a worker pass or part of ``qingyuan expire``): what it deleted, in figures.

    Written with its audit entry in the transaction that deleted the rows, so the counts are exact.
    """

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    source = models.CharField(_("run by"), max_length=20)  # "worker" or "command"
    days = models.PositiveIntegerField(_("days looked at"), default=0)
    counts = models.JSONField(_("deleted"), default=dict)  # realtime, minute, raw, blocks, held_days_skipped

    class Meta:
        verbose_name = _("expiry run")
        verbose_name_plural = _("expiry runs")
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"expiry {self.finished_at:%Y-%m-%d %H:%M}"


class HourBlock(models.Model):
    """A derived copy of one point's hour readings over one period (``hour_series.PERIOD``), columnar.

    The narrow hour rows stay the truth; this is a read cache kept honest by the database: triggers on
    the readings table (migration 0009) bump ``version`` in the same transaction as any insert, update or
    delete of an hour reading in the period, whoever writes it. ``data`` (``hour_series`` encoding) is
    used only while ``built == version``; otherwise the period is read from the narrow rows. See
    docs/storage.md, "Hourly values over a year".
    """

    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
        verbose_name=_("monitoring point"),
    )
    period = models.BigIntegerField(_("period"))  # floor(epoch seconds / hour_series.PERIOD_SECONDS)
    version = models.BigIntegerField(_("version"), default=1)
    built = models.BigIntegerField(_("built from version"), default=0)
    count = models.PositiveIntegerField(_("readings"), default=0)
    checksum = models.BigIntegerField(_("checksum"), default=0)
    data = models.BinaryField(_("columnar readings"), null=True, blank=True)

    class Meta:
        verbose_name = _("hour block")
        verbose_name_plural = _("hour blocks")
        constraints = [
            models.UniqueConstraint(fields=["point", "period"], name="monitoring_hourblock_key"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} hour period {self.period}"
