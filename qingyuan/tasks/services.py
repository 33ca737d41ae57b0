"""Read-side helpers: list order, the actions a user may take, the timeline, and "my work"."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingyuan.core import workflow
from qingyuan.core.models import Attachment
from qingyuan.core.work import WorkItem
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.tasks.choices import AssignmentStatus, EscalationLevel, ExtensionStatus
from qingyuan.tasks.models import Assignment, EscalationEvent, ExtensionRequest, ProgressReport
from qingyuan.tasks.workflow import ASSIGNMENTS, EXTENSION_DECISIONS

KIND = "assignment"
KIND_LABEL = gettext_lazy("Assignment")


CLOSED = [AssignmentStatus.COMPLETED, AssignmentStatus.WITHDRAWN]


def urgent_first(qs: QuerySet) -> QuerySet:
    """Open before closed, then the highest escalation, then the nearest deadline."""
    return qs.annotate(closed=Case(When(status__in=CLOSED, then=Value(1)), default=Value(0),
                                   output_field=IntegerField())).order_by("closed", "-escalation_level",
                                                                          "deadline", "-id")


def available_actions(a: Assignment, roles: frozenset[str]) -> list[Any]:
    pending = a.extensions.filter(status=ExtensionStatus.PENDING).exists()
    found = []
    for t in ASSIGNMENTS.available(a.status, roles):
        if t.name in EXTENSION_DECISIONS and not pending:
            continue
        if t.name == "request_extension" and pending:
            continue
        found.append(t)
    return found


# ---- timeline -----------------------------------------------------------------------------------

@dataclass
class Entry:
    time: dt.datetime
    title: str
    user_name: str = ""
    text: str = ""
    details: list[str] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    css: str = "secondary"


def attachments_of(owners: list[Any]) -> dict[tuple[int, str], list[Attachment]]:
    if not owners:
        return {}
    by_type: dict[int, list[str]] = defaultdict(list)
    for owner in owners:
        by_type[ContentType.objects.get_for_model(owner).pk].append(str(owner.pk))
    query = Q()
    for ct, ids in by_type.items():
        query |= Q(owner_type_id=ct, owner_id__in=ids)
    found: dict[tuple[int, str], list[Attachment]] = defaultdict(list)
    for att in Attachment.objects.filter(query).order_by("uploaded_at", "id"):
        found[(att.owner_type_id, att.owner_id)].append(att)
    return found


def timeline(a: Assignment) -> list[Entry]:
    """Issue, every workflow step (with its progress report or extension), and escalations, in time order."""
    reports = {r.pk: r for r in ProgressReport.objects.filter(assignment=a)}
    extensions = {e.pk: e for e in ExtensionRequest.objects.filter(assignment=a)}
    files = attachments_of([a, *reports.values()])
    report_ct = ContentType.objects.get_for_model(ProgressReport).pk
    history = list(workflow.history(a))
    first_unit = next((r.data.get("from_unit") for r in history if r.transition == "reassign"), None)
    details = [_("Deadline %(date)s") % {"date": a.original_deadline.isoformat()}]
    if a.source_label:
        details.append(_("Source: %(source)s") % {"source": a.source_label})
    entries = [Entry(a.created_at, _("Issued to %(unit)s") % {"unit": first_unit or a.assignee_unit},
                     a.issued_by_name or _("System"), a.requirements, details,
                     files.get((ContentType.objects.get_for_model(Assignment).pk, str(a.pk)), []), "primary")]
    for record in history:
        t = ASSIGNMENTS.get(record.transition)
        entry = Entry(record.time, str(t.label if t else record.transition), record.user_name, record.reason,
                      css=t.style if t else "secondary")
        report = reports.get(record.data.get("report_id"))
        if report is not None:
            entry.text = report.text
            entry.details.append(_("Progress %(percent)d%%") % {"percent": report.percent})
            entry.files = files.get((report_ct, str(report.pk)), [])
        ext = extensions.get(record.data.get("extension_id"))
        if ext is not None:
            entry.details.append(_("Deadline %(old)s → %(new)s") % {
                "old": ext.old_deadline.isoformat(), "new": ext.new_deadline.isoformat()})
        if record.transition in ("return", "reassign"):
            target = record.data.get("suggested_unit") or record.data.get("to_unit")
            if target:
                entry.details.append(_("Unit: %(unit)s") % {"unit": target})
        entries.append(entry)
    for event in EscalationEvent.objects.filter(assignment=a):
        level = EscalationLevel(event.to_level)
        label = level.label if event.to_level > event.from_level else _("Escalation reset")
        note = event.note or lateness(event.deadline, timezone.localdate(event.time))
        entries.append(Entry(event.time, str(label), _("System"), note, css=level.colour.css))
    entries.sort(key=lambda e: e.time)
    return entries


def lateness(deadline: dt.date, day: dt.date) -> str:
    days = (day - deadline).days
    if days > 0:
        return _("%(days)d days overdue") % {"days": days}
    if days == 0:
        return _("due today")
    return _("due in %(days)d days") % {"days": -days}


# ---- my work ------------------------------------------------------------------------------------

def _item(a: Assignment, action: Any) -> WorkItem:
    return WorkItem(kind=KIND, kind_label=KIND_LABEL, title=f"{a.number} {a.subject}", url=a.get_absolute_url(),
                    action_label=action, deadline=a.deadline, colour=EscalationLevel(a.escalation_level).colour,
                    escalation=a.escalation_level,
                    created_at=a.submitted_at if a.status == AssignmentStatus.SUBMITTED else a.created_at)


def work_items(user: Any) -> list[WorkItem]:
    """What waits on this user: a unit's assignments to sign, handle or redo; the office's decisions."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return []
    items: list[WorkItem] = []
    officer_units = [u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles]
    if officer_units:
        for a in Assignment.objects.filter(assignee_unit_id__in=officer_units, status__in=[
                AssignmentStatus.ISSUED, AssignmentStatus.IN_PROGRESS]).order_by("deadline", "id"):
            if a.status == AssignmentStatus.ISSUED:
                action = gettext_lazy("Sign for it")
            elif a.sent_back:
                action = gettext_lazy("Rework and resubmit")
            else:
                action = gettext_lazy("Report progress or submit completion")
            items.append(_item(a, action))
    issuing = list(actor.park_ids_with(frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN})))
    if actor.is_superuser:
        issuing = list(Assignment.objects.values_list("park_id", flat=True).distinct())
    if issuing:
        pending = ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).values("assignment_id")
        waiting = Assignment.objects.filter(park_id__in=issuing).filter(
            Q(status__in=[AssignmentStatus.SUBMITTED, AssignmentStatus.RETURNED]) | Q(pk__in=pending))
        for a in waiting.order_by("deadline", "id"):
            if a.status == AssignmentStatus.SUBMITTED:
                action = gettext_lazy("Verify the completion")
            elif a.status == AssignmentStatus.RETURNED:
                action = gettext_lazy("Reassign or withdraw")
            else:
                action = gettext_lazy("Decide on the extension request")
            items.append(_item(a, action))
    leading = list(actor.park_ids_with(frozenset({Role.LEADER})))
    if leading:
        seen = {i.url for i in items}
        for a in Assignment.objects.filter(park_id__in=leading, escalation_level=EscalationLevel.LISTED).open() \
                .order_by("deadline", "id"):
            item = _item(a, gettext_lazy("Listed supervision: follow up"))
            if item.url not in seen:
                items.append(item)
    today = timezone.localdate()
    return sorted(items, key=lambda i: i.sort_key(today))
