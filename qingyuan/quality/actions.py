"""Stop-production declarations: submit (with evidence), approve, reject, withdraw; calibrations recorded.

Every change is a ``do_*`` action: it checks the workflow rule, then the input
(``ValidationError`` keyed by field, in the user's language), and writes in one
transaction the declaration, its evidence, the transition record and audit
entry (``workflow.fire``), and the notifications (written on commit). Approving
a declaration makes the days it covers pending again, so their KPIs are counted
without the stopped hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import attachments, audit, workflow
from qingyuan.core.notify import notify
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership
from qingyuan.quality import compute, pending
from qingyuan.quality.access import declaration_roles, is_member
from qingyuan.quality.choices import CalibrationKind, DeclarationStatus, Period
from qingyuan.quality.conf import quality_settings
from qingyuan.quality.models import Calibration, StopDeclaration
from qingyuan.quality.workflow import DECLARATIONS

MAX_DAYS = 366


def filing_deadline(end: dt.datetime) -> dt.datetime | None:
    """The last moment to file a declaration for a period ending at ``end``: the configured day of the
    following month, 24:00 local time (None when the rule is off)."""
    day = quality_settings().declaration_deadline_day
    if not day:
        return None
    local = end.astimezone(compute.zone())
    first_next = (local.date().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return compute.local_midnight(first_next.replace(day=min(day, 28)) + dt.timedelta(days=1))


def _reviewers(enterprise: Enterprise) -> list[Any]:
    q = Membership.objects.filter(is_active=True, user__is_active=True, park_id=enterprise.park_id,
                                  role=Role.OFFICE_STAFF)
    users = [m.user for m in q.select_related("user")]
    if enterprise.linked_unit_id:
        users += [m.user for m in Membership.objects.filter(
            is_active=True, user__is_active=True, unit_id=enterprise.linked_unit_id,
            role=Role.UNIT_OFFICER).select_related("user")]
    return users


def do_submit_declaration(enterprise: Enterprise, *, acting_user: Any, start: dt.datetime | None,
                          end: dt.datetime | None, reason: str, files: Sequence[Any],
                          points: Sequence[MonitoringPoint] = ()) -> StopDeclaration:
    """File a declaration for ``enterprise``. Evidence (at least one file) is required."""
    if not is_member(acting_user, enterprise.pk):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start"] = [_("Give the time production stopped.")]
    if end is None:
        errors["end"] = [_("Give the time production resumed (or will resume).")]
    if start is not None and end is not None:
        if end <= start:
            errors["end"] = [_("The end must be after the start.")]
        elif end - start > dt.timedelta(days=MAX_DAYS):
            errors["end"] = [_("A declaration covers at most %(days)d days; file another one for the rest.")
                             % {"days": MAX_DAYS}]
        deadline = filing_deadline(end)
        if deadline is not None and timezone.now() > deadline:
            errors["end"] = [_("Declarations for this period had to be filed by %(date)s.")
                             % {"date": (deadline - dt.timedelta(seconds=1)).astimezone(compute.zone())
                                .strftime("%Y-%m-%d")}]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why production stopped.")]
    if any(p.outlet is None or p.outlet.enterprise_id != enterprise.pk for p in points):
        errors["points"] = [_("Choose points of this enterprise.")]
    checked = []
    if not files:
        errors["files"] = [_("Attach the evidence (a stop-production notice, power records, photos): "
                             "a declaration without evidence cannot be accepted.")]
    for upload in files:
        try:
            checked.append((upload, attachments.validate_upload(upload)))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None
    with transaction.atomic():
        declaration = StopDeclaration.objects.create(
            enterprise=enterprise, start=start, end=end, reason=reason.strip(), submitted_by=acting_user,
            submitted_by_name=audit.user_name(acting_user))
        if points:
            declaration.points.set(points)
        for upload, kind in checked:
            attachments.store(declaration, upload, uploaded_by=acting_user, kind=kind, purpose="evidence")
        audit.record("stop_declaration.submit", declaration, acting_user=acting_user, related=enterprise,
                     after={"start": start.isoformat(), "end": end.isoformat(), "reason": declaration.reason,
                            "points": [p.pk for p in points], "files": len(checked)})
        notify(_reviewers(enterprise), kind="declaration.submitted",
               title=_("Stop-production declaration from %(name)s") % {"name": enterprise.name},
               body=declaration.reason, url=declaration.get_absolute_url())
    return declaration


def _decide(declaration: StopDeclaration, name: str, *, acting_user: Any, note: str) -> StopDeclaration:
    roles = declaration_roles(acting_user, declaration)
    with transaction.atomic():
        workflow.fire(DECLARATIONS, declaration, name, roles=roles, acting_user=acting_user, reason=note,
                      extra_updates={} if name == "withdraw" else {
                          "reviewed_by": acting_user, "reviewed_by_name": audit.user_name(acting_user),
                          "reviewed_at": timezone.now(), "review_note": note.strip()})
        if declaration.status == DeclarationStatus.APPROVED:
            _recount(declaration)
        if name != "withdraw":
            owners = [a.user for a in declaration.enterprise.accounts.select_related("user")]
            notify(owners, kind="declaration.reviewed",
                   title=_("Your stop-production declaration was %(decision)s")
                   % {"decision": DeclarationStatus(declaration.status).label},
                   body=note, url=declaration.get_absolute_url())
    return declaration


def _recount(declaration: StopDeclaration) -> None:
    """The covered days that are over have their KPIs computed again, without the stopped hours."""
    now = timezone.now()
    points = list(declaration.points.values_list("pk", flat=True)) or list(
        MonitoringPoint.objects.filter(outlet__enterprise_id=declaration.enterprise_id).values_list("pk", flat=True))
    day = compute.local_day(declaration.start)
    last = min(compute.local_day(declaration.end - dt.timedelta(microseconds=1)),
               compute.local_day(now) - dt.timedelta(days=1))
    rows = []
    while day <= last:
        rows += [(pk, Period.DAY, compute.local_midnight(day), now) for pk in points]
        day += dt.timedelta(days=1)
    pending.enqueue(rows)


def do_approve_declaration(declaration: StopDeclaration, *, acting_user: Any, note: str = "") -> StopDeclaration:
    return _decide(declaration, "approve", acting_user=acting_user, note=note)


def do_reject_declaration(declaration: StopDeclaration, *, acting_user: Any, note: str) -> StopDeclaration:
    return _decide(declaration, "reject", acting_user=acting_user, note=note)


def do_withdraw_declaration(declaration: StopDeclaration, *, acting_user: Any, note: str) -> StopDeclaration:
    return _decide(declaration, "withdraw", acting_user=acting_user, note=note)


# ---- calibrations and comparisons ----------------------------------------------------------------

def do_record_calibration(point: MonitoringPoint, *, acting_user: Any, kind: str, at: dt.datetime, passed: bool,
                          parameter: str = "", note: str = "", source: str = "manual") -> Calibration:
    """Record a calibration or comparison of ``point`` (one parameter, or all with ``parameter`` empty).

    The out-of-control windows can change from ``at`` until the next check of the same scope, so the hours
    of that span that are over are made pending at once: a record entered late recomputes its days."""
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if at > now:
        errors["at"] = [_("A check cannot be recorded before it happened.")]
    if kind not in CalibrationKind.values:
        errors["kind"] = [_("Choose the kind of check.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = Calibration.objects.create(
            point=point, parameter=parameter.strip(), kind=kind, at=at, passed=passed, source=source,
            note=note.strip(), recorded_by=acting_user, recorded_by_name=audit.user_name(acting_user),
            recorded_at=now)
        audit.record("calibration.record", record, acting_user=acting_user, related=point,
                     after={"parameter": record.parameter, "kind": kind, "at": at.isoformat(), "passed": passed,
                            "source": source, "note": record.note})
        _recompute_after(record, now)
    return record


def _recompute_after(record: Calibration, now: dt.datetime) -> int:
    """Make the hours from the record to the next check of the same scope (or now) pending, due at once."""
    scope = [record.parameter] if not record.parameter else [record.parameter, ""]
    following = (Calibration.objects.filter(point_id=record.point_id, at__gt=record.at, parameter__in=scope)
                 .order_by("at").values_list("at", flat=True).first())
    end = min(following or now, now)
    hour = compute.floor_hour(record.at)
    rows = []
    while hour < end:
        rows.append((record.point_id, Period.HOUR, hour, now))
        hour += compute.HOUR
    return pending.enqueue(rows)
