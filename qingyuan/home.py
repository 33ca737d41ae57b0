"""The home page: one page whose panels follow the user's roles."""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qingyuan.core import work
from qingyuan.core.models import Notification, TransitionRecord
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.lifecycle import LIFECYCLE
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    actor = actor_for(user)
    visible = Enterprise.objects.visible_to(user)
    context: dict[str, object] = {
        "actor": actor,
        "work_items": work.items_for(user, timezone.localdate())[:6],
        "notifications": Notification.objects.filter(recipient=user, read_at__isnull=True)[:5],
        "own_enterprises": Enterprise.objects.filter(accounts__user=user).select_related("linked_unit"),
    }
    if actor.is_superuser or actor.park_wide_ids:
        counts = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
        context["status_counts"] = [(s.label, counts.get(s.value, 0), s.value) for s in EnterpriseStatus]
        context["status_chart"] = json.dumps(
            [{"name": str(s.label), "value": counts.get(s.value, 0)} for s in EnterpriseStatus], ensure_ascii=False
        )
        context["enterprise_total"] = sum(counts.values())
        context["point_total"] = MonitoringPoint.objects.visible_to(user).filter(is_active=True).count()
        changes = list(
            TransitionRecord.objects.filter(
                object_type=ContentType.objects.get_for_model(Enterprise),
                object_id__in=visible.annotate(sid=Cast("pk", CharField())).values("sid"),
            ).order_by("-time")[:8]
        )
        names = dict(Enterprise.objects.filter(pk__in=[c.object_id for c in changes]).values_list("pk", "name"))
        context["recent_changes"] = [(c, names.get(int(c.object_id), ""), LIFECYCLE.label(c.to_state))
                                     for c in changes]
    if actor.unit_ids and Role.UNIT_OFFICER in actor.roles:
        context["linked_enterprises"] = visible.filter(linked_unit_id__in=actor.unit_ids).select_related("linked_unit")
    return render(request, "home.html", context)
