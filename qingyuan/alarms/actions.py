"""Every change to alarms: raising and extending them (the system), and their lifecycle (people).

``raise_findings`` is the system's action: findings of one batch or sweep are
merged per (point, parameter, kind); an active alarm with that key is extended
(``end``, ``peak``, ``count`` — only observations ending after its current end
count, so evaluating the same data twice changes nothing); otherwise a new alarm
is created with its audit entry, its notifications and its place in the enterprise's
episode (``qingyuan.alarms.episodes``): for the kinds the park's policy names, the
episode's one assignment to the enterprise's linked unit, due in the policy's number
of days, is issued or lists the new alarm too.

The people's ``do_*`` actions check the workflow (``TransitionError`` with the
reason), then the input (``ValidationError`` by field), and write in one
transaction the state (``workflow.fire``: transition record and audit entry),
the content, the evidence and the notifications (written on commit).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.alarms import episodes
from qingyuan.alarms.access import alarm_roles
from qingyuan.alarms.choices import AlarmKind, ExplanationKind, Severity
from qingyuan.alarms.context import PointContext
from qingyuan.alarms.models import Alarm, AlarmPolicy
from qingyuan.alarms.rules import PEAK_LOWER, Finding
from qingyuan.alarms.workflow import ALARMS, VERDICTS
from qingyuan.core import attachments, audit, workflow
from qingyuan.core.notify import notify
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership
from qingyuan.quality.aggregate import unit_of

log = logging.getLogger("qingyuan.alarms")

SEVERITY = {
    AlarmKind.EXCEEDANCE: Severity.HIGH, AlarmKind.OVER_RANGE: Severity.HIGH, AlarmKind.SUDDEN_DROP: Severity.HIGH,
    AlarmKind.EXCEEDANCE_WARNING: Severity.MEDIUM, AlarmKind.CONSTANT: Severity.MEDIUM,
    AlarmKind.ZERO: Severity.MEDIUM, AlarmKind.NEGATIVE: Severity.MEDIUM, AlarmKind.FAULT: Severity.MEDIUM,
    AlarmKind.OFFLINE: Severity.MEDIUM, AlarmKind.FLOW_NO_CONC: Severity.MEDIUM,
    AlarmKind.CONC_NO_FLOW: Severity.MEDIUM, AlarmKind.APPROACHING: Severity.LOW,
    AlarmKind.MAINTENANCE: Severity.LOW, AlarmKind.CALIBRATION: Severity.LOW, AlarmKind.COMM_ERROR: Severity.LOW,
    AlarmKind.MISSING: Severity.LOW, AlarmKind.MISMATCH: Severity.LOW,
}
UNITS = {AlarmKind.SUDDEN_DROP: "%", AlarmKind.MISSING: "min", AlarmKind.OFFLINE: "h"}
Files = Sequence[Any]


def _worse(kind: str, a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b) if kind in PEAK_LOWER else max(a, b)


@dataclass
class _Merged:
    ctx: PointContext
    kind: str
    parameter: str
    start: dt.datetime
    end: dt.datetime
    peak: float | None
    limit: float | None
    detail: dict[str, Any]
    spans: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)

    def episodes(self, start: dt.datetime | None = None, end: dt.datetime | None = None) -> int:
        """Separate episodes among the findings: touching or overlapping ones are one, and those that
        touch an alarm's current span [``start``, ``end``] belong to it already."""
        count, reach = 0, None
        for s, e in sorted(self.spans):
            if start is not None and end is not None and not (e < start or s > end):
                reach = e if reach is None or e > reach else reach
                continue
            if reach is None or s > reach:
                count += 1
            reach = e if reach is None or e > reach else reach
        return count


def _merge(items: Iterable[tuple[PointContext, Finding]]) -> dict[tuple[int, str, str], _Merged]:
    merged: dict[tuple[int, str, str], _Merged] = {}
    for ctx, f in items:
        key = (ctx.info.id, f.parameter, str(f.kind))
        m = merged.get(key)
        if m is None:
            merged[key] = _Merged(ctx, str(f.kind), f.parameter, f.start, f.end, f.value, f.limit, dict(f.detail),
                                  [(f.start, f.end)])
            continue
        m.start, m.end = min(m.start, f.start), max(m.end, f.end)
        m.peak = _worse(m.kind, m.peak, f.value)
        m.limit = f.limit if f.limit is not None else m.limit
        m.detail = dict(f.detail) or m.detail
        m.spans.append((f.start, f.end))
    return merged


def raise_findings(items: Iterable[tuple[PointContext, Finding]], *, now: dt.datetime | None = None
                   ) -> list[Alarm]:
    """Store findings as alarms (new or extended); return the alarms created. Idempotent."""
    merged = _merge(items)
    if not merged:
        return []
    now = now or timezone.now()
    created = []
    with transaction.atomic():
        existing = {(a.point_id, a.parameter, a.kind): a for a in Alarm.objects.active().filter(
            point_id__in={k[0] for k in merged}, kind__in={k[2] for k in merged}).select_for_update()}
        for key, m in merged.items():
            alarm = existing.get(key)
            if alarm is not None:
                _extend(alarm, m, now)
                continue
            try:
                with transaction.atomic():
                    alarm = _create(m, now)
            except IntegrityError:  # another evaluator created it a moment ago
                _extend(Alarm.objects.active().get(point_id=key[0], parameter=key[1], kind=key[2]), m, now)
                continue
            created.append(alarm)
        people = _People()
        for alarm in created:
            _announce(alarm, merged[(alarm.point_id, alarm.parameter, alarm.kind)].ctx, people)
    return created


def _extend(alarm: Alarm, m: _Merged, now: dt.datetime) -> None:
    new = m.episodes(alarm.start, alarm.end)
    peak = _worse(alarm.kind, alarm.peak, m.peak)
    if m.end <= alarm.end and m.start >= alarm.start and peak == alarm.peak:
        return  # nothing the alarm does not already say: evaluating again changes nothing
    updates: dict[str, Any] = {"start": min(alarm.start, m.start), "end": max(alarm.end, m.end), "peak": peak,
                               "last_detected_at": now, "detail": m.detail}
    if new:
        updates["count"] = alarm.count + new
    if m.limit is not None:
        updates["limit"] = m.limit
    Alarm.objects.filter(pk=alarm.pk).update(**updates)
    for k, v in updates.items():
        setattr(alarm, k, v)


def _create(m: _Merged, now: dt.datetime) -> Alarm:
    info = m.ctx.info
    return Alarm.objects.create(
        park_id=info.park_id, enterprise_id=info.enterprise_id, point_id=info.id, parameter=m.parameter,
        kind=m.kind, severity=SEVERITY.get(m.kind, Severity.MEDIUM), start=m.start, end=m.end, peak=m.peak,
        limit=m.limit, unit=UNITS.get(m.kind, unit_of(m.parameter) if m.parameter else ""), count=m.episodes(),
        detail=m.detail, first_detected_at=now, last_detected_at=now)


def title_of(alarm: Alarm, point_name: str = "") -> str:
    from qingyuan.quality.services import parameter_label

    what = AlarmKind(alarm.kind).label
    param = f" {parameter_label(alarm.parameter)}" if alarm.parameter else ""
    return f"{point_name or alarm.point_id}: {what}{param}"


def _officers(unit_id: int | None) -> list[Any]:
    if unit_id is None:
        return []
    return [m.user for m in Membership.objects.filter(is_active=True, user__is_active=True, unit_id=unit_id,
                                                      role=Role.UNIT_OFFICER).select_related("user")]


class _People:
    """Enterprises and the people to tell, looked up once per ``raise_findings`` call (a burst of new alarms
    after an outage would otherwise repeat the same queries for every alarm)."""

    def __init__(self) -> None:
        self.enterprises: dict[int | None, Enterprise | None] = {}
        self.accounts: dict[int, list[Any]] = {}
        self.units: dict[int | None, list[Any]] = {}

    def enterprise(self, pk: int | None) -> Enterprise | None:
        if pk not in self.enterprises:
            self.enterprises[pk] = (Enterprise.objects.select_related("park", "linked_unit").filter(pk=pk).first()
                                    if pk is not None else None)
        return self.enterprises[pk]

    def users_of(self, enterprise: Enterprise | None) -> list[Any]:
        if enterprise is None:
            return []
        if enterprise.pk not in self.accounts:
            self.accounts[enterprise.pk] = [a.user for a in enterprise.accounts.select_related("user")]
        return self.accounts[enterprise.pk]

    def officers_of(self, enterprise: Enterprise) -> list[Any]:
        if enterprise.linked_unit_id not in self.units:
            self.units[enterprise.linked_unit_id] = _officers(enterprise.linked_unit_id)
        return self.units[enterprise.linked_unit_id]


def _announce(alarm: Alarm, ctx: PointContext, people: _People) -> None:
    """Audit entry and notifications of a new alarm; its episode, and the episode's assignment
    (``qingyuan.alarms.episodes``: the enterprise hears of every alarm, the linked unit once per episode)."""
    point = MonitoringPoint(pk=ctx.info.id, name=ctx.name, mn=ctx.mn)  # for the audit entry's related object
    audit.record("alarm.raise", alarm, acting_user=None, related=point,
                 after={"kind": alarm.kind, "parameter": alarm.parameter, "severity": alarm.severity,
                        "start": alarm.start.isoformat(), "peak": alarm.peak, "limit": alarm.limit})
    enterprise = people.enterprise(alarm.enterprise_id)
    title = title_of(alarm, ctx.name)
    if alarm.severity != Severity.LOW:
        notify(people.users_of(enterprise), kind="alarm.raised", title=title, url=alarm.get_absolute_url())
    if enterprise is not None:
        episodes.place(alarm, enterprise, ctx.policy, people.officers_of(enterprise), title)


# ---- the lifecycle (people) --------------------------------------------------------------------

def _fire(alarm: Alarm, name: str, acting_user: Any, *, reason: str = "", updates: dict[str, Any] | None = None,
          data: dict[str, Any] | None = None) -> None:
    workflow.fire(ALARMS, alarm, name, roles=alarm_roles(acting_user, alarm), acting_user=acting_user,
                  reason=reason, extra_updates=updates, data=data)


def _tell(alarm: Alarm, acting_user: Any, users: Iterable[Any], title: str, body: str = "") -> None:
    me = getattr(acting_user, "pk", None)
    notify([u for u in users if u.pk != me], kind="alarm.updated", title=title, body=body,
           url=alarm.get_absolute_url())


def _enterprise_users(alarm: Alarm) -> list[Any]:
    return [a.user for a in alarm.enterprise.accounts.select_related("user")] if alarm.enterprise_id else []  # type: ignore[union-attr]


def _regulators(alarm: Alarm) -> list[Any]:
    staff = [m.user for m in Membership.objects.filter(is_active=True, user__is_active=True, park_id=alarm.park_id,
                                                       role=Role.OFFICE_STAFF).select_related("user")]
    return staff + _officers(alarm.enterprise.linked_unit_id if alarm.enterprise_id else None)  # type: ignore[union-attr]


@transaction.atomic
def do_acknowledge(alarm: Alarm, *, acting_user: Any) -> Alarm:
    _fire(alarm, "acknowledge", acting_user)
    return alarm


def do_explain(alarm: Alarm, *, acting_user: Any, kind: str, text: str, files: Files) -> Alarm:
    """The enterprise explains the alarm; evidence (a maintenance record, stop-production proof...) is required."""
    ALARMS.check(alarm.status, "explain", alarm_roles(acting_user, alarm))
    errors: dict[str, list[str]] = {}
    if kind not in ExplanationKind.values:
        errors["kind"] = [_("Choose what caused the alarm.")]
    if not (text or "").strip():
        errors["text"] = [_("Explain what happened and what was done.")]
    checked = []
    if not files:
        errors["files"] = [_("Attach the evidence (maintenance record, stop-production proof, repair report): "
                             "an explanation without evidence cannot be verified.")]
    for upload in files:
        try:
            checked.append((upload, attachments.validate_upload(upload)))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _fire(alarm, "explain", acting_user, updates={
            "explanation_kind": kind, "explanation": text.strip(), "explained_at": timezone.now(),
            "explained_by_name": audit.user_name(acting_user)}, data={"kind": kind, "files": len(checked)})
        for upload, file_kind in checked:
            attachments.store(alarm, upload, uploaded_by=acting_user, kind=file_kind, purpose="explanation")
        _tell(alarm, acting_user, _regulators(alarm), _("Alarm explained: %(title)s") % {"title": title_of(alarm)},
              text.strip())
    return alarm


@transaction.atomic
def do_send_back(alarm: Alarm, *, acting_user: Any, reason: str) -> Alarm:
    _fire(alarm, "send_back", acting_user, reason=reason)
    _tell(alarm, acting_user, _enterprise_users(alarm),
          _("More explanation needed: %(title)s") % {"title": title_of(alarm)}, reason)
    return alarm


@transaction.atomic
def do_verify(alarm: Alarm, decision: str, *, acting_user: Any, note: str = "") -> Alarm:
    """The regulator's screening (甄别): ``decision`` is "accept", "reject" or "refer"."""
    if decision not in VERDICTS:
        raise ValidationError({"decision": [_("Choose accept, reject or refer.")]})
    _fire(alarm, decision, acting_user, reason=note, updates={
        "verdict": VERDICTS[decision], "verdict_note": note.strip(), "verified_at": timezone.now(),
        "verified_by_name": audit.user_name(acting_user)})
    _tell(alarm, acting_user, _enterprise_users(alarm),
          _("Alarm verified: %(title)s") % {"title": title_of(alarm)}, note)
    return alarm


@transaction.atomic
def do_close(alarm: Alarm, *, acting_user: Any, note: str = "") -> Alarm:
    _fire(alarm, "close", acting_user, reason=note, updates={"closed_at": timezone.now()})
    return alarm


@transaction.atomic
def do_dismiss(alarm: Alarm, *, acting_user: Any, reason: str) -> Alarm:
    _fire(alarm, "dismiss", acting_user, reason=reason, updates={"closed_at": timezone.now()})
    return alarm


POLICY_FIELDS = ("approach_percent", "constant_minutes", "constant_hour_records", "zero_minutes", "drop_percent",
                 "drop_window_minutes", "missing_intervals", "offline_hours", "assign_kinds", "deadline_days",
                 "episode_gap_hours", "consecutive_periods")


@transaction.atomic
def do_set_policy(park: Any, *, acting_user: Any, **values: Any) -> AlarmPolicy:
    policy, _created = AlarmPolicy.objects.get_or_create(park=park)
    before = audit.snapshot(policy, POLICY_FIELDS)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields {sorted(unknown)}")
    if "assign_kinds" in values:
        bad = set(values["assign_kinds"]) - set(AlarmKind.values)
        if bad:
            raise ValidationError({"assign_kinds": [_("Unknown alarm kinds: %(kinds)s") % {"kinds": ", ".join(sorted(bad))}]})
    for k, v in values.items():
        setattr(policy, k, v)
    policy.full_clean()
    policy.save()
    b, a = audit.changed(before, audit.snapshot(policy, POLICY_FIELDS))
    audit.record("alarm_policy.set", policy, acting_user=acting_user, before=b, after=a)
    return policy

