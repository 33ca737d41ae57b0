"""Read-side helpers: what waits on a user, the board's counts, the detail page's history, pressure."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from qingyuan.alarms import engine
from qingyuan.alarms.choices import AlarmKind, AlarmStatus, Severity
from qingyuan.alarms.models import Alarm
from qingyuan.alarms.workflow import ALARMS
from qingyuan.core import attachments, workflow
from qingyuan.core.work import Colour, WorkItem
from qingyuan.enterprises.models import EnterpriseAccount
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import PARK_MANAGER_ROLES, Role
from qingyuan.quality.services import parameter_label

KIND = "alarm"
KIND_LABEL = gettext_lazy("Alarm")
NEEDS_EXPLANATION = (Severity.MEDIUM, Severity.HIGH)


def check_devices_step() -> bool:
    engine.check_devices()
    return False  # periodic: once per run


def _item(alarm: Alarm, action: Any) -> WorkItem:
    since = {AlarmStatus.EXPLAINED: alarm.explained_at, AlarmStatus.VERIFIED: alarm.verified_at}.get(
        alarm.status) or alarm.first_detected_at
    colour = Colour.RED if alarm.severity == Severity.HIGH else Colour.YELLOW \
        if alarm.severity == Severity.MEDIUM else Colour.NONE
    title = f"#{alarm.pk} {alarm.point.name}: {AlarmKind(alarm.kind).label}"
    if alarm.parameter:
        title += f" {parameter_label(alarm.parameter)}"
    deadline = alarm.assignment.deadline if alarm.assignment_id else None  # type: ignore[union-attr]
    return WorkItem(kind=KIND, kind_label=KIND_LABEL, title=title, url=alarm.get_absolute_url(),
                    action_label=action, deadline=deadline, colour=colour, created_at=since)


def work_items(user: Any) -> list[WorkItem]:
    """Enterprise users: their medium and high alarms to explain. Regulators: explanations to verify,
    verified alarms to close."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return []
    items: list[WorkItem] = []
    base = Alarm.objects.select_related("point", "assignment")
    own = EnterpriseAccount.objects.filter(user_id=actor.user_id).values("enterprise_id")
    for alarm in base.filter(enterprise_id__in=own, status__in=[AlarmStatus.OPEN, AlarmStatus.ACKNOWLEDGED],
                             severity__in=NEEDS_EXPLANATION).order_by("-last_detected_at")[:50]:
        items.append(_item(alarm, gettext_lazy("Explain the alarm")))
    managed = list(actor.park_ids_with(PARK_MANAGER_ROLES))
    units = [u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles]
    scope = Q(park_id__in=managed) | Q(enterprise__linked_unit_id__in=units)
    if actor.is_superuser:
        scope = Q()
    if managed or units or actor.is_superuser:
        for alarm in base.filter(scope, status__in=[AlarmStatus.EXPLAINED, AlarmStatus.VERIFIED]) \
                .order_by("-last_detected_at")[:50]:
            action = gettext_lazy("Verify the explanation") if alarm.status == AlarmStatus.EXPLAINED \
                else gettext_lazy("Close the alarm")
            items.append(_item(alarm, action))
    today = timezone.localdate()
    return sorted(items, key=lambda i: i.sort_key(today))


def counts_by(qs: Any, field: str) -> list[tuple[Any, int]]:
    """(value, count) of ``field`` over a filtered queryset, most first: one query."""
    rows = qs.order_by().values_list(field).annotate(n=Count("id")).order_by("-n", field)
    return [(value, n) for value, n in rows]


def board_counts(qs: Any) -> dict[str, Any]:
    """Counts for the board's charts: by kind, by enterprise (top 15), by status. Three queries."""
    kinds = [(str(AlarmKind(k).label), n) for k, n in counts_by(qs, "kind")]
    by_enterprise = [(name or "—", n) for name, n in counts_by(qs, "enterprise__name")[:15]]
    statuses = dict(counts_by(qs, "status"))
    return {"kinds": kinds, "enterprises": by_enterprise,
            "statuses": [(str(s.label), statuses.get(s.value, 0)) for s in AlarmStatus]}


def history(alarm: Alarm) -> list[Any]:
    records = list(workflow.history(alarm))
    files = list(attachments.for_owner(alarm).order_by("uploaded_at", "id"))
    for r in records:
        t = ALARMS.get(r.transition)
        r.label = t.label if t else r.transition  # type: ignore[attr-defined]
        r.files = files if r.transition == "explain" else []  # type: ignore[attr-defined]
    return records


def alarm_pressure(enterprise_ids: list[int], since: dt.datetime) -> Counter:
    """For patrol frequency (inspections): alarms of medium or high severity per enterprise since ``since``."""
    rows = (Alarm.objects.filter(enterprise_id__in=enterprise_ids, last_detected_at__gte=since,
                                 severity__in=NEEDS_EXPLANATION)
            .values_list("enterprise_id").annotate(n=Count("id")).order_by())
    return Counter(dict(rows))
