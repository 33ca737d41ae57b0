"""The panels of the homes other than the cockpit, by role.

* an enterprise user: each own enterprise's compliance now (exceeding, alarms to deal with),
  its open assignments and its plan's progress;
* an inspector: today's patrols, the plans due or overdue, and the map;
* a unit officer, an expert: their work (``core.work.items_for``, most urgent first) with counts;
* the supervision group: what is open in the park.
Every count links to the list it comes from, filtered the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from qingyuan.alarms.choices import ACTIVE_STATUSES, AlarmKind
from qingyuan.alarms.models import Alarm
from qingyuan.cockpit.figures import Count_, link
from qingyuan.complaints.models import Complaint
from qingyuan.core.work import WorkItem
from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections.models import Patrol, PatrolPlan
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.plans.choices import MeasureStatus
from qingyuan.plans.models import EnterprisePlan
from qingyuan.tasks.choices import EscalationLevel
from qingyuan.tasks.models import Assignment


def counts_by_kind(items: list[WorkItem]) -> list[tuple[Any, int]]:
    counter = Counter(str(i.kind_label) for i in items)
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def role_panels(user: Any, today: dt.date) -> dict[str, Any]:
    actor = actor_for(user)
    roles = actor.roles
    out: dict[str, Any] = {}
    own = list(Enterprise.objects.filter(accounts__user=user).select_related("linked_unit").order_by("name"))
    if own:
        out["own_enterprises"] = enterprise_panels(user, own)
    if Role.INSPECTOR in roles:
        out["inspector"] = inspector_panel(user, today)
    if Role.SUPERVISOR in roles:
        out["open_items"] = open_items(user, today)
    if Role.UNIT_OFFICER in roles and actor.unit_ids:
        out["linked_enterprises"] = (Enterprise.objects.visible_to(user).filter(linked_unit_id__in=actor.unit_ids)
                                     .select_related("linked_unit").order_by("name"))
    return out


def enterprise_panels(user: Any, enterprises: list[Enterprise]) -> list[dict[str, Any]]:
    ids = [e.pk for e in enterprises]
    alarms = {e: (n, ex) for e, n, ex in Alarm.objects.visible_to(user).filter(
        enterprise_id__in=ids, status__in=ACTIVE_STATUSES).order_by().values_list("enterprise_id").annotate(
        n=Count("id"), ex=Count("id", filter=Q(kind=AlarmKind.EXCEEDANCE)))}
    tasks = dict(Assignment.objects.visible_to(user).open().filter(enterprise_id__in=ids).order_by()
                 .values_list("enterprise_id").annotate(n=Count("id")))
    plans = {p.enterprise_id: p for p in EnterprisePlan.objects.filter(enterprise_id__in=ids).annotate(
        total=Count("measures", filter=~Q(measures__status=MeasureStatus.CANCELLED)),
        done=Count("measures", filter=Q(measures__status=MeasureStatus.DONE))).order_by("enterprise_id", "-id")}
    out = []
    for e in enterprises:
        n, ex = alarms.get(e.pk, (0, 0))
        plan = plans.get(e.pk)
        out.append({
            "enterprise": e, "exceeding": ex > 0,
            "alarms": Count_("", n, link("alarms:board", enterprise=e.pk, status="active")),
            "exceedances": Count_("", ex, link("alarms:board", enterprise=e.pk, kind=AlarmKind.EXCEEDANCE,
                                               status="active")),
            "tasks": Count_("", tasks.get(e.pk, 0), link("tasks:list", status="open", enterprise=e.pk)),
            "plan": plan, "plan_share": plan.done / plan.total if plan and plan.total else None,
        })
    return out


def inspector_panel(user: Any, today: dt.date) -> dict[str, Any]:
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    done = list(Patrol.objects.visible_to(user).filter(started_at__gte=start, started_at__lt=start + dt.timedelta(days=1))
                .select_related("enterprise").order_by("started_at"))
    due = list(PatrolPlan.objects.visible_to(user).filter(next_due__lte=today).select_related("enterprise")
               .order_by("next_due", "enterprise__name")[:20])
    return {"done": done, "due": due, "today": today,
            "done_url": link("inspections:list", month=f"{today:%Y-%m}"),
            "calendar_url": link("inspections:calendar", month=f"{today:%Y-%m}")}


def open_items(user: Any, today: dt.date) -> list[Count_]:
    """What is open in the park, for the supervision group."""
    tasks = Assignment.objects.visible_to(user).open()
    listed = tasks.filter(escalation_level=EscalationLevel.LISTED).count()
    return [
        Count_("assignments", tasks.count(), link("tasks:list", status="open")),
        Count_("overdue", tasks.filter(deadline__lt=today).count(), link("tasks:list", overdue="on")),
        Count_("listed", listed, link("tasks:list", status="open", level=EscalationLevel.LISTED.value)),
        Count_("alarms", Alarm.objects.visible_to(user).filter(status__in=ACTIVE_STATUSES).count(),
               link("alarms:board", status="active")),
        Count_("complaints", Complaint.objects.visible_to(user).open().count(), link("complaints:board", due="open")),
    ]
