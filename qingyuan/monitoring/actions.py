"""Every change to monitoring records that is not the bulk storage of packets.

People's actions (``do_*``) run in one transaction and write their audit entry:
queueing a device command, registering a quarantined MN as a monitoring point.
The system's (no user, no audit entry; the rows themselves are the record):
handing queued commands to the gateway, recording the device's answers,
failing commands nobody answered, marking devices offline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from qingyuan import hj212
from qingyuan.core import audit, bulk
from qingyuan.enterprises import actions as enterprise_actions
from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.hj212.mask import MASK
from qingyuan.monitoring import frames
from qingyuan.monitoring.choices import (
    ANSWERED_BY_9012,
    COMMAND_CN,
    SETUP_KINDS,
    CommandKind,
    CommandStatus,
    QuarantineReason,
    QuarantineResolution,
)
from qingyuan.monitoring.models import DeviceCommand, DeviceSetup, DeviceState, Quarantine
from qingyuan.org.models import Park

# A command sent without a 9011 within this long, or queued this long without the
# device connecting, is failed (the web can queue it again).
ANSWER_TIMEOUT = dt.timedelta(minutes=2)
QUEUE_TIMEOUT = dt.timedelta(hours=24)


class CommandRefused(ValueError):
    """The command cannot be built for this point (bad parameter, unknown kind)."""


# -- people ----------------------------------------------------------------------------
@transaction.atomic
def do_queue_command(
    point: MonitoringPoint, kind: str, params: dict[str, Any] | None = None, *, acting_user: Any
) -> DeviceCommand:
    params = dict(params or {})
    qn = _free_qn(point)
    try:
        frames.payload(kind, params, point, qn)  # validate now: a bad value never reaches the queue
    except (hj212.CommandError, KeyError, TypeError, ValueError) as exc:
        raise CommandRefused(str(exc)) from exc
    command = DeviceCommand.objects.create(
        point=point, kind=kind, params=params, cn=COMMAND_CN[CommandKind(kind)], qn=qn, created_by=acting_user
    )
    audit.record("device_command.queue", command, acting_user=acting_user, related=point,
                 after={"kind": kind, "params": params, "qn": qn, "mn": point.mn})
    return command


def _free_qn(point: MonitoringPoint) -> str:
    return _free_qns(point, 1)[0]


def _free_qns(point: MonitoringPoint, count: int) -> list[str]:
    """``count`` QNs from now on that no recent command of the point uses (one per millisecond)."""
    now = timezone.now()
    taken = set(DeviceCommand.objects.filter(point=point, created_at__gte=now - dt.timedelta(minutes=1))
                .values_list("qn", flat=True))
    qns: list[str] = []
    while len(qns) < count:
        qn = frames.new_qn(now)
        if qn not in taken:
            qns.append(qn)
            taken.add(qn)
        now += dt.timedelta(milliseconds=1)
    return qns


@transaction.atomic
def do_update_device_setup(
    point: MonitoringPoint, *, acting_user: Any, enabled: bool, over_time_s: int, re_count: int
) -> DeviceSetup:
    setup, _created = DeviceSetup.objects.select_for_update().get_or_create(point=point)
    before = {"enabled": setup.enabled, "over_time_s": setup.over_time_s, "re_count": setup.re_count}
    setup.enabled, setup.over_time_s, setup.re_count = enabled, over_time_s, re_count
    setup.full_clean()
    setup.save(update_fields=["enabled", "over_time_s", "re_count"])
    audit.record("device_setup.update", setup, acting_user=acting_user, related=point, before=before,
                 after={"enabled": enabled, "over_time_s": over_time_s, "re_count": re_count})
    return setup


@transaction.atomic
def do_reset_device_setup(point: MonitoringPoint, *, acting_user: Any) -> DeviceSetup:
    """Queue the first-connection setup again at the logger's next connection (e.g. a new logger)."""
    setup, _created = DeviceSetup.objects.select_for_update().get_or_create(point=point)
    before = {"queued_at": setup.queued_at.isoformat() if setup.queued_at else None,
              "connection_id": setup.connection_id}
    setup.queued_at, setup.connection_id = None, None
    setup.save(update_fields=["queued_at", "connection_id"])
    audit.record("device_setup.reset", setup, acting_user=acting_user, related=point, before=before,
                 after={"queued_at": None, "connection_id": None})
    return setup


@transaction.atomic
def do_register_point_from_quarantine(
    entry: Quarantine, *, acting_user: Any, outlet: Outlet | None, park: Park, name: str, password: str,
    protocol_version: str, st: str,
) -> MonitoringPoint:
    """Create the monitoring point for a quarantined unknown MN; its next packets are accepted.

    An empty ``password`` takes the one the device sends (copied here, never shown on a page).
    """
    locked = Quarantine.objects.select_for_update().get(pk=entry.pk)
    if locked.resolved or locked.reason != QuarantineReason.UNKNOWN_MN:
        raise ValueError("only an open unknown-MN entry can be registered")
    point = enterprise_actions.do_create_point(
        acting_user=acting_user, park=park, outlet=outlet, name=name, mn=locked.mn, password=password or locked.pw_given,
        protocol_version=protocol_version, st=st,
    )
    now = timezone.now()
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    Quarantine.objects.filter(mn=locked.mn, resolved=False).update(
        resolved=True, resolved_at=now, resolved_by=user, point=point, resolution=QuarantineResolution.REGISTERED
    )
    audit.record("quarantine.register", locked, acting_user=acting_user, related=point,
                 before={"resolved": False}, after={"resolved": True, "point_id": point.pk, "mn": point.mn})
    return point


class QuarantineRefused(ValueError):
    """The quarantine action does not apply (any more) to this entry; nothing was changed."""


def point_of_entry(entry: Quarantine) -> MonitoringPoint | None:
    """The monitoring point a wrong-password or inactive-point entry names by its MN."""
    return MonitoringPoint.objects.filter(mn=entry.mn).select_related("park").first()


def _lock_open_entry(entry: Quarantine) -> Quarantine:
    locked = Quarantine.objects.select_for_update().get(pk=entry.pk)
    if locked.resolved:
        raise QuarantineRefused(_("This entry was already handled."))
    return locked


def _resolve(entry: Quarantine, resolution: str, reason: str, point: MonitoringPoint | None,
             acting_user: Any) -> None:
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    entry.resolved, entry.resolved_at, entry.resolved_by = True, timezone.now(), user
    entry.resolution, entry.resolution_note, entry.point = resolution, reason, point
    entry.save(update_fields=["resolved", "resolved_at", "resolved_by", "resolution", "resolution_note", "point"])


def password_seen(entry: Quarantine) -> str:
    """A token of the password the entry's last packet carried, which tells nothing about it.

    The confirmation page posts it back, so the change applies only if the device
    has not sent another password since; the password itself never reaches a page.
    """
    return salted_hmac("qingyuan.monitoring.quarantine.password", f"{entry.pk}:{entry.pw_given}").hexdigest()[:32]


@transaction.atomic
def do_update_point_password_from_quarantine(
    entry: Quarantine, *, acting_user: Any, seen: str, reason: str
) -> MonitoringPoint:
    """The device was re-configured in the field: the point takes the password it now sends.

    The password is copied from the entry here, never shown or posted: ``seen`` is
    the :func:`password_seen` token of the page the official confirmed; the entry's
    latest packet must still carry that password (the device may have sent another).
    Audited as ``point.password`` with the password masked on both sides.
    """
    reason = reason.strip()
    if not reason:
        raise QuarantineRefused(_("Give the reason for the change."))
    locked = _lock_open_entry(entry)
    if locked.reason != QuarantineReason.WRONG_PW:
        raise QuarantineRefused(_("Only a wrong-password entry can update the point's password."))
    point = MonitoringPoint.objects.select_for_update().filter(mn=locked.mn).first()
    if point is None:
        raise QuarantineRefused(_("No monitoring point has the MN %(mn)s any more.") % {"mn": locked.mn})
    new = locked.pw_given
    if not constant_time_compare(seen, password_seen(locked)):
        raise QuarantineRefused(_("The device has sent another password since this page was shown: check the "
                                  "entry again."))
    if not new:
        raise QuarantineRefused(_("The device sent no password: there is nothing to take over."))
    if len(new) > MonitoringPoint._meta.get_field("password").max_length:  # type: ignore[operator]
        raise QuarantineRefused(_("The device's password is longer than a point's password may be (32 characters)."))
    if new == point.password:
        raise QuarantineRefused(_("The point already has this password."))
    point.password = new
    point.save(update_fields=["password"])
    audit.record("point.password", point, acting_user=acting_user, related=locked,
                 before={"password": MASK}, after={"password": MASK}, message=reason)
    _resolve(locked, QuarantineResolution.PASSWORD_UPDATED, reason, point, acting_user)
    audit.record("quarantine.update_password", locked, acting_user=acting_user, related=point,
                 before={"resolved": False},
                 after={"resolved": True, "resolution": QuarantineResolution.PASSWORD_UPDATED.value,
                        "point_id": point.pk, "mn": point.mn},
                 message=reason)
    return point


@transaction.atomic
def do_dismiss_quarantine(entry: Quarantine, *, acting_user: Any, reason: str) -> Quarantine:
    """An intruder or a misconfigured device: the entry is kept as evidence, marked handled.

    Its MN's later packets are still refused; they open a new entry.
    """
    reason = reason.strip()
    if not reason:
        raise QuarantineRefused(_("Give the reason for dismissing the entry."))
    locked = _lock_open_entry(entry)
    point = point_of_entry(locked) if locked.reason != QuarantineReason.UNKNOWN_MN else None
    _resolve(locked, QuarantineResolution.DISMISSED, reason, point, acting_user)
    audit.record("quarantine.dismiss", locked, acting_user=acting_user, related=point,
                 before={"resolved": False},
                 after={"resolved": True, "resolution": QuarantineResolution.DISMISSED.value, "mn": locked.mn,
                        "reason": locked.reason},
                 message=reason)
    return locked


# -- the system --------------------------------------------------------------------------
def queue_device_setup(point_id: int, connection_id: int, now: dt.datetime | None = None) -> list[DeviceCommand]:
    """The first connection of a point's logger: queue its setup commands (HJ 212-2017 §6.7), once.

    Queued when the point's setup is enabled and not queued yet (a new point, or
    a reset): one optimistic ``UPDATE ... WHERE queued_at IS NULL`` claims it, so
    two connections (or two gateways) never both queue it, and a reconnect queues
    nothing. 2005 loggers get none (HJ/T 212-2005 has no such commands). A command
    whose value the standard does not allow (a minute interval of 7) is recorded
    as failed with the reason, so the device page shows what was not sent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        point = MonitoringPoint.objects.filter(pk=point_id, is_active=True).first()
        if point is None or frames.VERSION_BITS.get(point.protocol_version, 1) == 0:
            return []
        DeviceSetup.objects.get_or_create(point=point)
        if not DeviceSetup.objects.filter(point=point, enabled=True, queued_at__isnull=True).update(
                queued_at=now, connection_id=connection_id):
            return []
        setup = DeviceSetup.objects.get(point=point)
        params = {
            CommandKind.SET_OVERTIME: {"over_time": setup.over_time_s, "re_count": setup.re_count},
            CommandKind.SET_RTD_INTERVAL: {"seconds": point.rtd_interval_s},
            CommandKind.SET_MIN_INTERVAL: {"minutes": point.min_interval_min},
        }
        commands = []
        for kind, qn in zip(SETUP_KINDS, _free_qns(point, len(SETUP_KINDS)), strict=True):
            command = DeviceCommand(point=point, kind=kind, params=params.get(kind, {}), cn=COMMAND_CN[kind], qn=qn,
                                    setup=True)
            try:
                frames.payload(kind, command.params, point, qn, now)
            except (hj212.CommandError, KeyError, TypeError, ValueError) as exc:
                command.status, command.finished_at, command.error = CommandStatus.FAILED, now, str(exc)[:200]
            commands.append(command)
        return bulk.create(commands, action="device_command.queue", acting_user=None, related=point,  # type: ignore[return-value]
                           after=lambda c: {"kind": c.kind, "params": c.params, "qn": c.qn, "mn": point.mn,
                                            "setup": True, "status": c.status, "error": c.error},
                           message="setup")


def claim_commands(mns: Collection[str], limit: int, now: dt.datetime | None = None) -> list[tuple[DeviceCommand, bytes]]:
    """Queued commands for these connected MNs, marked sent (an optimistic UPDATE per command)."""
    now = now or timezone.now()
    wanted = set(mns)
    queued = (DeviceCommand.objects.filter(status=CommandStatus.QUEUED).select_related("point")
              .order_by("id")[: max(limit * 4, 100)])
    claimed = []
    for command in queued:
        if command.point.mn not in wanted or len(claimed) >= limit:
            continue
        try:
            data = frames.payload(command.kind, command.params, command.point, command.qn, now)
        except (hj212.CommandError, KeyError, TypeError, ValueError) as exc:
            DeviceCommand.objects.filter(pk=command.pk, status=CommandStatus.QUEUED).update(
                status=CommandStatus.FAILED, finished_at=now, error=str(exc)[:200])
            continue
        if DeviceCommand.objects.filter(pk=command.pk, status=CommandStatus.QUEUED).update(
                status=CommandStatus.SENT, sent_at=now):
            claimed.append((command, data))
    return claimed


@dataclass(frozen=True, slots=True)
class Answer:
    """A device packet that answers a command: 9011, 9012, or an upload with the command's QN."""

    point_id: int
    qn: str
    cn: str
    fields: dict[str, str]
    at: dt.datetime


def record_command_answers(answers: Iterable[Answer]) -> int:
    """Apply the answers to the commands with the same point and QN; return how many matched."""
    answers = list(answers)
    if not answers:
        return 0
    keys = Q()
    for a in answers:
        keys |= Q(point_id=a.point_id, qn=a.qn)
    commands = {(c.point_id, c.qn): c for c in DeviceCommand.objects.filter(keys)}
    matched = 0
    for a in answers:
        command = commands.get((a.point_id, a.qn))
        if command is None:
            continue
        matched += 1
        _apply_answer(command, a)
    for command in commands.values():
        if getattr(command, "_answered", False):
            command.save(update_fields=["status", "qn_rtn", "exe_rtn", "result", "acknowledged_at", "finished_at",
                                        "error"])
    return matched


def _apply_answer(command: DeviceCommand, a: Answer) -> None:
    command._answered = True  # type: ignore[attr-defined]
    if a.cn == "9011":
        command.qn_rtn = a.fields.get("QnRtn", "")[:8]
        command.acknowledged_at = a.at
        if command.qn_rtn != "1":
            command.status, command.finished_at = CommandStatus.FAILED, a.at
            command.error = f"QnRtn={command.qn_rtn}"
        elif command.kind in ANSWERED_BY_9012:
            if command.status != CommandStatus.DONE:
                command.status = CommandStatus.ACKNOWLEDGED
        else:
            command.status, command.finished_at = CommandStatus.DONE, a.at
    elif a.cn == "9012":
        command.exe_rtn = a.fields.get("ExeRtn", "")[:8]
        command.finished_at = a.at
        command.status = CommandStatus.DONE if command.exe_rtn == "1" else CommandStatus.FAILED
        command.error = "" if command.exe_rtn == "1" else f"ExeRtn={command.exe_rtn}"
    else:
        command.result = {**(command.result or {}), **a.fields}


def fail_stale_commands(now: dt.datetime | None = None) -> int:
    """Commands nobody answered: sent without a 9011, or queued while the device never came."""
    now = now or timezone.now()
    unanswered = DeviceCommand.objects.filter(status=CommandStatus.SENT, sent_at__lt=now - ANSWER_TIMEOUT).update(
        status=CommandStatus.FAILED, finished_at=now, error="no answer from the device")
    unsent = DeviceCommand.objects.filter(status=CommandStatus.QUEUED, created_at__lt=now - QUEUE_TIMEOUT).update(
        status=CommandStatus.FAILED, finished_at=now, error="the device did not connect")
    return unanswered + unsent


OFFLINE_FLOOR = dt.timedelta(minutes=10)


def offline_after(min_interval_min: int) -> dt.timedelta:
    """A device is offline when nothing arrived for max(3 x its minute-data interval, 10 minutes)."""
    return max(3 * dt.timedelta(minutes=max(min_interval_min, 1)), OFFLINE_FLOOR)


def mark_offline(now: dt.datetime | None = None, *, point_ids: Collection[int] | None = None) -> int:
    """Flip online devices whose last packet is too old; one UPDATE per configured interval.

    This is the one rule for "online": a packet within ``offline_after``. An open
    connection that brings nothing does not keep a device online. ``point_ids``
    restricts the check (a restarted gateway re-judges the devices it had).
    """
    now = now or timezone.now()
    online = DeviceState.objects.filter(online=True)
    if point_ids is not None:
        online = online.filter(point_id__in=list(point_ids))
    intervals = set(online.values_list("point__min_interval_min", flat=True))
    changed = 0
    for minutes in intervals:
        cutoff = now - offline_after(minutes)
        changed += online.filter(point__min_interval_min=minutes, last_seen__lt=cutoff).update(
            online=False, changed_at=now)
    return changed


OUTBOX_KEEP_DELIVERED = dt.timedelta(days=7)


def expire_outbox_claims(now: dt.datetime | None = None, *, prune_batch: int = 5000) -> int:
    """Release leases a gateway did not finish (it died mid-send) and prune old delivered items."""
    from qingyuan.monitoring.models import OutboxItem

    now = now or timezone.now()
    released = OutboxItem.objects.filter(delivered_at__isnull=True, claimed_until__lt=now).update(
        claimed_until=None, claim_token="")
    old = list(OutboxItem.objects.filter(delivered_at__lt=now - OUTBOX_KEEP_DELIVERED)
               .values_list("id", flat=True)[:prune_batch])
    if old:
        OutboxItem.objects.filter(id__in=old).delete()
    return released + len(old)
